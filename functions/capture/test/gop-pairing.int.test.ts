/**
 * Issue #26.1 and #26.8 against a real RTSP server we did not write (gst-rtsp-server, TCP-only,
 * AAC audio track): cameras with a 1 s, 4 s and 10 s GOP, SEGMENT_SECONDS=4. A model clip shows
 * exactly its clip's footage (durations from ffprobe within one model frame, first frames alike);
 * GOP 1 s and 4 s get one (their keyframes fall 0.1 s before the grid: the evidence's one-frame cut
 * lead meets them); a 10 s GOP (evidence cut every 10 s) gets no capture-made model clip at all
 * instead of ever older footage. No clip has an audio track.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClipJob } from '../../shared/src/clip-job';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { createRegistry } from '../../shared/src/metrics';
import { startCapture, type CaptureHandle } from '../src/app/start-capture';
import { testConfig } from './helpers';
import { captureTestRig } from './rig';
import { waitFor } from '../../../test/support';
import { startGstCamera, type GstCamera } from '../../../test/support/gst-camera';
import { probeStreams, rawFrames } from '../../../test/support/media';

const SEGMENT = 4;
const FPS = 2;
const CAMERA_FPS = 10;
const cams: GstCamera[] = [];
let capture: CaptureHandle | undefined;
let clipsDir = '';
const { prefix, keys, redis } = captureTestRig(() => [capture, ...cams, clipsDir]);

const streams = (file: string) => probeStreams(file, 'codec_type,duration');
const FRAME = 64 * 48;
/** The first `count` frames, gray, 64×48 each. */
async function firstFrames(file: string, count: number): Promise<Buffer[]> {
  const raw = await rawFrames(file, { frames: count, vf: 'scale=64:48', pixFmt: 'gray' });
  return Array.from({ length: Math.floor(raw.length / FRAME) }, (_, i) => raw.subarray(i * FRAME, (i + 1) * FRAME));
}

/**
 * Every frame of an evidence clip, decoded once: a clip is the `previous` of the next one too, and each
 * ffmpeg run costs more CPU (≈ 0.15 s) than decoding a few dozen 64×48 frames.
 */
const decoded = new Map<string, Promise<Buffer[]>>();
const allFrames = (file: string): Promise<Buffer[]> => {
  let frames = decoded.get(file);
  if (!frames) decoded.set(file, (frames = firstFrames(file, 10_000)));
  return frames;
};

/**
 * Where the model clip's first frame is, in camera frames from the start of `evidence` (negative:
 * in `previous`, the clip before it), and how alike it is there (mean gray difference).
 */
async function modelStart(model: string, evidence: string, previous: string): Promise<{ at: number; diff: number }> {
  const [m] = await firstFrames(model, 1);
  const before = await allFrames(previous);
  const frames = [...before, ...(await allFrames(evidence)).slice(0, 2 * CAMERA_FPS)];
  const diffs = frames.map((f) => meanDiff(m!, f));
  const diff = Math.min(...diffs);
  return { at: diffs.indexOf(diff) - before.length, diff };
}

const meanDiff = (a: Buffer, b: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? 0)), 0) / a.length;

