/** LeaseManager against real Redis: claim, fair share, lost vs vanished leases, release. */
import { Redis } from 'ioredis';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { LeaseManager } from '../src/adapters/leases';
import { newPrefix } from './helpers';
import { deleteKeysUnder, waitFor } from '../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
const prefixes = [prefix];
const redis = new Redis('redis://127.0.0.1:6379');
const managers: LeaseManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  for (const p of prefixes) await deleteKeysUnder(redis, p);
  redis.disconnect();
});

function manager(
  replicaId: string,
  cameras: string[],
  maxCameras = 100,
  o: { ttlSeconds?: number; handoffTimeoutMs?: number; keys?: typeof keys } = {},
) {
  const events: string[] = [];
  const m = new LeaseManager({
    redis,
    keys: o.keys ?? keys,
    replicaId,
    ttlSeconds: o.ttlSeconds ?? 30,
    maxCameras,
    cameras,
    handoffTimeoutMs: o.handoffTimeoutMs ?? 0,
    handoffPollMs: 50,
    logger: createLogger('lease-test', 'silent'),
    onAcquire: (c) => void events.push(`+${c}`),
    onLose: (c) => void events.push(`-${c}`),
  });
  managers.push(m);
  return { m, events };
}

test('claims up to its share, keeps a lease that vanished, drops one another replica holds, releases on stop', async () => {
  const cams = ['cam1', 'cam2', 'cam3'];
  const a = manager('a', cams, 2);
  await a.m.tick();
  expect(a.m.ownedCameras().sort()).toHaveLength(2);
  expect(a.events.filter((e) => e.startsWith('+'))).toHaveLength(2);
  const [first, second] = a.m.ownedCameras() as [string, string];

  // Redis lost the lease (restart without persistence): renewing takes it back, recording goes on
  await redis.del(keys.cameraLease(first));
  await a.m.tick();
  expect(await redis.get(keys.cameraLease(first))).toBe('a');
  expect(a.events).not.toContain(`-${first}`);

  // another replica holds it now (a's lease had expired): a stops that camera
  await redis.set(keys.cameraLease(second), 'b');
  await a.m.tick();
  expect(a.events).toContain(`-${second}`);
  expect(a.m.ownedCameras()).not.toContain(second);
  expect(await redis.get(keys.cameraLease(second))).toBe('b');

  await a.m.stop();
  expect(await redis.get(keys.cameraLease(first))).toBeNull();
  expect(await redis.get(keys.cameraLease(second))).toBe('b'); // never deletes someone else's lease
  await redis.del(keys.cameraLease(second));
});

test('a replica that joins gets its fair share handed over', async () => {
  const cams = ['cam1', 'cam2', 'cam3', 'cam4'];
  const x = manager('x', cams);
  await x.m.tick();
  expect(x.m.ownedCameras()).toHaveLength(4);
  const y = manager('y', cams);
  for (let round = 0; round < 4 && y.m.ownedCameras().length < 2; round++) {
    await y.m.tick();
    await x.m.tick();
  }
  await y.m.tick();
  expect(x.m.ownedCameras()).toHaveLength(2);
  expect(y.m.ownedCameras()).toHaveLength(2);
  expect(new Set([...x.m.ownedCameras(), ...y.m.ownedCameras()]).size).toBe(4);
});

