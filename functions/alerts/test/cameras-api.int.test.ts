import { Redis } from 'ioredis';
import { redisKeys } from '../../shared/src/keys';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { seedEntries } from '../../shared/src/camera-registry/seed';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { testEnv, TEST_REDIS_URL } from './helpers';
import { startCloudEventSink, waitUntil } from '../../../test/support';

const TOKEN = 'test-admin-token-0123456789';
const VIEWER = 'test-viewer-token-0123456789';
const zone = {
  name: 'Press',
  kind: 'restricted',
  polygon: [
    [0.2, 0.2],
    [0.6, 0.2],
    [0.6, 0.7],
  ],
};

describe('cameras API (real Redis, real HTTP, real CloudEvent sink)', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let sink: Awaited<ReturnType<typeof startCloudEventSink>>;
  let alerts: RunningAlerts;
  let redis: Redis;
  const call = (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = TOKEN,
    type = 'application/json',
  ) =>
    fetch(`${alerts.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    sink = await startCloudEventSink({ status: 200 });
    env = await testEnv({
      ALERTS_AUTH: 'token',
      ALERTS_AUTH_TOKEN: TOKEN,
      ALERTS_VIEWER_TOKEN: VIEWER,
      K_SINK: sink.url,
      PUBLISH_MAX_RETRIES: '0',
    });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    // what capture/inference seed at start: cam1, cam2 from NUM_STREAMS=2
    await new CameraRegistry(redis, redisKeys(env.prefix)).seedOnce(
      seedEntries({ numStreams: 2, rtspUrlTemplate: 'rtsp://127.0.0.1:8554/cam{N}' }),
    );
    alerts = await startAlerts(env.config);
  });
  afterAll(async () => {
    await alerts?.stop();
    await sink?.close();
    redis?.disconnect();
    await env?.cleanup();
  });

  it('lists, adds, edits, disables and deletes cameras; each change publishes camera.updated', async () => {
    const list = (await (await call('GET', '/api/cameras', undefined, VIEWER)).json()) as { cameras: { id: string }[] };
    expect(list.cameras.map((c) => c.id)).toEqual(['cam1', 'cam2']);

    const put = await call('PUT', '/api/cameras/dock-3', {
      url: 'rtsp://10.0.0.3/live',
      site: 'loading dock',
      zones: [zone],
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({
      id: 'dock-3',
      enabled: true,
      zones: [zone],
      updatedAt: expect.any(String),
    });
    expect(
      (await call('PUT', '/api/cameras/dock-3', { url: 'rtsp://10.0.0.3/live', site: 'loading dock' })).status,
    ).toBe(200);

    const patched = await call('PATCH', '/api/cameras/dock-3', { enabled: false, zones: [zone] });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ enabled: false, site: 'loading dock', zones: [zone] });
    expect(await (await call('GET', '/api/cameras/dock-3', undefined, VIEWER)).json()).toMatchObject({
      enabled: false,
    });

    expect((await call('DELETE', '/api/cameras/dock-3')).status).toBe(204);
    expect((await call('DELETE', '/api/cameras/dock-3')).status).toBe(404);
    expect((await call('PATCH', '/api/cameras/nope', { enabled: false })).status).toBe(404);

    await waitUntil(() => sink.received.length >= 4, { timeoutMs: 10_000, what: 'four camera.updated events' });
    const events = sink.received.map((r) => ({
      type: r.headers['ce-type'],
      source: r.headers['ce-source'],
      data: JSON.parse(r.body) as { change: string; entry?: { enabled: boolean } },
    }));
    expect(events.map((e) => e.type)).toEqual(Array(4).fill('com.safetyhanta.camera.updated'));
    expect(events.map((e) => e.source)).toEqual(Array(4).fill('/cameras/dock-3'));
    expect(events.map((e) => e.data.change)).toEqual(['created', 'updated', 'updated', 'deleted']);
    // a trigger only: the entry (and its URL) never travels in an event (issue #26.2)
    expect(events.every((e) => e.data.entry === undefined)).toBe(true);
  });

  it('a malformed body gets 400 naming the field, and nothing is stored', async () => {
    const before = await redis.hget(redisKeys(env.prefix).cameraRegistry, 'cam1');
    const cases: [string, unknown, string][] = [
      [
        'PATCH',
        {
          zones: [
            {
              ...zone,
              polygon: [
                [0.2, 0.2],
                [1.4, 0.2],
                [0.6, 0.7],
              ],
            },
          ],
        },
        'zones.0.polygon.1.0',
      ],
      ['PATCH', { zones: [{ ...zone, kind: 'lava' }] }, 'zones.0.kind'],
      ['PATCH', { url: 'http://not-rtsp' }, 'url'],
      ['PATCH', { id: 'cam9' }, 'id'],
      ['PUT', { site: 'x' }, 'url'],
      ['PUT', { id: 'other', url: 'rtsp://h/x' }, 'id'],
    ];
    for (const [method, body, field] of cases) {
      const r = await call(method, '/api/cameras/cam1', body);
      expect(r.status).toBe(400);
      const j = (await r.json()) as { error: string; field: string };
      expect(j.field).toBe(field);
      expect(j.error).toContain(field);
    }
    expect((await call('PUT', '/api/cameras/cam1', '{"url": ', TOKEN)).status).toBe(400); // not JSON at all
    expect((await call('PUT', '/api/cameras/bad id!', { url: 'rtsp://h/x' })).status).toBe(400);
    expect(
      (await call('PUT', '/api/cameras/cam1', 'url=rtsp://h/x', TOKEN, 'application/x-www-form-urlencoded')).status,
    ).toBe(415);
    expect(await redis.hget(redisKeys(env.prefix).cameraRegistry, 'cam1')).toBe(before);
  });

  it('writes need the admin role; reads need a login', async () => {
    expect((await call('PATCH', '/api/cameras/cam1', { enabled: false }, null)).status).toBe(401);
    expect((await call('PATCH', '/api/cameras/cam1', { enabled: false }, 'wrong-token-wrong-token-xx')).status).toBe(
      401,
    );
    expect((await call('DELETE', '/api/cameras/cam1', undefined, null)).status).toBe(401);
    expect((await call('GET', '/api/cameras/cam1', undefined, null)).status).toBe(401);
    expect((await call('GET', '/api/cameras/cam1', undefined, VIEWER)).status).toBe(200);
    // a viewer (wall screen) is let in, but may not change cameras
    expect((await call('DELETE', '/api/cameras/cam1', undefined, VIEWER)).status).toBe(403);
    expect((await call('PATCH', '/api/cameras/cam1', { enabled: false }, VIEWER)).status).toBe(403);
    expect((await call('GET', '/api/cameras/cam1', undefined, VIEWER)).status).toBe(200);
  });
});