// gst-rtsp-server forces a keyframe when a client joins, then x264 keeps its own GOP phase: keyframes fall 0.1 s
// before each n × SEGMENT_SECONDS. Both outputs run on the input's one clock and the evidence may be cut one model
// frame early (core/recorder-args.ts evidenceCutLead), so the evidence is cut at 3.9, 7.9, … s and the model at
// 4, 8, … s: within the pairing's one model frame. Without the lead it was cut a whole GOP late (4.9, 8.9, … s)
// and the GOP 1 s camera paired 0 of 6 clips (camera-compat.md case 8).
test('model clip = evidence window (GOP 1 s and 4 s, keyframes 0.1 s before the grid); none, not a wrong one, for GOP 10 s; no audio track', async () => {
  const gops = [1, 4, 10];
  cams.push(
    ...(await Promise.all(gops.map((gop) => startGstCamera({ gop, fps: CAMERA_FPS, audio: 'aac', tcpOnly: true })))),
  );
  const reg = new CameraRegistry(redis, keys);
  // cam1…cam3 put before capture seeds NUM_STREAMS=3: the seed never overwrites an entry (HSETNX)
  const camOf = (gop: number) => `cam${gops.indexOf(gop) + 1}`;
  for (const [i, cam] of cams.entries()) await reg.put(`cam${i + 1}`, { url: cam.url });
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-gop-'));
  capture = await startCapture(
    testConfig({
      CLIPS_DIR: clipsDir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: '3',
      RTSP_TRANSPORT: 'tcp',
      SEGMENT_SECONDS: String(SEGMENT),
      VIDEO_FPS: String(FPS),
      VIDEO_MAX_SIDE: '448',
      CAPTURE_STAGGER_MS: '0',
    }),
    { registry: createRegistry('capture-gop', false) },
  );
  const jobs = async () => (await redis.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);
  const of = (all: ClipJob[], cam: string) =>
    all.filter((j) => j.cameraId === cam).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const all = await waitFor(
    async () => {
      const j = await jobs();
      // GOP 10 s: its first clip and one whole 10 s clip after it (each a 10 s wait) are enough to show it never
      // pairs; more only cost real time (issue #22)
      return of(j, camOf(1)).length >= 5 && of(j, camOf(4)).length >= 4 && of(j, camOf(10)).length >= 2 ? j : undefined;
    },
    { timeoutMs: 90_000, what: 'clips from every camera' },
  );
  const report: string[] = [];
  let paired = 0;
  const pairedOf = new Map<number, number>();
  for (const gop of gops) {
    const clips = of(all, camOf(gop));
    const starts: number[] = [];
    for (const [n, job] of clips.entries()) {
      const evidence = path.join(clipsDir, job.path);
      const ev = await streams(evidence);
      expect(ev.map((s) => s.codec_type)).toEqual(['video']); // the AAC track never reaches a clip
      // 10 s evidence clips against 4 s model segments: nothing can match
      if (gop === 10) expect(job.model).toBeUndefined();
      // no model clip = inference makes one from the evidence: never a wrong one
      if (!job.model || n === 0) continue;
      paired++;
      pairedOf.set(gop, (pairedOf.get(gop) ?? 0) + 1);
      const model = path.join(clipsDir, job.model.path);
      const evDuration = Number(ev[0]!.duration);
      const mDuration = Number((await streams(model))[0]!.duration);
      expect(Math.abs(evDuration - mDuration)).toBeLessThanOrEqual(1 / FPS + 0.02);
      // the same footage: the model clip's first frame is its clip's first frame, ± one model
      // frame (the pattern scrolls 4 px per camera frame, so any other frame differs)
      const at = await modelStart(model, evidence, path.join(clipsDir, clips[n - 1]!.path));
      expect(at.diff).toBeLessThan(12);
      expect(Math.abs(at.at)).toBeLessThanOrEqual(CAMERA_FPS / FPS);
      starts.push(at.at);
    }
    report.push(
      `GOP ${gop} s: ${starts.length}/${clips.length - 1} later clips with a model clip, starting at camera frame ${starts.join(', ')}`,
    );
  }
  console.log(report.join('\n'));
  expect(paired).toBeGreaterThan(0);
  // GOP 1 s and 4 s paired 5/5 each beside another suite; GOP 4 s paired 4/6 once in CI before (a model segment
  // listed after the pairing's wait under load), so the test asks for half of each camera's later clips and prints
  // the counts above. Before the one clock and the cut lead, GOP 1 s paired 0.
  for (const gop of [1, 4])
    expect(pairedOf.get(gop) ?? 0).toBeGreaterThanOrEqual(Math.ceil((of(all, camOf(gop)).length - 1) / 2));
  // GOP 10 s: the unused model segments are deleted as the run goes, not kept until it ends
  const staging = path.join(clipsDir, '.staging', camOf(10));
  const runs = await fs.readdir(staging);
  const leftover = (await Promise.all(runs.map((r) => fs.readdir(path.join(staging, r))))).flat();
  expect(leftover.filter((f) => f.startsWith('model-')).length).toBeLessThanOrEqual(4);
}, 120_000);
