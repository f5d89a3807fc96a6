import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGstCamera, type GstCameraOptions } from '../test/support/gst-camera';
import { sleep } from '../functions/shared/src/async';
import { CpuWindow, machineWindow, rssBytes } from './lib/proc-stats';
import { startRecorder } from './lib/recorders';
import type { BenchTable } from './table';

/**
 * `npm run bench -- capture-cost` (issue #26.10): what capture's recorder costs per camera at real
 * camera profiles, with the model clip on (MODEL_CLIP=on, the default: the recorder decodes every
 * frame to sample the model clip, so the cost follows resolution and bitrate, not the copy).
 * Source: Debian's gst-rtsp-server (test/support/gst-camera.ts), encoding live at 25 fps, 1 s GOP.
 * Recorder: ffmpeg with capture's own argv (core/recorder-args.ts buildRecorderCommand, model
 * output on, 5 s segments, RTSP over TCP). CPU from /proc (utime+stime of the recorder's ffmpeg)
 * over WINDOW_S after a warm-up, one profile at a time. The frames column checks the recorder
 * got the stream in real time (the live encoder shares the machine): if it falls short of 25 fps
 * the CPU figure is low by the same ratio.
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
  segments: string;
  box: number;
}

async function measure(p: Profile, dir: string): Promise<Measured> {
  const cam = await startGstCamera({ ...p.camera, fps: FPS, gop: 1 });
  const runDir = path.join(dir, p.label.replace(/\W+/g, '-'));
  const rec = startRecorder(1, 'model', cam.url, runDir, SEGMENT_SECONDS, 'tcp');
  try {
    await sleep(WARMUP_S * 1000);
    rec.poll();
    const firstListed = rec.segments.length;
    const cpu = new CpuWindow(() => [rec.child.pid!]);
    const box = machineWindow();
    const rss: number[] = [];
    const end = performance.now() + WINDOW_S * 1000;
    while (performance.now() < end) {
      await sleep(1000);
      cpu.sample();
      rec.poll();
      rss.push(rssBytes(rec.child.pid!) ?? NaN);
    }
    const pct = cpu.percent();
    const boxPct = box();
    rec.poll();
    const inWindow = rec.segments.slice(firstListed);
    let n = 0;
    let seconds = 0;
    let bytes = 0;
    for (const s of inWindow) {
      n += await frames(path.join(runDir, s.file));
      bytes += fs.statSync(path.join(runDir, s.file)).size;
      seconds += s.end - s.start;
    }
    const valid = rss.filter(Number.isFinite);
    return {
      cpu: pct,
      rssMiB: valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length) / 2 ** 20,
      fps: seconds > 0 ? n / seconds : NaN,
      mbps: seconds > 0 ? (bytes * 8) / seconds / 1e6 : NaN,
      segments: `${inWindow.length} / ${Math.floor(WINDOW_S / SEGMENT_SECONDS)}`,
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
      rows.push([p.label, m.cpu, m.rssMiB, m.fps, m.mbps, m.segments, m.box]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Capture cost per camera at real camera profiles, model clip on',
    command: 'npm run bench -- capture-cost',
    columns: [
      'camera (gst-rtsp-server, 25 fps, 1 s GOP)',
      'recorder CPU % of one core',
      'recorder RSS (MiB)',
      'frames/s received',
      'evidence Mbit/s received',
      'segments listed / expected',
      'whole machine CPU % (of 200)',
    ],
    rows,
    notes: [
      `capture's recorder argv (buildRecorderCommand: evidence stream copy tagged hvc1 for HEVC + 2 fps 448 px libx264 model clip + 32×18 thumbnails, ${SEGMENT_SECONDS} s segments, RTSP/TCP); CPU = utime+stime of its ffmpeg from /proc over ${WINDOW_S} s after ${WARMUP_S} s warm-up, one camera at a time`,
      'the camera (x264enc / x265enc encoding live) runs on the same machine and is not counted; the whole-machine column includes it and every other job',
    ],
  };
}
