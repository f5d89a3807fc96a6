/**
 * What the claimed-set tests share (claimed-set.int.test.ts and the kill -9 soak in
 * reliability/): a clip job by number and the invariant check.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClipJob } from '../src/clip-job';
import type { RedisKeys } from '../src/keys';

export const job = (i: number): ClipJob => ({
  v: 1,
  id: `cam1-${String(i).padStart(6, '0')}`,
  cameraId: 'cam1',
  path: `cam1/${i}.mp4`,
  startedAt: new Date(Date.UTC(2026, 11, 2, 6, 0, 0) + i * 5000).toISOString(),
  durationMs: 5000,
  bytes: 1000,
  attempt: 0,
});

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