describe('make-before-break hand-over (core/handoff.ts)', () => {
  // each test its own prefix: the replicas ZSET of the tests above would halve the fair share
  let hk = keys;
  beforeEach(() => {
    const p = newPrefix();
    prefixes.push(p);
    hk = redisKeys(p);
  });

  const owns = async (m: LeaseManager, n: number) => {
    for (let i = 0; i < 5 && m.ownedCameras().length < n; i++) await m.tick();
    expect(m.ownedCameras()).toHaveLength(n);
  };

  test('alone, a stop hands nothing over and returns at once', async () => {
    const a = manager('alone', ['h1', 'h2'], 100, { keys: hk, handoffTimeoutMs: 10_000 });
    await owns(a.m, 2);
    a.m.stopClaiming();
    const t0 = Date.now();
    expect(await a.m.handOverAll()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(a.events.filter((e) => e.startsWith('-'))).toEqual([]);
    await a.m.stop();
    expect(await redis.get(hk.cameraLease('h1'))).toBeNull();
  });

  test('on stop with another live replica: keeps recording each camera until its new owner recorded it, or the bound', async () => {
    const cams = ['k1', 'k2'];
    const a = manager('old', cams, 100, { keys: hk, ttlSeconds: 3, handoffTimeoutMs: 2500 });
    await owns(a.m, 2);
    const b = manager('new', cams, 100, { keys: hk, ttlSeconds: 3, handoffTimeoutMs: 2500 });
    await b.m.tick(); // heartbeats; a holds both cameras
    expect(b.m.ownedCameras()).toEqual([]);
    a.m.stopClaiming();
    let handed: number | undefined;
    const handing = a.m.handOverAll().then((n) => (handed = n));
    // the old replica left the fair share: the new one claims both
    await waitFor(
      async () => {
        await b.m.tick();
        return b.m.ownedCameras().length === 2;
      },
      { timeoutMs: 5000, what: 'the new replica to claim both cameras', everyMs: 100 },
    );
    // claimed, not recorded yet: the old recorders still run
    expect(a.events.filter((e) => e.startsWith('-'))).toEqual([]);
    await b.m.recorded('k1');
    await waitFor(() => a.events.includes('-k1'), { timeoutMs: 2000, what: 'k1 stopped on the old replica' });
    expect(a.events).not.toContain('-k2');
    expect(handed).toBeUndefined();
    // k2's new owner never records: the old one gives up at the bound
    await handing;
    expect(handed).toBe(2);
    expect(a.events).toContain('-k2');
    await a.m.stop();
    // the old replica never deleted the new owner's leases
    expect(await redis.get(hk.cameraLease('k1'))).toBe('new');
    expect(await redis.get(hk.cameraLease('k2'))).toBe('new');
    await b.m.stop();
  });

  test('a marker is written only by the lease holder', async () => {
    const a = manager('holder', ['m1'], 100, { keys: hk, handoffTimeoutMs: 1000 });
    await owns(a.m, 1);
    const c = manager('not-holder', ['m1'], 100, { keys: hk, handoffTimeoutMs: 1000 });
    await c.m.recorded('m1');
    expect(await redis.get(hk.cameraHandoff('m1'))).toBeNull();
    await a.m.recorded('m1');
    expect(await redis.get(hk.cameraHandoff('m1'))).toBe('holder');
    await a.m.stop();
  });

  test('on stop, a camera nobody claims is stopped after the claim window, not the whole bound', async () => {
    const a = manager('lonely', ['u1'], 100, { keys: hk, ttlSeconds: 2, handoffTimeoutMs: 20_000 });
    await owns(a.m, 1);
    // a replica that heartbeats but never claims (it died right after its heartbeat)
    await redis.zadd(hk.cameraReplicas, Date.now(), 'ghost');
    a.m.stopClaiming();
    const t0 = Date.now();
    expect(await a.m.handOverAll()).toBe(1);
    const ms = Date.now() - t0;
    // claim window at TTL 2 s: 2 × 666 ms + 1 s
    expect(ms).toBeGreaterThanOrEqual(2300);
    expect(ms).toBeLessThan(6000);
    expect(a.events).toContain('-u1');
    await a.m.stop();
    await redis.zrem(hk.cameraReplicas, 'ghost');
  });

  test('a surplus camera is handed over while recording when a replica joins', async () => {
    const cams = ['s1', 's2'];
    const x = manager('sx', cams, 100, { keys: hk, ttlSeconds: 3, handoffTimeoutMs: 5000 });
    await owns(x.m, 2);
    const y = manager('sy', cams, 100, { keys: hk, ttlSeconds: 3, handoffTimeoutMs: 5000 });
    await y.m.tick(); // joins: x's share is 1 now
    await x.m.tick(); // x frees one lease, keeps its recorder
    expect(x.m.ownedCameras()).toHaveLength(1);
    expect(x.events.filter((e) => e.startsWith('-'))).toEqual([]);
    await y.m.tick();
    expect(y.m.ownedCameras()).toHaveLength(1);
    const [moved] = y.m.ownedCameras() as [string];
    // x never claims it back while handing it over
    await x.m.tick();
    expect(x.m.ownedCameras()).not.toContain(moved);
    await y.m.recorded(moved);
    await waitFor(() => x.events.includes(`-${moved}`), { timeoutMs: 3000, what: 'the surplus recorder stopped' });
    await x.m.stop();
    await y.m.stop();
  });
});
