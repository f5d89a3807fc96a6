/**
 * The test Redis: the system one on 127.0.0.1:6379, shared by every test, so each test works under
 * its own random key prefix and deletes exactly those keys when it ends.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../../functions/shared/src/keys';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A fresh key prefix (`test-<uuid>`): no two tests ever see each other's keys. */
export const newPrefix = (): string => `test-${randomUUID()}`;

/** A connection to the test Redis (or `url`); fails a command fast instead of queueing it forever. */
export function connectRedis(url = TEST_REDIS_URL, opts: { lazyConnect?: boolean } = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: opts.lazyConnect ?? false });
}

/** Deletes every key under `prefix:` (SCAN, not KEYS, so a busy Redis is not blocked). */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
}

/** Counts the keys under `prefix:` (a test's leak check). */
export async function countKeysUnder(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    n += found.length;
  } while (cursor !== '0');
  return n;
}

/** Opens a short-lived connection for one call (e.g. cleanup from a test that has none open). */
export async function withRedis<T>(fn: (redis: Redis) => Promise<T>, url = TEST_REDIS_URL): Promise<T> {
  const redis = connectRedis(url);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

export interface TestRedis {
  redis: Redis;
  prefix: string;
  keys: RedisKeys;
  /** deletes every key under the prefix and closes the connection */
  cleanup: () => Promise<void>;
}

/** A connection and a fresh key prefix per test; `cleanup()` deletes every key under it. */
export async function testRedis(url = TEST_REDIS_URL): Promise<TestRedis> {
  const redis = connectRedis(url, { lazyConnect: true });
  await redis.connect();
  const prefix = newPrefix();
  return {
    redis,
    prefix,
    keys: redisKeys(prefix),
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    },
  };
}
