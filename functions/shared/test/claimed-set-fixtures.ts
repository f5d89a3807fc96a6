/**
 * What the queue tests share (clip-queue.int.test.ts, claimed-set.int.test.ts and the kill -9
 * soak in reliability/): a clip job by number, the queues a test makes, closed after it, and the
 * claimed set's invariant check.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClipJob } from '../src/clip-job';
import type { RedisKeys } from '../src/keys';
import { ClipQueue } from '../src/queue';
import { testRedis, type TestRedis } from '../../../test/support';

/** Job `i` of camera cam1: 5 s clips back to back from `baseMs`, `extra` fields over it. */
export const job = (
  i: number,
  extra: Record<string, unknown> = {},
  baseMs = Date.UTC(2026, 11, 2, 6, 0, 0),
): ClipJob => ({
  v: 1,
  id: `cam1-${String(i).padStart(6, '0')}`,
  cameraId: 'cam1',
  path: `cam1/${i}.mp4`,
  startedAt: new Date(baseMs + i * 5000).toISOString(),
  durationMs: 5000,
  bytes: 1000,
  attempt: 0,
  ...extra,
});

type QueueOptions = Partial<ConstructorParameters<typeof ClipQueue>[1]>;

/** Queues made with a suite's defaults (`opts` over them), all closed by `closeAll()`. */
export function queueKeeper(defaults: { maxAttempts: number; heartbeatTtlSeconds: number }) {
  const queues: ClipQueue[] = [];
  return {
    make: (opts: QueueOptions, redis: Redis, keys: RedisKeys): ClipQueue => {
      const q = new ClipQueue(redis, { keys, ...defaults, ...opts });
      queues.push(q);
      return q;
    },
    closeAll: async (): Promise<void> => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
    },
  };
}

/**
 * A fresh Redis prefix per test (`ctx`), and `makeQueue` on it by default; after each test its
 * queues are closed and its keys deleted. Call inside `describe`: it registers the hooks.
 */
export function queueSuite(defaults: { maxAttempts: number; heartbeatTtlSeconds: number }) {
  let current: TestRedis | undefined;
  const keeper = queueKeeper(defaults);
  const ctx = (): TestRedis => {
    if (!current) throw new Error('the test Redis starts in beforeEach');
    return current;
  };
  beforeEach(async () => {
    current = await testRedis();
  });
  afterEach(async () => {
    await keeper.closeAll();
    await current?.cleanup();
  });
  return {
    get ctx(): TestRedis {
      return ctx();
    },
    makeQueue: (opts: QueueOptions = {}, redis = ctx().redis, keys = ctx().keys) => keeper.make(opts, redis, keys),
  };
}

/** A claimed-set member: the sha1 of the job's raw JSON, as the queue scripts write it. */
export const sha1 = (raw: string): string => createHash('sha1').update(raw).digest('hex');

/** The invariant: claimed members == sha1 of every entry of every known processing list. */
export async function expectAgrees(redis: Redis, keys: RedisKeys): Promise<string[]> {
  const consumers = await redis.smembers(keys.consumers);
  const held = new Set<string>();
  for (const c of consumers) for (const raw of await redis.lrange(keys.processing(c), 0, -1)) held.add(sha1(raw));
  const members = await redis.zrange(keys.claimed, '0', '-1');
  expect(new Set(members)).toEqual(held);
  return members;
}
