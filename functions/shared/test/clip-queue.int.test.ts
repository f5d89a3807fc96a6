/** Reliable queue against a real Redis: every state change is a Lua script. */
import { waitFor } from '../../../test/support';
import { job as fixtureJob, queueSuite } from './claimed-set-fixtures';

const job = (i: number, extra: Record<string, unknown> = {}) => fixtureJob(i, extra, Date.UTC(2026, 10, 28, 20, 40, 0));

describe('ClipQueue (real Redis)', () => {
  const suite = queueSuite({ maxAttempts: 3, heartbeatTtlSeconds: 2 });
  const { makeQueue } = suite;

  test('4 consumers, 1,000 jobs: every job acked exactly once, never held by two consumers at once', async () => {
    const producer = makeQueue();
    for (let i = 0; i < 1000; i++) await producer.enqueue(job(i));
    const holders = new Map<string, string>(); // job id -> consumer currently holding it
    const acked = new Map<string, number>();
    let overlap = 0;
    const consume = async (consumerId: string) => {
      const q = makeQueue();
      for (;;) {
        const claimed = await q.claim(consumerId, 1);
        if (!claimed) return;
        if (!claimed.parsed.ok) throw new Error(claimed.parsed.reason);
        const id = claimed.parsed.job.id;
        if (holders.has(id)) overlap++;
        holders.set(id, consumerId);
        await new Promise((r) => setImmediate(r));
        holders.delete(id);
        expect(await q.ack(consumerId, claimed.raw)).toBe(true);
        acked.set(id, (acked.get(id) ?? 0) + 1);
      }
    };
    await Promise.all(['c1', 'c2', 'c3', 'c4'].map(consume));
    expect(overlap).toBe(0);
    expect(acked.size).toBe(1000);
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(await producer.depth()).toEqual({ pending: 0, dead: 0 });
    for (const c of ['c1', 'c2', 'c3', 'c4']) expect(await suite.ctx.redis.llen(suite.ctx.keys.processing(c))).toBe(0);
    expect((await producer.stats()).acked).toBe(1000);
  });

  test('enqueue is idempotent per job id', async () => {
    const q = makeQueue();
    expect((await q.enqueue(job(1))).enqueued).toBe(true);
    expect((await q.enqueue(job(1))).enqueued).toBe(false);
    expect((await q.depth()).pending).toBe(1);
  });

  test('a consumer that stops without acking: the reaper returns its jobs after the heartbeat TTL, nothing lost', async () => {
    const q = makeQueue({ heartbeatTtlSeconds: 2 });
    for (let i = 0; i < 5; i++) await q.enqueue(job(i));
    await q.heartbeat('dying');
    const held = [await q.claim('dying', 1), await q.claim('dying', 1)];
    expect(held.every(Boolean)).toBe(true);
    // alive: the reaper must leave its jobs alone
    expect(await q.reap()).toEqual({});
    expect(await suite.ctx.redis.llen(suite.ctx.keys.processing('dying'))).toBe(2);
    // the consumer "dies": no more heartbeats; wait for the TTL to expire
    await waitFor(async () => (await suite.ctx.redis.exists(suite.ctx.keys.consumerHeartbeat('dying'))) === 0, {
      timeoutMs: 5000,
      what: 'heartbeat expiry',
    });
    expect(await q.reap()).toEqual({ dying: 2 });
    expect(await suite.ctx.redis.llen(suite.ctx.keys.processing('dying'))).toBe(0);
    expect((await q.depth()).pending).toBe(5);
    // the returned jobs are claimed first, oldest first
    const next = await q.claim('survivor', 1);
    expect(next?.parsed.ok && next.parsed.job.id).toBe(job(0).id);
    expect(next?.attempt).toBe(2);
  });

  test('a job failing QUEUE_MAX_ATTEMPTS times lands in the dead list with its reason', async () => {
    const q = makeQueue({ maxAttempts: 3 });
    await q.enqueue(job(7));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const c = await q.claim('w', 1);
      expect(c?.attempt).toBe(attempt);
      await q.retry('w', c!.raw);
    }
    expect(await q.claim('w', 1)).toBeNull();
    const dead = await q.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(/failed 3 attempts \(QUEUE_MAX_ATTEMPTS=3\)/);
    expect(JSON.parse(dead[0]!.job).id).toBe(job(7).id);
    expect((await q.depth()).pending).toBe(0);
  });

  test('a malformed job is claimable, reported with its reason, and dead-lettered by the consumer', async () => {
    const q = makeQueue();
    await q.enqueueRaw('{"v":1,"id":"x"');
    await q.enqueueRaw(JSON.stringify({ ...job(1), path: 42 }));
    const a = await q.claim('w', 1);
    const b = await q.claim('w', 1);
    expect(a?.parsed.ok).toBe(false);
    expect(b?.parsed.ok).toBe(false);
    if (a && !a.parsed.ok) {
      expect(a.parsed.reason).toMatch(/not JSON/);
      await q.deadLetter('w', a.raw, a.parsed.reason);
    }
    if (b && !b.parsed.ok) {
      expect(b.parsed.reason).toMatch(/path/);
      await q.deadLetter('w', b.raw, b.parsed.reason);
    }
    expect((await q.deadLetters()).map((d) => d.reason)).toHaveLength(2);
    expect(await suite.ctx.redis.llen(suite.ctx.keys.processing('w'))).toBe(0);
  });

  test('release puts a never-tried job back at the front without counting the attempt', async () => {
    const q = makeQueue();
    await q.enqueue(job(1));
    await q.enqueue(job(2));
    const c = await q.claim('w', 1);
    expect(await q.release('w', c!.raw)).toBe(true);
    const again = await q.claim('w', 1);
    expect(again?.raw).toBe(c!.raw);
    expect(again?.attempt).toBe(1);
  });

  test('QUEUE_MAX_LENGTH drops the oldest into the dead list, counted, never silently', async () => {
    const q = makeQueue({ maxLength: 3 });
    for (let i = 0; i < 5; i++) await q.enqueue(job(i));
    expect((await q.depth()).pending).toBe(3);
    const dead = await q.deadLetters();
    expect(dead.map((d) => JSON.parse(d.job).id).sort()).toEqual([job(0).id, job(1).id]);
    expect(dead.every((d) => d.reason.startsWith('queue-full'))).toBe(true);
    expect((await q.stats()).dropped).toBe(2);
  });

  test('unknown extra fields survive the queue byte-for-byte', async () => {
    const q = makeQueue();
    await q.enqueue(job(1, { nvr: { site: 'A' } }));
    const c = await q.claim('w', 1);
    expect(c?.parsed.ok && (c.parsed.job as Record<string, unknown>).nvr).toEqual({ site: 'A' });
  });
});
