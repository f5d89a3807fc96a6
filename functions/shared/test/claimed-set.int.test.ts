/**
 * The claimed zset (KEDA's in-flight trigger) against a real Redis: every queue transition
 * writes it in the same script, and it never keeps an id that is in no processing list —
 * also after a consumer dies mid-claim and after a Redis restart (the test's own redis-server).
 */
import { Redis } from 'ioredis';
import { queueCommands } from '../src/queue/scripts';
import { redisKeys } from '../src/keys';
import { startOwnRedis, type OwnRedis, waitFor } from '../../../test/support';
import { expectAgrees, job, queueSuite, sha1 } from './claimed-set-fixtures';

describe('claimed set bookkeeping (real Redis)', () => {
  const suite = queueSuite({ maxAttempts: 2, heartbeatTtlSeconds: 1 });
  const { makeQueue } = suite;

  test('claim adds (scored by claim time); ack, retry, release and dead-letter each remove', async () => {
    const q = makeQueue();
    await q.heartbeat('w');
    for (let i = 0; i < 4; i++) await q.enqueue(job(i));
    const before = Date.now();
    const claimed = [];
    for (let i = 0; i < 4; i++) claimed.push((await q.claim('w', 1))!);
    expect(await q.claimedCount()).toBe(4);
    const scores = (await suite.ctx.redis.zrange(suite.ctx.keys.claimed, '0', '-1', 'WITHSCORES'))
      .filter((_, i) => i % 2 === 1)
      .map(Number);
    for (const s of scores) expect(Math.abs(s - before)).toBeLessThan(5_000);
    await expectAgrees(suite.ctx.redis, suite.ctx.keys);

    const [a, b, c, d] = claimed;
    expect(await q.ack('w', a!.raw)).toBe(true);
    expect(await q.claimedCount()).toBe(3);
    expect(await q.retry('w', b!.raw)).toBe(true);
    expect(await q.claimedCount()).toBe(2);
    expect(await q.release('w', c!.raw)).toBe(true);
    expect(await q.claimedCount()).toBe(1);
    expect(await q.deadLetter('w', d!.raw, 'test')).toBe(true);
    expect(await q.claimedCount()).toBe(0);
    // a second ack of a job no longer held changes nothing
    expect(await q.ack('w', a!.raw)).toBe(false);
    expect(await q.claimedCount()).toBe(0);
    await expectAgrees(suite.ctx.redis, suite.ctx.keys);
  });

  test('a claim over QUEUE_MAX_ATTEMPTS dead-letters without leaving an id', async () => {
    const q = makeQueue({ maxAttempts: 1 });
    await q.heartbeat('w');
    await q.enqueue(job(1));
    const first = await q.claim('w', 1);
    await q.retry('w', first!.raw);
    expect(await q.claim('w', 1)).toBeNull();
    expect(await q.deadLetters()).toHaveLength(1);
    expect(await q.claimedCount()).toBe(0);
  });

  test('reaping a dead consumer removes its ids; the live consumer keeps its own', async () => {
    const q = makeQueue();
    for (let i = 0; i < 3; i++) await q.enqueue(job(i));
    await q.heartbeat('dying');
    await q.claim('dying', 1);
    await q.claim('dying', 1);
    const live = makeQueue({ heartbeatTtlSeconds: 30 });
    await live.heartbeat('alive');
    await live.claim('alive', 1);
    expect(await q.claimedCount()).toBe(3);
    expect(await q.reap()).toEqual({}); // still alive
    await waitFor(async () => (await suite.ctx.redis.exists(suite.ctx.keys.consumerHeartbeat('dying'))) === 0, {
      timeoutMs: 5000,
      what: 'heartbeat expiry',
    });
    expect(await q.reap()).toEqual({ dying: 2 });
    expect(await q.claimedCount()).toBe(1);
    await expectAgrees(suite.ctx.redis, suite.ctx.keys);
  });

  test('a consumer that dies between BLMOVE and counting: reconcile adds the held job, reaping removes it', async () => {
    const q = makeQueue();
    await q.enqueue(job(1));
    await q.heartbeat('mid');
    // what BLMOVE alone does (the count-attempt script never ran)
    await suite.ctx.redis.lmove(suite.ctx.keys.clips, suite.ctx.keys.processing('mid'), 'RIGHT', 'LEFT');
    expect(await q.claimedCount()).toBe(0);
    expect(await q.reconcileClaimed()).toEqual({ removed: 0, added: 1 });
    expect(await q.claimedCount()).toBe(1);
    await waitFor(async () => (await suite.ctx.redis.exists(suite.ctx.keys.consumerHeartbeat('mid'))) === 0, {
      timeoutMs: 5000,
      what: 'heartbeat expiry',
    });
    expect(await q.reap()).toEqual({ mid: 1 });
    expect(await q.claimedCount()).toBe(0);
    expect((await q.depth()).pending).toBe(1);
  });

  test('a job reaped between BLMOVE and counting is not counted as claimed, and stays queued', async () => {
    const q = makeQueue();
    await q.enqueue(job(1));
    await q.heartbeat('slow');
    await suite.ctx.redis.lmove(suite.ctx.keys.clips, suite.ctx.keys.processing('slow'), 'RIGHT', 'LEFT');
    await waitFor(async () => (await suite.ctx.redis.exists(suite.ctx.keys.consumerHeartbeat('slow'))) === 0, {
      timeoutMs: 5000,
      what: 'heartbeat expiry',
    });
    await q.reap();
    // the consumer wakes up and runs the count-attempt script for the job it no longer holds
    const raw = (await suite.ctx.redis.lrange(suite.ctx.keys.clips, 0, -1))[0]!;
    const k = suite.ctx.keys;
    const attempt = await queueCommands(suite.ctx.redis).countAttempt(
      {
        processing: k.processing('slow'),
        attempts: k.attempts,
        dead: k.dead,
        stats: k.queueStats,
        claimed: k.claimed,
      },
      { raw, maxAttempts: 2, now: new Date().toISOString(), consumerId: 'slow' },
    );
    expect(attempt).toBe(0);
    expect(await q.claimedCount()).toBe(0);
    expect((await q.depth()).pending).toBe(1);
  });

  test('reconcile drops an id no consumer holds (e.g. a hand-edited or restored key), keeps fresh claims', async () => {
    const q = makeQueue({ heartbeatTtlSeconds: 30 });
    await q.heartbeat('w');
    await q.enqueue(job(1));
    await q.claim('w', 1);
    await suite.ctx.redis.zadd(suite.ctx.keys.claimed, 1, sha1('a job nobody holds'));
    expect(await q.claimedCount()).toBe(2);
    expect(await q.reap()).toEqual({});
    expect(await q.claimedCount()).toBe(1);
    await expectAgrees(suite.ctx.redis, suite.ctx.keys);
    // a claim newer than the cutoff is never dropped, even by a reconcile that did not see its consumer
    await suite.ctx.redis.zadd(suite.ctx.keys.claimed, Date.now() + 60_000, sha1('claimed after the cutoff'));
    expect((await q.reconcileClaimed()).removed).toBe(0);
  });

  describe('Redis restart (own redis-server, append-only file)', () => {
    let own: OwnRedis;
    let redis: Redis;
    beforeAll(async () => {
      own = await startOwnRedis();
    });
    afterAll(async () => {
      await own.destroy();
    });
    afterEach(() => {
      redis?.disconnect();
    });

    test('held jobs and their ids survive together; scripts reload (NOSCRIPT) and ack/reap keep the set exact', async () => {
      redis = new Redis(own.url, { maxRetriesPerRequest: 20, retryStrategy: () => 50 });
      const keys = redisKeys('restart');
      const q = makeQueue({ heartbeatTtlSeconds: 30 }, redis, keys);
      await q.heartbeat('w');
      for (let i = 0; i < 3; i++) await q.enqueue(job(i));
      const a = await q.claim('w', 1);
      await q.claim('w', 1);
      await q.close(); // its blocking connection would reconnect on its own; a fresh one after the restart
      await own.stop('SIGTERM'); // AOF flushed: like a pod restart with a persistent volume
      await own.start();
      await waitFor(async () => (await redis.ping().catch(() => '')) === 'PONG', {
        timeoutMs: 10_000,
        what: 'reconnect',
      });
      expect(await redis.script('EXISTS', 'x'.repeat(40))).toEqual([0]); // script cache is empty
      const after = makeQueue({ heartbeatTtlSeconds: 30 }, redis, keys);
      expect(await after.claimedCount()).toBe(2);
      await expectAgrees(redis, keys);
      expect(await after.ack('w', a!.raw)).toBe(true);
      expect(await after.claimedCount()).toBe(1);
      await after.claim('w', 1);
      expect(await after.claimedCount()).toBe(2);
      await expectAgrees(redis, keys);
    });
  });
});
