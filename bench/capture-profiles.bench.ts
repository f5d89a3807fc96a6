import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGstCamera, type GstCameraOptions } from '../test/support/gst-camera';
import { sleep } from '../functions/shared/src/async';
import { CpuWindow, machineWindow, rssBytes } from './lib/proc-stats';
import { startRecorder, type BenchRecorder } from './lib/recorders';
import type { BenchTable } from './table';

/**
 * `npm run bench -- capture-cost` (issue #26.10): what capture's recorder costs per camera at real
 * camera profiles, with the model clip on (MODEL_CLIP=true, the default: the recorder decodes every
 * frame to sample the model clip, so the cost follows resolution and bitrate, not the copy).
 * Source: Debian's gst-rtsp-server (test/support/gst-camera.ts), encoding live at 25 fps, 1 s GOP.
 * Recorder: ffmpeg with capture's own argv (core/recorder-args.ts buildRecorderCommand, model
 * output on, 5 s segments, RTSP over TCP). CPU from /proc (utime+stime of the recorder's ffmpeg)
 * over ≥ WINDOW_S after a warm-up, per second of video recorded (see measure), one profile at a
 * time; frames/s and Mbit/s say what the recorder actually got.
 */
const WINDOW_S = Number(process.env.CAPTURE_COST_WINDOW_S ?? 30);
const WARMUP_S = 8;
const SEGMENT_SECONDS = 5;
const FPS = 25;

interface Profile {
  label: string;
  camera: GstCameraOptions;
}

const PROFILES: Profile[] = [
  { label: '720p H.264 2 Mbps', camera: { codec: 'h264', width: 1280, height: 720, kbps: 2000 } },
  { label: '1080p H.264 4 Mbps', camera: { codec: 'h264', width: 1920, height: 1080, kbps: 4000 } },
  { label: '720p HEVC 2 Mbps', camera: { codec: 'hevc', width: 1280, height: 720, kbps: 2000 } },
];

const run = promisify(execFile);

/** Video packets (= frames) in a segment file. */
async function frames(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets'],
    ...['-of', 'csv=p=0', file],
  ]);
  return Number(stdout.trim());
}

interface Measured {
  cpu: number;
  rssMiB: number;
  fps: number;
  mbps: number;
  /** seconds of video recorded per second of wall time in the window (1 = the camera kept up) */
  realtime: number;
  segments: number;
  box: number;
}

/** Polls the recorder's list until a segment is listed after the `had` first ones; returns its index. */
async function nextListing(rec: BenchRecorder, had: number, limitMs: number): Promise<number> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    rec.poll();
    if (rec.segments.length > had) return rec.segments.length - 1;
    await sleep(100);
  }
  throw new Error(`no segment listed within ${limitMs} ms`);
}

/**
 * CPU per second of VIDEO, not per second of wall time: the window runs from one segment listing
 * to another, and the video recorded in it is exactly the segments listed in between (their own
 * durations). A live encoder that falls behind on a busy machine delivers less than a second of
 * video per second; dividing by the video recorded keeps the figure what one real-time camera costs.
 */
async function measure(p: Profile, dir: string): Promise<Measured> {
  const cam = await startGstCamera({ ...p.camera, fps: FPS, gop: 1 });
  const runDir = path.join(dir, p.label.replace(/\W+/g, '-'));
  const rec = startRecorder(1, 'model', cam.url, runDir, SEGMENT_SECONDS, 'tcp');
  try {
    await sleep(WARMUP_S * 1000);
    rec.poll();
    const first = await nextListing(rec, rec.segments.length, 30_000);
    const cpu = new CpuWindow(() => [rec.child.pid!]);
    const box = machineWindow();
    const t0 = performance.now();
    const rss: number[] = [];
    while (performance.now() - t0 < WINDOW_S * 1000) {
      await sleep(1000);
      cpu.sample();
      rss.push(rssBytes(rec.child.pid!) ?? NaN);
    }
    rec.poll();
    const last = await nextListing(rec, rec.segments.length, 60_000);
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = (cpu.percent() * wallS) / 100;
    const boxPct = box();
    const inWindow = rec.segments.slice(first + 1, last + 1);
    let n = 0;
    let videoS = 0;
    let bytes = 0;
    for (const s of inWindow) {
      n += await frames(path.join(runDir, s.file));
      bytes += fs.statSync(path.join(runDir, s.file)).size;
      videoS += s.end - s.start;
    }
    const valid = rss.filter(Number.isFinite);
    return {
      cpu: (100 * cpuS) / videoS,
      rssMiB: valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length) / 2 ** 20,
      fps: n / videoS,
      mbps: (bytes * 8) / videoS / 1e6,
      realtime: videoS / wallS,
      segments: inWindow.length,
      box: boxPct,
    };
  } finally {
    await rec.stop();
    await cam.stop();
  }
}

export async function captureProfilesBench(): Promise<BenchTable> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-capture-cost-'));
  const rows: (string | number)[][] = [];
  try {
    for (const p of PROFILES) {
      const m = await measure(p, dir);
      console.error(`bench capture-cost: ${p.label} → ${m.cpu.toFixed(1)} % of a core, ${m.fps.toFixed(1)} fps`);
      rows.push([p.label, m.cpu, m.rssMiB, m.fps, m.mbps, m.realtime, m.segments, m.box]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Capture cost per camera at real camera profiles, model clip on',
    command: 'npm run bench -- capture-cost',
    columns: [
      'camera (gst-rtsp-server, 25 fps, 1 s GOP)',
      'recorder CPU % of one core (per second of video)',
      'recorder RSS (MiB)',
      'frames/s received',
      'evidence Mbit/s received',
      'video s per wall s',
      'segments in the window',
      'whole machine CPU % (of 200)',
    ],
    rows,
    notes: [
      `capture's recorder argv (buildRecorderCommand: evidence stream copy tagged hvc1 for HEVC + 2 fps 448 px libx264 model clip + 32×18 thumbnails, ${SEGMENT_SECONDS} s segments, RTSP/TCP); CPU = utime+stime of its ffmpeg from /proc between two segment listings ≥ ${WINDOW_S} s apart (after ${WARMUP_S} s warm-up), divided by the seconds of video listed in between, one camera at a time`,
      'the camera (x264enc / x265enc encoding live) runs on the same machine and is not counted; the whole-machine column includes it and every other job',
    ],
  };
}
