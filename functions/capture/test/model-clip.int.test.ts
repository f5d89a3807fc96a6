/**
 * Issue #13: the recorder's own ffmpeg writes the model clip and thumbnails beside each
 * evidence clip. Real rtsp-sim (RTSP over UDP), real ffmpeg/ffprobe, real Redis.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClipJob } from '../../shared/src/clip-job';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { createRegistry } from '../../shared/src/metrics';
import { THUMB_BYTES } from '../../shared/src/model-clip';
import { mp4VideoInfo } from '../../shared/src/mp4-info';
import type { RtspSimHandle } from '../../../simulator/cameras/src/index';
import { startCapture, type CaptureHandle } from '../src/app/start-capture';
import { simTemplate, startSim, startSink, testConfig, warningLog } from './helpers';
import { waitFor, deleteKeysUnder } from '../../../test/support';
import { captureTestRig } from './rig';
import { decodedFrames, rawFrames, videoCodecSize } from '../../../test/support/media';

// 2 s (issue #22: both tests wait on real time for whole clips): nothing below depends on the clip's length; the
// alignment check is absolute (one model frame) and the sim's 1 s GOP pairs a 2 s grid as it does a 4 s one
const SEGMENT = 2;
const FPS = 2;
let sim: RtspSimHandle | undefined;
let capture: CaptureHandle | undefined;
let sink: Awaited<ReturnType<typeof startSink>> | undefined;
const dirs: string[] = [];
/** The capture's warnings, shown when a clip lacks its model clip (the recorder logs why). */
const { logger, warnings } = warningLog();

const jobs = async () => (await redis.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);
const of = (all: ClipJob[], cam: string) =>
  all.filter((j) => j.cameraId === cam).sort((a, b) => a.startedAt.localeCompare(b.startedAt));

/** First frame as raw RGB at w×h. */
const firstFrame = (file: string, w: number, h: number) => rawFrames(file, { vf: `scale=${w}:${h}` });

/** Mean absolute RGB difference of two frames over a pixel rectangle. */
function meanDiff(a: Buffer, b: Buffer, w: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        sum += Math.abs(a[i]! - b[i]!);
        n++;
      }
  return sum / n;
}

const { prefix, keys, redis } = captureTestRig(() => [capture, sim, sink, ...dirs]);

async function start(over: Record<string, string>): Promise<string> {
  const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-model-'));
  dirs.push(clipsDir);
  capture = await startCapture(
    testConfig({
      CLIPS_DIR: clipsDir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: '2',
      RTSP_URL_TEMPLATE: simTemplate(sim!),
      SEGMENT_SECONDS: String(SEGMENT),
      K_SINK: sink!.url,
      VIDEO_FPS: String(FPS),
      VIDEO_MAX_SIDE: '448',
      ...over,
    }),
    { registry: createRegistry(`capture-model-${dirs.length}`, false), logger },
  );
  return clipsDir;
}

test('each clip gets a model clip: header frames = decoded, fps, ≤ VIDEO_MAX_SIDE, thumbs, aligned, zones drawn', async () => {
  sim = await startSim(2);
  sink = await startSink();
  // cam1 has a zone over the top-left quarter, cam2 none
  const reg = new CameraRegistry(redis, keys);
  await reg.put('cam1', {
    url: sim.urlFor(1),
    zones: [
      {
        name: 'bay',
        kind: 'restricted',
        polygon: [
          [0, 0],
          [0.5, 0],
          [0.5, 0.5],
          [0, 0.5],
        ],
      },
    ],
  });
  await reg.put('cam2', { url: sim.urlFor(2) });
  const clipsDir = await start({});
  try {
    await checkModelClips(clipsDir);
  } finally {
    // stopped here, whatever failed: a capture left running would write into the next test's clips
    await capture!.stop();
    capture = undefined;
  }
}, 120_000);

