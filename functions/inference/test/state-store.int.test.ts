import { Redis } from 'ioredis';
import { Publisher } from '../../shared/src/cloudevents';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { createRegistry } from '../../shared/src/metrics';
import type { ClipJob } from '../../shared/src/clip-job';
import { StateStore } from '../src/adapters/state-store';
import type { Judgement } from '../src/app/judge';
import { InferenceMetrics } from '../src/adapters/metrics';
import { commitVerdict, publishAll, replayIfDone, type OutcomeDeps } from '../src/app/outcome';
import { REDIS_URL, startSink, verdicts, type Sink } from './helpers';
import { randomUUID } from 'node:crypto';
import { deleteKeysUnder } from '../../../test/support';

jest.setTimeout(30_000);

/** The commit script against a real Redis: at most once per job, compare-and-set across "pods". */

/** Commits one judged job's verdict and incidents, then publishes its events. */
async function storeVerdict(deps: OutcomeDeps, job: ClipJob, j: Judgement, analyzedAt: Date) {
  const result = await commitVerdict(deps, job, j, analyzedAt);
  await publishAll(deps, result.events);
  return result;
}

describe('verdict commit + incident state (real Redis)', () => {
  const admin = new Redis(REDIS_URL);
  const pods = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
  const logger = createLogger('test', 'silent');
  let sink: Sink;
  let prefix: string;

  beforeAll(async () => {
    sink = await startSink();
  });
  beforeEach(() => {
    prefix = `test-${randomUUID()}`;
    sink.events.length = 0;
  });
  afterEach(() => deleteKeysUnder(admin, prefix));
  afterAll(async () => {
    await sink.close();
    for (const r of [admin, ...pods]) r.disconnect();
  });

  function deps(redis: Redis, sinkUrl: string | undefined = sink.url): OutcomeDeps {
    const keys = redisKeys(prefix);
    const registry = createRegistry('t', false);
    return {
      store: new StateStore(redis, keys, { verdictsMaxLen: 1000, replayTtlSeconds: 600 }),
      markerTtl: { safeSeconds: 3600, otherSeconds: 86_400 },
      publisher: new Publisher({ sink: sinkUrl, maxRetries: 0, timeoutMs: 2000, logger, registry, backoff: () => 1 }),
      keys,
      model: 'm',
      metrics: new InferenceMetrics(registry),
      logger,
      policy: { confirmK: 2, confirmN: 3, resolveAfter: 2, cooldownMs: 0 },
    };
  }
  const job = (i: number, cameraId = 'cam1'): ClipJob => ({
    v: 1,
    id: `${cameraId}-${i}`,
    cameraId,
    path: `${cameraId}/${i}.mp4`,
    startedAt: new Date(Date.UTC(2026, 10, 28, 20, 0, i * 5)).toISOString(),
    durationMs: 5000,
    bytes: 1,
    attempt: 0,
  });
  const fire: Judgement = {
    status: 'danger',
    hazards: [{ type: 'fire', description: 'f', confidence: 0.9 }],
    summary: 's',
    usage: [],
    modelMs: 1,
  };

  test('two pods judging 20 clips of one camera at once: one raise, 19 updates, nothing lost', async () => {
    const d = pods.map((r) => deps(r));
    await Promise.all(Array.from({ length: 20 }, (_, i) => storeVerdict(d[i % 2]!, job(i), fire, new Date())));
    const keys = redisKeys(prefix);
    const incident = JSON.parse((await admin.hget(keys.incidents, 'cam1:fire'))!) as {
      clipCount: number;
      state: string;
    };
    expect(incident).toMatchObject({ clipCount: 20, state: 'open' });
    const types = sink.events.map((e) => e.type.split('.').pop());
    expect(types.filter((t) => t === 'raised')).toHaveLength(1);
    expect(types.filter((t) => t === 'updated')).toHaveLength(19);
    expect(new Set(sink.events.map((e) => e.id)).size).toBe(sink.events.length);
    expect(await admin.scard(keys.incidentClips)).toBe(20);
  });

  test('the same job committed twice yields one verdict and replays the first outcome', async () => {
    const d = deps(pods[0]!);
    const first = await storeVerdict(d, job(1), fire, new Date());
    const second = await storeVerdict(deps(pods[1]!), job(1), { ...fire, status: 'safe', hazards: [] }, new Date());
    expect(first.replay).toBe(false);
    expect(second.replay).toBe(true);
    expect(second.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(await verdicts(admin, redisKeys(prefix).verdicts)).toHaveLength(1);
    expect(sink.events.filter((e) => e.type.endsWith('raised'))).toHaveLength(1);
    expect(JSON.parse((await admin.get(redisKeys(prefix).verdictDone('cam1-1')))!)).toEqual({
      status: 'danger',
      incident: true,
    });
    expect(await admin.ttl(redisKeys(prefix).verdictDone('cam1-1'))).toBeGreaterThan(3600); // outlives the clip (incident retention)
    expect(await admin.ttl(d.store.outcomeKey('cam1-1'))).toBeLessThanOrEqual(600); // replay record: short
  });

  test('a crash between commit and publish: the redelivered job publishes the stored events once', async () => {
    const down = deps(pods[0]!, 'http://127.0.0.1:9/'); // nothing listens on the discard port
    await expect(storeVerdict(down, job(1), fire, new Date())).rejects.toMatchObject({ name: 'RetryableError' });
    expect(sink.events).toHaveLength(0);
    const up = deps(pods[1]!);
    const replayed = await replayIfDone(up, 'cam1-1');
    expect(replayed?.map((e) => e.type.split('.').pop())).toEqual(['created', 'raised']);
    await replayIfDone(up, 'cam1-1');
    expect(sink.events.map((e) => e.type.split('.').pop())).toEqual(['created', 'raised']);
    expect(await replayIfDone(up, 'cam1-2')).toBeNull();
  });
});
