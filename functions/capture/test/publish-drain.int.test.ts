import pino from 'pino';
import { Registry } from 'prom-client';
import { Publisher } from '../../shared/src/cloudevents';
import { startCloudEventSink, testRedis, type CloudEventSink } from '../../../test/support';
import { CameraHealth } from '../src/adapters/camera-health';
import { createCaptureMetrics } from '../src/adapters/metrics';

/**
 * Fire-and-forget publishes must not outlive stop(): camera health's camera.online goes to a real,
 * slow HTTP sink; stop() waits for it, and gives up at its bound when the sink never answers.
 */
describe('camera health stop() awaits its publishes (real Redis, real HTTP sink)', () => {
  let env: Awaited<ReturnType<typeof testRedis>>;
  let sink: CloudEventSink;
  let url: string;
  beforeAll(async () => {
    env = await testRedis();
    sink = await startCloudEventSink({ status: 200 });
    url = sink.url;
  });
  afterAll(async () => {
    await sink.close();
    await env.cleanup();
  });
  // what the sink answered (it records an event when it answers, after its delay)
  const answered = () => sink.events.map((e) => e.type);

  const recoveringCamera = async (cam: string): Promise<CameraHealth> => {
    const logger = pino({ level: 'silent' });
    const publisher = new Publisher({ sink: url, maxRetries: 0, timeoutMs: 5000, logger });
    const health = new CameraHealth({
      redis: env.redis,
      keys: env.keys,
      publisher,
      metrics: createCaptureMetrics(new Registry()),
      logger,
      owner: 'test',
      offlineSeconds: 30,
      segmentSeconds: 2,
    });
    await env.redis.hset(
      env.keys.cameras,
      cam,
      JSON.stringify({ status: 'offline', owner: 'test', since: new Date().toISOString() }),
    );
    await health.watch(cam);
    health.clip(cam, Date.now()); // offline → online: announced, not awaited
    return health;
  };

  it('stop() resolves only after the camera.online publish was answered', async () => {
    sink.setDelay(400);
    const health = await recoveringCamera('cam-slow');
    expect(await health.stop(5000)).toBe(true);
    expect(answered()).toContain('com.safetyhanta.camera.online');
  });

  it('stop() gives up at its bound when the sink never answers, and says so', async () => {
    sink.setDelay(-1); // never answers
    const health = await recoveringCamera('cam-dead');
    const t0 = Date.now();
    expect(await health.stop(300)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
