/**
 * Issue #18.8 against a real (closed) Redis port: an outage does not flood the logs with
 * "Unhandled error event" (every client has a rate-limited 'error' listener, the queue's
 * blocking connection too), and messages naming REDIS_URL never carry its password.
 */
import { Redis } from 'ioredis';
import { ClipQueue } from '../src/queue';
import { redisKeys } from '../src/keys';
import { logRedisErrors } from '../src/redis-errors';
import { redactUrls } from '../src/redact';
import { parseConfig } from '../src/config';
import { freePort } from '../../../test/support';

test('#18.8 a Redis outage does not flood the logs with "Unhandled error event"', async () => {
  const port = await freePort(); // free a moment ago: nothing listens there, a closed Redis port
  const printed: string[] = [];
  const spy = jest
    .spyOn(console, 'error')
    .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  const warned: unknown[] = [];
  const redis = new Redis(`redis://127.0.0.1:${port}`, {
    maxRetriesPerRequest: null,
    retryStrategy: () => 20,
    lazyConnect: true,
  });
  let errors = 0;
  logRedisErrors(redis, { warn: (o: unknown) => void warned.push(o) } as never, 'test');
  redis.on('error', () => errors++);
  const queue = new ClipQueue(redis, {
    keys: redisKeys('test-outage'),
    maxAttempts: 3,
    heartbeatTtlSeconds: 3,
    logger: { warn: (o: unknown) => void warned.push(o) } as never,
  });
  try {
    redis.connect().catch(() => undefined);
    const claim = queue.claim('c1', 1).catch(() => undefined); // creates the blocking connection
    const deadline = Date.now() + 5000;
    while (errors < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toBeGreaterThanOrEqual(10);
    // the queue's own blocking connection fails too: it must have a listener (ioredis prints
    // "[ioredis] Unhandled error event" + a stack for every error of a client without one)
    const blocking = (queue as unknown as { blocking?: Redis }).blocking;
    expect(blocking?.listeners('error').length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(printed.filter((l) => l.includes('Unhandled error event'))).toEqual([]);
    expect(warned.length).toBeLessThanOrEqual(2); // the main client's first error, the blocking one's first error
    void claim;
  } finally {
    spy.mockRestore();
    await queue.close();
    redis.disconnect();
  }
});

test('#18.8 the Redis password does not appear in messages that name REDIS_URL', () => {
  expect(redactUrls('cannot reach Redis at redis://:s3cret@10.0.0.1:6379/0: ECONNREFUSED')).toBe(
    'cannot reach Redis at redis://:***@10.0.0.1:6379/0: ECONNREFUSED',
  );
  expect(redactUrls('at rediss://app:s3cret@redis:6380')).toBe('at rediss://app:***@redis:6380');
  expect(redactUrls('at redis://s3cret@redis')).not.toContain('s3cret');
  expect(redactUrls('at redis://127.0.0.1:6379')).toBe('at redis://127.0.0.1:6379');
  let message = '';
  try {
    parseConfig({ REDIS_URL: 'redis://:s3cret@host:notaport' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/REDIS_URL/);
  expect(message).not.toContain('s3cret');
});
