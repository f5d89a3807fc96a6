/**
 * The one reader of pipeline numbers (shared/src/pipeline-readings.ts), against a real Redis: the
 * dashboard and the `npm start` panel both read these, so each label means one number.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys } from '../src/keys';
import { readPipeline } from '../src/pipeline-readings';
import { deleteKeysUnder, TEST_REDIS_URL } from '../../../test/support';

const redis = new Redis(TEST_REDIS_URL);
const prefix = `test-readings-${randomUUID()}`;
const keys = redisKeys(prefix);

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

test('queue, in flight (claimed set), dead letters, enqueued counter, open dashboard incidents and local replicas', async () => {
  expect(await readPipeline(redis, keys)).toEqual({
    queueDepth: 0,
    inFlight: 0,
    deadLetters: 0,
    clipsEnqueued: 0,
    openIncidents: 0,
    localReplicas: undefined,
  });
  await redis.lpush(keys.clips, 'a', 'b', 'c');
  await redis.zadd(keys.claimed, 1, 'x', 2, 'y');
  await redis.lpush(keys.processing('other-consumer'), 'z'); // not counted: in flight = the claimed set KEDA reads
  await redis.lpush(keys.dead, 'd');
  await redis.hset(keys.queueStats, 'enqueued', '7');
  await redis.sadd(keys.alertsOpen, 'cam1:fire', 'cam2:smoke');
  await redis.set(keys.stackReplicas, JSON.stringify({ desired: 3, running: 2, reason: 'queue 3 > 1×2' }));
  expect(await readPipeline(redis, keys)).toEqual({
    queueDepth: 3,
    inFlight: 2,
    deadLetters: 1,
    clipsEnqueued: 7,
    openIncidents: 2,
    localReplicas: { desired: 3, running: 2, reason: 'queue 3 > 1×2' },
  });
  await redis.set(keys.stackReplicas, 'not json');
  expect((await readPipeline(redis, keys)).localReplicas).toBeUndefined();
});
