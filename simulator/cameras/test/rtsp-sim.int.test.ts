import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PALETTE, type Rgb } from '../../shared/palette';
import { computeGroundTruth, groundTruthAt, renderScene, SCENES, startRtspSim, type RtspSimHandle } from '../src/index';
import { probeStreams, rawFrames, videoCodecSize } from '../../../test/support/media';
import { waitFor } from '../../../test/support';

// 10 fps, not rtsp-sim's default 25: the test renders three scenes from an empty cache (x264 + lavfi drawing cost
// CPU per frame) and its cameras' packet rates follow the fps; what it checks does not depend on the rate.
const SIZE = { width: 640, height: 360, fps: 10 };
let cacheDir: string;
let starting: Promise<RtspSimHandle> | undefined;

/**
 * ffprobe over UDP (the only transport rtsp-streaming-server has); returns "codec,W,H" or null. It analyzes
 * 0.1 s of the stream, not the default 5 s: at 10 fps that is still frames received over RTP (not only the SDP
 * of DESCRIBE), and each probe took ≈ 3 s, nine of them on this file's critical path, where one now takes
 * ≈ 0.6 s. `-analyzeduration` is in microseconds (https://ffmpeg.org/ffmpeg-formats.html#Format-Options).
 */
const probe = (url: string): Promise<string | null> =>
  videoCodecSize(url, ['-rtsp_transport', 'udp', '-timeout', '5000000', '-analyzeduration', '100000'], 15_000).catch(
    () => null,
  );

/** One decoded frame at time t as rgb24. */
const frameAt = (file: string, t: number) => rawFrames(file, { seek: t });

/** The sim at SIZE from the shared cache, every port chosen by the OS, cameras 100 ms apart. */
const simOptions = (numStreams: number) => ({
  numStreams,
  ...SIZE,
  cacheDir,
  clientPort: 0,
  publishPort: 0,
  controlPort: 0,
  rtpPortStart: 0,
  staggerMs: 100,
});

function countColor(frame: Buffer, box: readonly [number, number, number, number], rgb: Rgb, tol = 40): number {
  const [bx, by, bw, bh] = box;
  let n = 0;
  for (let y = Math.max(0, by); y < Math.min(SIZE.height, by + bh); y++) {
    for (let x = Math.max(0, bx); x < Math.min(SIZE.width, bx + bw); x++) {
      const i = (y * SIZE.width + x) * 3;
      if (Math.abs(frame[i]! - rgb[0]) + Math.abs(frame[i + 1]! - rgb[1]) + Math.abs(frame[i + 2]! - rgb[2]) < tol) n++;
    }
  }
  return n;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'rtsp-sim-test-'));
});

afterAll(async () => {
  // Also after a failure or timeout, even mid-start: no publisher or server outlives the test.
  await starting?.then(
    (s) => s.stop(),
    () => undefined,
  );
  await rm(cacheDir, { recursive: true, force: true });
});

