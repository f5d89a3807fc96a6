import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../src/keys';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A Redis connection and a fresh key prefix per test; `cleanup()` deletes every key under it. */
export async function testRedis(): Promise<{
  redis: Redis;
  prefix: string;
  keys: RedisKeys;
  cleanup: () => Promise<void>;
}> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `test-${randomUUID()}`;
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

/** Polls `check` until it returns true or the deadline passes (no blind sleeps). */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
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
