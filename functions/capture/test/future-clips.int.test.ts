/**
 * Issue #28.13 over real HTTP, real Redis, real ffprobe: an outside clip dated in the future
 * (beyond a minute of clock skew) is refused with 422 and never queued, and the dashboard's
 * "newest clip" of a camera ignores it, so it cannot hold the camera tile.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import pino from 'pino';
import { scanLatestClips } from '../../alerts/src/adapters/latest-clips';
import { Publisher } from '../../shared/src/cloudevents';
import { EventType } from '../../shared/src/events';
import { serveFunction, type ServedFunction } from '../../shared/src/http';
import { redisKeys } from '../../shared/src/keys';
import { createRegistry } from '../../shared/src/metrics';
import { ClipQueue } from '../../shared/src/queue';
import { createCaptureHandler } from '../src/handler';
import { ClipIntake } from '../src/app/intake';
import { createCaptureMetrics } from '../src/adapters/metrics';
import { newPrefix } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const registry = createRegistry('capture-future-test', false);
const logger = pino({ level: 'silent' });
let clipsDir: string;
let served: ServedFunction;

beforeAll(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-future-'));
  const metrics = createCaptureMetrics(registry);
  const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30, logger });
  const publisher = new Publisher({ sink: undefined, maxRetries: 0, timeoutMs: 2000, logger, registry });
  const intake = new ClipIntake({ clipsDir, queue, publisher, metrics, logger, ffprobePath: 'ffprobe' });
  served = await serveFunction(
    'capture-future-test',
    createCaptureHandler({
      actions: { clipRecorded: (data) => intake.take(data), cameraUpdated: async () => undefined },
      readiness: async () => ({ ready: true }),
      registry,
      logger,
    }),
    0,
    '127.0.0.1',
  );
});

afterAll(async () => {
  await served?.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fs.rm(clipsDir, { recursive: true, force: true });
});

const stamp = (ms: number) =>
  `${new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;

async function place(rel: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(clipsDir, rel)), { recursive: true });
  await fs.copyFile(path.join(__dirname, 'fixtures', 'tiny.mp4'), path.join(clipsDir, rel));
}

async function post(data: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const msg = HTTP.binary(
    new CloudEvent({ id: `ev-${Math.random()}`, type: EventType.clipRecorded, source: '/nvr', data }),
  );
  const res = await fetch(served.url, {
    method: 'POST',
    headers: msg.headers as Record<string, string>,
    body: msg.body as string,
  });
  return { status: res.status, body: await res.text() };
}

describe('#28.13 outside clips dated in the future', () => {
  test('2030 is refused with 422 and not queued; a clip within the skew is taken', async () => {
    await place('cam2/20300101T000000Z.mp4');
    const future = await post({
      cameraId: 'cam2',
      path: 'cam2/20300101T000000Z.mp4',
      startedAt: '2030-01-01T00:00:00Z',
    });
    expect(future.status).toBe(422);
    expect(future.body).toMatch(/dated in the future/);
    // an un-stamped name with a future announced time: the same
    await place('cam2/export-1.mp4');
    const later = new Date(Date.now() + 10 * 60_000).toISOString();
    expect((await post({ cameraId: 'cam2', path: 'cam2/export-1.mp4', startedAt: later })).status).toBe(422);
    expect(await redis.llen(keys.clips)).toBe(0);

    const nearNow = `cam2/${stamp(Date.now() + 20_000)}.mp4`; // 20 s ahead: clock skew, accepted
    await place(nearNow);
    expect((await post({ cameraId: 'cam2', path: nearNow, startedAt: new Date().toISOString() })).status).toBe(200);
    expect(await redis.llen(keys.clips)).toBe(1);
  });

  test('the camera tile’s newest clip skips a file dated in the future', async () => {
    const now = `cam3/${stamp(Date.now() - 5_000)}.mp4`;
    await place(now);
    await place('cam3/20300101T000000Z.mp4');
    const latest = await scanLatestClips(clipsDir);
    expect(latest.get('cam3')?.path).toBe(now);
  });
});
