/**
 * The one settle step (adapters/settle.ts) against a real Redis queue: what each kind of failure
 * does to a claimed job, on a normal attempt, on the last attempt and while shutting down.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RetryableError, UnavailableError, UnrecoverableError } from '../../shared/src/errors';
import { redisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import { settleFailedJob } from '../src/adapters/settle';
import { REDIS_URL } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const redis = new Redis(REDIS_URL);
const prefix = `test-settle-${randomUUID()}`;
const queue = new ClipQueue(redis, { keys: redisKeys(prefix), maxAttempts: 2, heartbeatTtlSeconds: 30 });
const consumer = 'settle-test';

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await queue.close();
  redis.disconnect();
});

/** Enqueues one raw entry and claims it (attempt counted by the queue). */
async function claimOne(raw: string) {
  await queue.enqueueRaw(raw);
  const claimed = await queue.claim(consumer, 1);
  if (!claimed) throw new Error('nothing claimed');
  return claimed;
}

async function where(raw: string) {
  const keys = redisKeys(prefix);
  const [queued, held, dead] = await Promise.all([
    redis.lrange(keys.clips, 0, -1),
    redis.lrange(keys.processing(consumer), 0, -1),
    queue.deadLetters(),
  ]);
  return { queued: queued.includes(raw), held: held.includes(raw), dead: dead.find((d) => d.job === raw)?.reason };
}

test('a retryable failure goes back to the queue, counted; on the last attempt it is dead-lettered with its own reason', async () => {
  const raw = `{"n":"retry-${randomUUID()}"}`;
  const first = await claimOne(raw);
  const ctx = { maxAttempts: 2, stopping: false };
  expect(await settleFailedJob(queue, consumer, first, new RetryableError('vLLM said 500'), ctx)).toEqual({
    outcome: 'retried',
  });
  expect(await where(raw)).toEqual({ queued: true, held: false, dead: undefined });
  const second = await queue.claim(consumer, 1);
  expect(second?.attempt).toBe(2);
  const settled = await settleFailedJob(queue, consumer, second!, new RetryableError('vLLM said 500'), ctx);
  expect(settled).toEqual({
    outcome: 'dead-lettered',
    reason: 'RetryableError: vLLM said 500 (attempt 2 of QUEUE_MAX_ATTEMPTS=2)',
  });
  expect(await where(raw)).toEqual({
    queued: false,
    held: false,
    dead: settled.outcome === 'dead-lettered' && settled.reason,
  });
});

test('an unrecoverable failure is dead-lettered at once, even while shutting down', async () => {
  const raw = `{"n":"dead-${randomUUID()}"}`;
  const claimed = await claimOne(raw);
  const settled = await settleFailedJob(queue, consumer, claimed, new UnrecoverableError('not an MP4'), {
    maxAttempts: 2,
    stopping: true,
  });
  expect(settled).toEqual({ outcome: 'dead-lettered', reason: 'UnrecoverableError: not an MP4' });
  expect((await where(raw)).dead).toBe('UnrecoverableError: not an MP4');
});

test('"unavailable", or any other failure while shutting down, releases the job without counting the attempt', async () => {
  for (const [err, stopping] of [
    [new UnavailableError('vLLM is down'), false],
    [new RetryableError('aborted by shutdown'), true],
  ] as const) {
    const raw = `{"n":"release-${randomUUID()}"}`;
    const claimed = await claimOne(raw);
    expect(await settleFailedJob(queue, consumer, claimed, err, { maxAttempts: 1, stopping })).toEqual({
      outcome: 'released',
    });
    expect(await where(raw)).toEqual({ queued: true, held: false, dead: undefined });
    await redis.lrem(redisKeys(prefix).clips, 0, raw);
  }
});
