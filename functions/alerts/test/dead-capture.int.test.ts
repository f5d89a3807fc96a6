import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRtspSim, type RtspSimHandle } from '../../../simulator/cameras/src/index';
import {
  connectRedis,
  deleteKeysUnder,
  freePort,
  MAINS,
  startCloudEventSink,
  startPart,
  stopStartedParts,
  waitHttpOk,
  waitUntil,
  type CloudEventSink,
  type PartProcess,
} from '../../../test/support';
import { EventType } from '../../shared/src/events';

/**
 * Issue #28.2, end to end with real processes: rtsp-sim (in this process, its ffmpeg publishers),
 * capture and alerts as child processes, a CloudEvent sink as alerts' K_SINK. Capture records,
 * then is killed with SIGKILL (a crash: it says nothing on the way out). Within
 * CAMERA_OFFLINE_SECONDS + 10 s every camera is offline on the dashboard API, "no recorder alive"
 * is shown, and alerts has published camera.offline for each camera.
 */
jest.setTimeout(150_000);

const TOKEN = `dead-capture-${randomUUID()}`;
const OFFLINE_SECONDS = 4;
const CAMERAS = 2;

interface StateJson {
  cameras: { cameraId: string; status: string; reason?: string }[];
  counters: { recorders?: string };
}

describe('issue #28.2: a dead capture does not look healthy (real processes)', () => {
  const prefix = `test-${randomUUID()}`;
  const redis = connectRedis();
  const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dead-capture-'));
  let rtsp: RtspSimHandle | undefined;
  let sink: CloudEventSink | undefined;
  let capture: PartProcess | undefined;
  let alerts: PartProcess | undefined;

  afterAll(async () => {
    await stopStartedParts();
    await rtsp?.stop();
    await sink?.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    fs.rmSync(clipsDir, { recursive: true, force: true });
  });

  it('kill -9 capture: every camera offline and camera.offline published within CAMERA_OFFLINE_SECONDS + 10 s', async () => {
    const startedAt = Date.now();
    rtsp = await startRtspSim({
      numStreams: CAMERAS,
      clientPort: 0,
      publishPort: 0,
      controlPort: null,
      rtpPortStart: 0,
      rtpPortCount: 200,
    });
    sink = await startCloudEventSink();
    const [capturePort, alertsPort] = [await freePort(), await freePort()];
    const common = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_PREFIX: prefix,
      CLIPS_DIR: clipsDir,
      NUM_STREAMS: String(CAMERAS),
      RTSP_URL_TEMPLATE: rtsp.urlFor(1).replace(/cam1$/, 'cam{N}'),
      SEGMENT_SECONDS: '2',
      CAMERA_OFFLINE_SECONDS: String(OFFLINE_SECONDS),
      K_SINK: sink.url,
      LOG_LEVEL: 'info',
      RECORD_DIR: 'off', // the system of record is not under test here (README: for tests of other parts)
    };
    capture = startPart(
      'capture',
      MAINS.capture,
      { ...common, PORT: String(capturePort), RTSP_TRANSPORT: 'udp' },
      'SIGINT',
    );
    alerts = startPart('alerts', MAINS.alerts, {
      ...common,
      PORT: String(alertsPort),
      ALERTS_AUTH_TOKEN: TOKEN,
      ALERTS_POLL_MS: '500',
    });
    await Promise.all([
      waitHttpOk(`http://127.0.0.1:${capturePort}/healthz`, capture),
      waitHttpOk(`http://127.0.0.1:${alertsPort}/healthz`, alerts),
    ]);
    const state = async (): Promise<StateJson> =>
      (await (
        await fetch(`http://127.0.0.1:${alertsPort}/api/state`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as StateJson;
    const diag = () => `\n${capture?.logs().slice(-2000)}\n${alerts?.logs().slice(-2000)}`;
    await waitUntil(
      async () => {
        const s = await state();
        return s.cameras.length === CAMERAS && s.cameras.every((c) => c.status === 'online') ? s : undefined;
      },
      { timeoutMs: 60_000, everyMs: 250, what: () => `every camera online${diag()}` },
    );

    // capture may say camera.offline itself (K_SINK is shared); only alerts' own events count here
    const watchdogOffline = () =>
      sink!.delivered(EventType.cameraOffline).filter((e) => e.data.owner === 'alerts-watchdog');
    console.log(`cameras online ${Date.now() - startedAt} ms after start`);
    capture.kill('SIGKILL');
    await capture.exited;
    const killedAt = Date.now();
    const offline = await waitUntil(
      async () => {
        const s = await state();
        return s.cameras.every((c) => c.status === 'offline') ? s : undefined;
      },
      { timeoutMs: (OFFLINE_SECONDS + 10) * 1000, everyMs: 250, what: () => `every camera offline${diag()}` },
    );
    console.log(`every camera offline ${Date.now() - killedAt} ms after kill -9`);
    expect(Date.now() - killedAt).toBeLessThanOrEqual((OFFLINE_SECONDS + 10) * 1000);
    expect(offline.counters.recorders).toBe('none-alive');
    expect(offline.cameras[0]?.reason).toMatch(/is capture running/);
    const published = await waitUntil(
      () => {
        const ids = new Set(watchdogOffline().map((e) => e.data.cameraId));
        return ids.size === CAMERAS ? ids : undefined;
      },
      {
        timeoutMs: Math.max(1000, (OFFLINE_SECONDS + 10) * 1000 - (Date.now() - killedAt)),
        what: 'camera.offline for every camera',
      },
    );
    expect([...published].sort()).toEqual(['cam1', 'cam2']);
    const event = watchdogOffline()[0];
    expect(event?.data).toMatchObject({ status: 'offline', cameraId: expect.stringMatching(/^cam\d$/) });
    expect(event?.source).toMatch(/^\/cameras\/cam\d$/);
  });
});
