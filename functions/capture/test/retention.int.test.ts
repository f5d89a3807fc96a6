/**
 * Retention against real Redis and real files: the verdict markers inference writes decide;
 * a clip without a verdict (queued or in processing) is never deleted.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { clipStamp } from '../../shared/src/clip-job';
import { identifyClip } from '../../shared/src/clip-identity';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { createRegistry } from '../../shared/src/metrics';
import { MODEL_DIR, modelClipPaths } from '../../shared/src/model-clip';
import { RetentionSweeper } from '../src/adapters/retention';
import { createCaptureMetrics } from '../src/adapters/metrics';
import { newPrefix } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const NOW = Date.parse('2026-11-28T20:00:00Z');
const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379');
let clipsDir: string;

beforeEach(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-retention-'));
});
afterEach(async () => {
  await deleteKeysUnder(redis, prefix);
  await fs.rm(clipsDir, { recursive: true, force: true });
});
afterAll(() => redis.disconnect());

/** A clip file `minutesAgo` old; returns its job id and path. */
async function clip(cam: string, minutesAgo: number, bytes = 1000): Promise<{ id: string; rel: string }> {
  const stamp = clipStamp(new Date(NOW - minutesAgo * 60_000));
  const rel = `${cam}/${stamp}.mp4`;
  await fs.mkdir(path.join(clipsDir, cam), { recursive: true });
  await fs.writeFile(path.join(clipsDir, rel), Buffer.alloc(bytes, 1));
  return { id: (await identifyClip(clipsDir, rel, cam)).id, rel }; // the id capture gives it (issue #18.1)
}
const verdict = (id: string, status: string, incident = false) =>
  redis.set(keys.verdictDone(id), JSON.stringify({ status, incident }));
const exists = (rel: string) =>
  fs.access(path.join(clipsDir, rel)).then(
    () => true,
    () => false,
  );

function sweeper(over: { maxBytes?: number } = {}) {
  const registry = createRegistry('retention-test', false);
  const metrics = createCaptureMetrics(registry);
  return {
    registry,
    sweeper: new RetentionSweeper({
      redis,
      keys,
      clipsDir,
      clipRetentionSeconds: 3600,
      incidentRetentionDays: 7,
      maxBytes: over.maxBytes,
      metrics,
      logger: createLogger('retention-test', 'silent'),
    }),
  };
}

test('never deletes a queued clip; deletes a safe clip after retention; keeps incident clips', async () => {
  const queued = await clip('cam1', 24 * 60 * 30); // a month old, still no verdict
  const safeOld = await clip('cam1', 120);
  const safeNew = await clip('cam1', 10);
  const incidentBySet = await clip('cam2', 24 * 60 * 2);
  const incidentByMark = await clip('cam2', 24 * 60 * 3);
  const incidentExpired = await clip('cam2', 24 * 60 * 8);
  await verdict(safeOld.id, 'safe');
  await verdict(safeNew.id, 'safe');
  await verdict(incidentBySet.id, 'safe');
  await redis.sadd(keys.incidentClips, incidentBySet.rel, incidentExpired.rel);
  await verdict(incidentByMark.id, 'danger', true);
  await verdict(incidentExpired.id, 'danger', true);

  const { sweeper: s, registry } = sweeper();
  const result = await s.sweep(NOW);
  expect(result.delete.map((d) => [d.path, d.reason]).sort()).toEqual([
    [safeOld.rel, 'safe-expired'],
    [incidentExpired.rel, 'incident-expired'],
  ]);
  expect(await exists(queued.rel)).toBe(true);
  expect(await exists(safeOld.rel)).toBe(false);
  expect(await exists(safeNew.rel)).toBe(true);
  expect(await exists(incidentBySet.rel)).toBe(true);
  expect(await exists(incidentByMark.rel)).toBe(true);
  expect(await exists(incidentExpired.rel)).toBe(false);
  expect(await redis.sismember(keys.incidentClips, incidentExpired.rel)).toBe(0);
  expect(await registry.getSingleMetricAsString('safetyhanta_capture_retention_deleted_total')).toMatch(
    /reason="safe-expired"[^}]*} 1/,
  );
});

test('a clip with operator feedback (keys.feedbackClips) is kept however old; unmarked, it goes', async () => {
  const marked = await clip('cam1', 24 * 60 * 30);
  await verdict(marked.id, 'danger', true);
  await redis.sadd(keys.feedbackClips, marked.rel);
  const { sweeper: s } = sweeper({ maxBytes: 1 });
  expect((await s.sweep(NOW)).delete).toEqual([]);
  expect(await exists(marked.rel)).toBe(true);
  await redis.srem(keys.feedbackClips, marked.rel);
  expect((await s.sweep(NOW)).delete.map((d) => d.path)).toEqual([marked.rel]);
  expect(await exists(marked.rel)).toBe(false);
});

