/** LeaseManager against real Redis: claim, fair share, lost vs vanished leases, release. */
import { Redis } from 'ioredis';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { LeaseManager } from '../src/adapters/leases';
import { newPrefix } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379');
const managers: LeaseManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

function manager(replicaId: string, cameras: string[], maxCameras = 100) {
  const events: string[] = [];
  const m = new LeaseManager({
    redis,
    keys,
    replicaId,
    ttlSeconds: 30,
    maxCameras,
    cameras,
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
