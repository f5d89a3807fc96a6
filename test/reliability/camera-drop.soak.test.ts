import { startStack, type TestStack } from '../support/system/stack';
import { waitFor } from '../support';

/**
 * A camera drops for 30 s (its RTSP path disappears) and comes back: exactly one
 * `camera.offline` and one `camera_offline` incident (raised once, resolved once), recording of
 * that camera resumes by itself, the other camera is untouched, no process crashes.
 */
const DROP_MS = 30_000;
let stack: TestStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

it('turns a 30 s camera outage into one offline incident and recovers by itself', async () => {
  // CAMERA_OFFLINE_SECONDS ≥ RTSP timeout (5 s) + 2 segments: the dying recorder's last clip still
  // lands after the drop; a shorter threshold flaps the camera offline → online → offline
  stack = await startStack({
    cameras: 2,
    mapping: { cam1: 'safe', cam2: 'safe' },
    env: {
      SEGMENT_SECONDS: '2',
      CAPTURE_STAGGER_MS: '100',
      CAMERA_OFFLINE_SECONDS: '15',
      CAPTURE_RESPAWN_MAX_SECONDS: '4',
    },
  });
  const s = stack;
  const fail = (err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  };
  const clipsOf = (cam: string) => s.recordedClips().filter((c) => c.startsWith(`${cam}/`)).length;
  const events = (type: string, cam: string) =>
    s.broker.delivered(`com.safetyhanta.${type}`).filter((e) => e.data.cameraId === cam);
  await Promise.all([s.start('vllmSim'), s.start('alerts')]);
  await Promise.all([s.start('inference'), s.start('capture')]);
  await waitFor(() => clipsOf('cam1') >= 2 && clipsOf('cam2') >= 2, {
    timeoutMs: 60_000,
    what: 'both cameras recording',
    everyMs: 200,
  }).catch(fail);

  const droppedAt = Date.now();
  await s.rtsp!.drop(2);
  await waitFor(() => events('camera.offline', 'cam2').length > 0, {
    timeoutMs: 40_000,
    what: 'camera.offline for cam2',
    everyMs: 200,
  }).catch(fail);
  const cam1During = clipsOf('cam1');
  // the outage lasts 30 s in total (a scenario length, not a wait for a condition)
  await new Promise((r) => setTimeout(r, Math.max(0, droppedAt + DROP_MS - Date.now())));
  const cam2Before = clipsOf('cam2');
  await s.rtsp!.restore(2);
  await waitFor(() => events('camera.online', 'cam2').length > 0, {
    timeoutMs: 60_000,
    what: 'camera.online for cam2',
    everyMs: 200,
  }).catch(fail);
  await waitFor(() => clipsOf('cam2') >= cam2Before + 2, {
    timeoutMs: 60_000,
    what: 'cam2 recording again',
    everyMs: 200,
  }).catch(fail);
  await waitFor(
    () =>
      s.broker
        .delivered('com.safetyhanta.alert.resolved')
        .some((a) => a.data.hazardType === 'camera_offline' && a.data.cameraId === 'cam2'),
    { timeoutMs: 30_000, what: 'the offline incident resolved', everyMs: 200 },
  ).catch(fail);

  const distinct = (xs: { id: string; data: unknown; at: number }[]) => [
    ...new Map(xs.map((x) => [x.id, { id: x.id, at: new Date(x.at).toISOString(), data: x.data }])).values(),
  ];
  expect(distinct(events('camera.offline', 'cam2'))).toHaveLength(1);
  expect(distinct(events('camera.online', 'cam2'))).toHaveLength(1);
  const offlineAlerts = s.broker
    .delivered()
    .filter((a) => a.type.startsWith('com.safetyhanta.alert.') && a.data.hazardType === 'camera_offline');
  expect(offlineAlerts.filter((a) => a.type === 'com.safetyhanta.alert.raised').map((a) => a.data.cameraId)).toEqual([
    'cam2',
  ]);
  expect(offlineAlerts.filter((a) => a.type === 'com.safetyhanta.alert.resolved').map((a) => a.data.cameraId)).toEqual([
    'cam2',
  ]);
  // cam1 never went offline and kept recording through cam2's outage
  expect(events('camera.offline', 'cam1')).toEqual([]);
  expect(clipsOf('cam1')).toBeGreaterThan(cam1During);
  for (const name of ['capture', 'inference', 'alerts'] as const) expect(s.part(name)!.alive()).toBe(true);
}, 240_000);