describe('rtsp-sim (real ffmpeg, real RTSP server)', () => {
  it('renders a scene once into the cache with ground truth beside it; the second call reuses it', async () => {
    const scene = SCENES.find((s) => s.name === 'no_hard_hat')!;
    const first = await renderScene(scene, { ...SIZE, cacheDir });
    expect(first.rendered).toBe(true);
    expect(path.basename(first.videoPath)).toBe(`no_hard_hat-${first.hash}.mp4`);
    const mtime = (await stat(first.videoPath)).mtimeMs;
    const second = await renderScene(scene, { ...SIZE, cacheDir });
    expect(second.rendered).toBe(false);
    expect((await stat(first.videoPath)).mtimeMs).toBe(mtime);
    expect(JSON.parse(await readFile(first.groundTruthPath, 'utf8'))).toEqual(computeGroundTruth(scene, SIZE));

    const [info] = await probeStreams(first.videoPath, 'codec_name,width,height,pix_fmt,avg_frame_rate,nb_frames', {
      video: true,
    });
    expect(info).toMatchObject({
      codec_name: 'h264',
      width: 640,
      height: 360,
      pix_fmt: 'yuv420p',
      avg_frame_rate: `${SIZE.fps}/1`,
      nb_frames: String(scene.duration * SIZE.fps),
    });

    // The pixels agree with the ground truth: at 10 s a worker with no hard hat is in its box.
    const [hz] = groundTruthAt(first.groundTruth, 10);
    expect(hz?.type).toBe('no_hard_hat');
    const frame = await frameAt(first.videoPath, 10.5);
    expect(countColor(frame, hz!.box, PALETTE.body)).toBeGreaterThan(50);
    expect(countColor(frame, hz!.box, PALETTE.helmet)).toBe(0);
    // … and at 2 s (no hazard) no uncovered head is anywhere: every head wears yellow.
    const early = await frameAt(first.videoPath, 2.5);
    expect(countColor(early, [0, 0, SIZE.width, SIZE.height], PALETTE.helmet)).toBeGreaterThan(20);
  }, 30000);

  it('publishes 3 cameras readable by ffprobe; drop/restore one; survives its RTSP server being killed; stop leaves no child', async () => {
    starting = startRtspSim(simOptions(3));
    const sim = await starting;
    expect(sim.cameras).toEqual({ 1: SCENES[0]!.name, 2: SCENES[1]!.name, 3: SCENES[2]!.name });
    expect(sim.rendered[2]!.rendered).toBe(false); // cached by the previous test
    const urls = [1, 2, 3].map((n) => sim.urlFor(n));
    expect(urls[0]).toBe(`rtsp://127.0.0.1:${sim.ports.client}/cam1`);
    expect(await Promise.all(urls.map(probe))).toEqual(['h264,640,360', 'h264,640,360', 'h264,640,360']);

    // Drop camera 2 through the HTTP fault switch.
    const dropped = await fetch(`${sim.controlUrl}/cameras/2/drop`, { method: 'POST' });
    expect(dropped.status).toBe(200);
    expect(await dropped.json()).toMatchObject({ camera: 2, state: 'down', pid: null });
    const [p1, p2, p3] = await Promise.all(urls.map(probe));
    expect(p2).toBeNull();
    expect([p1, p3]).toEqual(['h264,640,360', 'h264,640,360']);
    const list = (await (await fetch(`${sim.controlUrl}/cameras`)).json()) as { camera: number; state: string }[];
    expect(list.map((c) => c.state)).toEqual(['up', 'down', 'up']);
    expect((await fetch(`${sim.controlUrl}/cameras/9/drop`, { method: 'POST' })).status).toBe(404);

    // Restore through the programmatic API.
    await sim.restore(2);
    expect(await probe(urls[1]!)).toBe('h264,640,360');

    // The RTSP server dies (kill -9): rtsp-sim restarts it on the same ports and the
    // publishers reconnect by themselves, like a camera network coming back.
    const [serverPid] = sim.pids();
    process.kill(serverPid!, 'SIGKILL');
    // Probed once the server has been restarted (its pid, no spawn) and then every 500 ms: each ffprobe
    // is a process (≈ 0.15 CPU-s), and probing a server known to be down cannot end the wait.
    const deadline = Date.now() + 45_000;
    let back: (string | null)[] = [];
    while (Date.now() < deadline) {
      if (sim.pids()[0] === serverPid) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      back = await Promise.all(urls.map(probe));
      if (back.every((p) => p === 'h264,640,360')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(back).toEqual(['h264,640,360', 'h264,640,360', 'h264,640,360']);
    expect(sim.pids()[0]).not.toBe(serverPid);

    const pids = sim.pids();
    expect(pids.length).toBe(4); // server + 3 publishers
    await sim.stop();
    await sim.stop(); // idempotent
    expect(pids.filter(alive)).toEqual([]);
    await expect(fetch(`${sim.controlUrl}/cameras`)).rejects.toThrow();
  }, 120000);

  it('adds and removes cameras while it runs (control API): the new path is readable, the removed one is gone', async () => {
    starting = startRtspSim(simOptions(1));
    const sim = await starting;
    const post = (body?: unknown) =>
      fetch(`${sim.controlUrl}/cameras`, {
        method: 'POST',
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    const added = await post();
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ camera: 2, id: 'cam2', scene: SCENES[1]!.name, state: 'up' });
    // 201 once its publisher is spawned; ffmpeg publishes a moment later (a 404 until then), longer beside other
    // suites (a fresh-clone run on 2026-12-07 probed it too early and failed): readable within 20 s
    expect(await waitFor(() => probe(sim.urlFor(2)), { timeoutMs: 20_000, what: 'cam2 readable' })).toBe(
      'h264,640,360',
    );
    const named = await post({ scene: SCENES[0]!.name, n: 7 });
    expect(await named.json()).toMatchObject({ camera: 7, scene: SCENES[0]!.name });
    expect((await post({ scene: 'no-such-scene' })).status).toBe(409);
    expect((await post({ n: 2 })).status).toBe(409); // exists
    expect((await post('{"n":')).status).toBe(400);

    const removed = await fetch(`${sim.controlUrl}/cameras/1`, { method: 'DELETE' });
    expect(await removed.json()).toEqual({ removed: 'cam1' });
    expect(await probe(sim.urlFor(1))).toBeNull();
    expect(
      ((await (await fetch(`${sim.controlUrl}/cameras`)).json()) as { camera: number }[]).map((c) => c.camera),
    ).toEqual([2, 7]);
    expect((await fetch(`${sim.controlUrl}/cameras/1`, { method: 'DELETE' })).status).toBe(404);

    const pids = sim.pids();
    expect(pids.length).toBe(3); // server + cam2 + cam7
    await sim.stop();
    expect(pids.filter(alive)).toEqual([]);
  }, 120000);
});