test('a clip of an incident on legal hold (keys.legalHoldClips, the record) is kept past 30 days; released, it goes', async () => {
  const held = await clip('cam1', 24 * 60 * 31);
  await verdict(held.id, 'danger', true);
  await redis.sadd(keys.legalHoldClips, held.rel);
  const { sweeper: s } = sweeper({});
  expect((await s.sweep(NOW)).delete).toEqual([]);
  await redis.srem(keys.legalHoldClips, held.rel);
  expect((await s.sweep(NOW)).delete.map((d) => d.path)).toEqual([held.rel]);
});

test('byte cap evicts the oldest verdicted clips first and never a queued one', async () => {
  const queuedOldest = await clip('cam1', 50);
  const a = await clip('cam1', 40);
  const b = await clip('cam1', 30);
  const c = await clip('cam2', 20);
  const queuedNew = await clip('cam2', 1);
  for (const x of [a, b, c]) await verdict(x.id, 'safe');
  // staging and quarantine count toward the cap but are never evicted
  await fs.mkdir(path.join(clipsDir, '.quarantine', 'cam1'), { recursive: true });
  await fs.writeFile(path.join(clipsDir, '.quarantine', 'cam1', 'bad.mp4'), Buffer.alloc(500));

  const { sweeper: s } = sweeper({ maxBytes: 3600 });
  const result = await s.sweep(NOW);
  expect(result.delete.map((d) => d.path)).toEqual([a.rel, b.rel]);
  expect(result.capBlocked).toBe(false);
  expect(result.bytesAfter).toBe(3500);
  for (const x of [queuedOldest, c, queuedNew]) expect(await exists(x.rel)).toBe(true);
});

test('when only queued clips remain over the cap: nothing deleted, the state is visible', async () => {
  const q1 = await clip('cam1', 50);
  const q2 = await clip('cam1', 40);
  const { sweeper: s, registry } = sweeper({ maxBytes: 1500 });
  const result = await s.sweep(NOW);
  expect(result.delete).toEqual([]);
  expect(result.capBlocked).toBe(true);
  expect(await exists(q1.rel)).toBe(true);
  expect(await exists(q2.rel)).toBe(true);
  expect(await registry.getSingleMetricAsString('safetyhanta_capture_disk_cap_blocked')).toMatch(/ 1$/m);
  expect(s.last?.capBlocked).toBe(true);
});

test('model clip and thumbnails (issue #13) count with their evidence clip and are deleted with it', async () => {
  const old = await clip('cam1', 120, 1000);
  const kept = await clip('cam1', 10, 1000);
  const withModel = async (rel: string) => {
    const m = modelClipPaths(rel);
    await fs.mkdir(path.join(clipsDir, 'cam1', MODEL_DIR), { recursive: true });
    await fs.writeFile(path.join(clipsDir, m.clip), Buffer.alloc(300, 2));
    await fs.writeFile(path.join(clipsDir, m.thumbs), Buffer.alloc(200, 3));
    return m;
  };
  const oldModel = await withModel(old.rel);
  const keptModel = await withModel(kept.rel);
  // an orphan (its evidence is gone) still counts toward the cap, as other bytes
  await fs.writeFile(path.join(clipsDir, 'cam1', MODEL_DIR, 'orphan.gray'), Buffer.alloc(50));
  await verdict(old.id, 'safe');
  await verdict(kept.id, 'safe');
  const { sweeper: s } = sweeper();
  const result = await s.sweep(NOW);
  expect(result.delete).toEqual([{ path: old.rel, reason: 'safe-expired', bytes: 1500 }]);
  expect(await exists(oldModel.clip)).toBe(false);
  expect(await exists(oldModel.thumbs)).toBe(false);
  expect(await exists(keptModel.clip)).toBe(true);
  expect(result.bytesAfter).toBe(1500 + 50);
  // the byte cap evicts the evidence with its model files
  const capped = await sweeper({ maxBytes: 100 }).sweeper.sweep(NOW);
  expect(capped.delete.map((d) => [d.path, d.bytes])).toEqual([[kept.rel, 1500]]);
  expect(await exists(keptModel.clip)).toBe(false);
  expect(await exists(keptModel.thumbs)).toBe(false);
});
