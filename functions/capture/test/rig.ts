import fs from 'node:fs/promises';
import { Redis } from 'ioredis';
import { redisKeys } from '../../shared/src/keys';
import { deleteKeysUnder, newPrefix, TEST_REDIS_URL } from '../../../test/support';

/** Something a capture test starts: a capture, a simulator, a camera (stop) or a sink (close). */
type Running = { stop(): Promise<unknown> } | { close(): Promise<unknown> };

/**
 * What a capture integration file shares: its own Redis prefix, keys and client, and one
 * afterAll that stops what `running()` lists, in that order (the capture first, so it writes no
 * more), then deletes the prefix's keys, disconnects and removes the folders it lists. Call it
 * where the file's afterAll would be; `running` is read only then.
 */
export function captureTestRig(running: () => (Running | string | undefined)[]) {
  const prefix = newPrefix();
  const keys = redisKeys(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    const all = running();
    for (const r of all) if (r && typeof r !== 'string') await ('stop' in r ? r.stop() : r.close());
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    for (const dir of all) if (typeof dir === 'string' && dir) await fs.rm(dir, { recursive: true, force: true });
  });
  return { prefix, keys, redis };
}