async function checkModelClips(clipsDir: string): Promise<void> {
  const all = await waitFor(
    async () => {
      const j = await jobs();
      return of(j, 'cam1').length >= 3 && of(j, 'cam2').length >= 3 ? j : undefined;
    },
    { timeoutMs: 60_000, what: '3 clips per camera' },
  );
  const firsts = new Set(['cam1', 'cam2'].map((cam) => of(all, cam)[0]!.id));
  let checked = 0;
  for (const job of all) {
    const m = job.model;
    // a run's first clip gets a capture-made model clip only when its window matches (issue #26.1)
    if (firsts.has(job.id) && !m) continue;
    if (!m) throw new Error(`${job.path} has no model clip; the capture warned:\n${warnings.join('\n')}`);
    checked++;
    expect(m.path).toBe(job.path.replace(/([^/]+)\.mp4$/, '.model/$1.mp4'));
    const abs = path.join(clipsDir, m.path);
    const info = mp4VideoInfo(await fs.readFile(abs));
    expect(info.faststart).toBe(true);
    expect(info.fragmented).toBe(false);
    expect(m.frames).toBe(info.frames);
    expect(await decodedFrames(abs)).toBe(info.frames); // vLLM's loader trusts the header count
    expect(m.fps).toBeCloseTo(FPS, 2);
    expect(m.sampling).toBe('fps');
    expect(Math.max(info.width, info.height)).toBeLessThanOrEqual(448);
    expect((await fs.stat(path.join(clipsDir, m.thumbs!))).size).toBe(m.frames * THUMB_BYTES);
    // alignment: the model clip covers the evidence clip's span within one sampling interval
    // (not the first: the evidence starts with the packets before the first keyframe, which the
    // decoder, and so the model clip, skips)
    if (!firsts.has(job.id))
      expect(Math.abs(m.frames / FPS - job.durationMs / 1000)).toBeLessThanOrEqual(1 / FPS + 0.05);
    // the evidence stays a stream copy of the camera (H.264 at the sim's full size)
    expect(await videoCodecSize(path.join(clipsDir, job.path))).toBe('h264,640,360');
  }
  const cam1 = of(all, 'cam1')[1]!;
  const cam2 = of(all, 'cam2')[1]!;
  if (!cam1.model || !cam2.model) {
    // only after the documented miss above (both cameras join the same sim at once, so it tends to hit both):
    // nothing more to check in this run, and it says so
    console.warn(`model clips checked: ${checked}; zones not checked: a camera's pairing missed (out of phase)`);
    return;
  }
  expect(cam1.model.zonesHash).toMatch(/^[0-9a-f]{16}$/);
  expect(cam2.model.zonesHash).toBeUndefined();
  // zones drawn: the model frame differs from its evidence frame inside the zone, not outside
  const w = 448;
  const h = 252;
  const model = await firstFrame(path.join(clipsDir, cam1.model.path), w, h);
  const evidence = await firstFrame(path.join(clipsDir, cam1.path), w, h);
  const inside = meanDiff(model, evidence, w, 20, 20, w / 2 - 20, h / 2 - 20);
  const outside = meanDiff(model, evidence, w, w / 2 + 20, h / 2 + 20, w - 20, h - 20);
  expect(inside).toBeGreaterThan(outside + 10);
  const plain = await firstFrame(path.join(clipsDir, cam2.model.path), w, h);
  const plainEvidence = await firstFrame(path.join(clipsDir, cam2.path), w, h);
  expect(meanDiff(plain, plainEvidence, w, 20, 20, w / 2 - 20, h / 2 - 20)).toBeLessThan(10);
}

test('MODEL_CLIP=false: clips without `model`, no .model folder', async () => {
  await deleteKeysUnder(redis, prefix);
  const clipsDir = await start({ MODEL_CLIP: 'false' });
  // only this run's clips (the first run's last clips may still be announced after its stop)
  const mine = async () => {
    const out: ClipJob[] = [];
    for (const j of await jobs())
      if (
        await fs.access(path.join(clipsDir, j.path)).then(
          () => true,
          () => false,
        )
      )
        out.push(j);
    return out;
  };
  const all = await waitFor(async () => ((await mine()).length >= 2 ? mine() : undefined), {
    timeoutMs: 40_000,
    what: 'two clips',
  });
  for (const job of all) expect(job.model).toBeUndefined();
  await expect(fs.access(path.join(clipsDir, 'cam1', '.model'))).rejects.toThrow();
}, 60_000);
