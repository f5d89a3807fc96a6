import pino from 'pino';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { parseConfig } from '../../shared/src/config';
import { redisKeys } from '../../shared/src/keys';
import { connectRedis, deleteKeysUnder, newPrefix } from '../../../test/support';
import { seedRegistry } from '../../shared/src/camera-registry/seed-registry';

/**
 * Issue #28.4: two `npm start` runs in a row on one Redis prefix (Debian's redis-server keeps the
 * registry), the second with fewer cameras and its rtsp-sim on another port. Each run seeds as
 * capture does at start (inference calls the same CameraRegistry.syncSeeded).
 */
describe('a second npm start on the same Redis follows the simulator and NUM_STREAMS (issue #28.4)', () => {
  const redis = connectRedis();
  const prefix = newPrefix();
  const logger = pino({ level: 'silent' });
  const registry = new CameraRegistry(redis, redisKeys(prefix), { logger });
  const run = (numStreams: number, rtspPort: number) =>
    seedRegistry(
      registry,
      parseConfig({
        REDIS_PREFIX: prefix,
        NUM_STREAMS: String(numStreams),
        RTSP_URL_TEMPLATE: `rtsp://127.0.0.1:${rtspPort}/cam{N}`,
        LOG_LEVEL: 'silent',
      }),
      logger,
    );
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('rewrites unedited simulator cameras, drops the extra ones, never touches an operator’s cameras', async () => {
    await run(4, 37735);
    expect((await registry.list()).map((c) => [c.id, c.url])).toEqual([
      ['cam1', 'rtsp://127.0.0.1:37735/cam1'],
      ['cam2', 'rtsp://127.0.0.1:37735/cam2'],
      ['cam3', 'rtsp://127.0.0.1:37735/cam3'],
      ['cam4', 'rtsp://127.0.0.1:37735/cam4'],
    ]);
    // the operator: edits cam2's context, points cam3 at a real camera, deletes cam4, adds their own
    await registry.patch('cam2', { context: 'loading bay, forklifts reverse here' });
    await registry.patch('cam3', { url: 'rtsp://10.0.0.7/live' });
    await registry.remove('cam4');
    await registry.put('dock1', { url: 'rtsp://10.0.0.9/live' });

    // second run: its rtsp-sim on another port, NUM_STREAMS=2
    await run(2, 32861);
    const after = Object.fromEntries((await registry.list()).map((c) => [c.id, c]));
    expect(Object.keys(after)).toEqual(['cam1', 'cam2', 'cam3', 'dock1']);
    expect(after.cam1?.url).toBe('rtsp://127.0.0.1:32861/cam1'); // follows the running simulator
    expect(after.cam2).toMatchObject({
      url: 'rtsp://127.0.0.1:37735/cam2',
      context: 'loading bay, forklifts reverse here',
    });
    expect(after.cam3?.url).toBe('rtsp://10.0.0.7/live'); // edited: kept although beyond NUM_STREAMS
    expect(after.dock1?.url).toBe('rtsp://10.0.0.9/live');

    // a third run with more cameras brings the simulator's back, on its port; the deleted cam4 was
    // deleted by the operator, so it stays deleted
    await run(4, 40001);
    const third = Object.fromEntries((await registry.list()).map((c) => [c.id, c.url]));
    expect(third).toEqual({
      cam1: 'rtsp://127.0.0.1:40001/cam1',
      cam2: 'rtsp://127.0.0.1:37735/cam2',
      cam3: 'rtsp://10.0.0.7/live',
      dock1: 'rtsp://10.0.0.9/live',
    });
    // seeding twice with the same configuration changes nothing
    const version = await registry.version();
    await run(4, 40001);
    expect(await registry.version()).toBe(version);
  });
});
