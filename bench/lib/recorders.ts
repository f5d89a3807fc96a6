import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildRecorderCommand, recorderArgv, type RtspTransport } from '../../functions/capture/src/core/recorder-args';

/**
 * Bare ffmpeg segmenters for the capture benchmark: `copy` is exactly the capture recorder's argv
 * (buildRecorderCommand); `reencode` is the same segmenter with a libx264 veryfast 448 px encode
 * instead of `-c copy` (the pipeline docs/architecture.md §5 says never to run in capture).
 */
export type RecorderMode = 'copy' | 'model' | 'reencode';

export interface ListedSegment {
  file: string;
  start: number;
  end: number;
  /** performance.now() when the CSV line was first seen */
  seenAt: number;
}

export interface BenchRecorder {
  readonly camera: number;
  readonly mode: RecorderMode;
  readonly child: ChildProcess;
  readonly startedAt: number;
  readonly segments: ListedSegment[];
  /** stderr lines that report lost or damaged data */
  readonly damage: string[];
  poll(): void;
  stop(): Promise<void>;
}

const DAMAGE =
  /missed \d+ packets|corrupt|error while decoding|max delay reached|Non-monotonous|RTP: PT=|Invalid data|concealing/i;

export function recorderArgs(
  mode: RecorderMode,
  url: string,
  runDir: string,
  segmentSeconds: number,
  transport: RtspTransport = 'udp',
): string[] {
  const argv = recorderArgv(
    buildRecorderCommand({
      url,
      transport,
      timeoutSeconds: 5,
      segmentSeconds,
      listFile: path.join(runDir, 'list.csv'),
      runDir,
      // `model`: the same process also writes the model clip + thumbnails (MODEL_CLIP=true, issue #13)
      ...(mode === 'model'
        ? {
            model: {
              sampling: 'fps' as const,
              fps: 2,
              maxSide: 448,
              modelListFile: path.join(runDir, 'model.csv'),
              thumbsListFile: path.join(runDir, 'thumbs.csv'),
            },
          }
        : {}),
    }),
  );
  if (mode === 'copy' || mode === 'model') return argv;
  const at = argv.indexOf('-c');
  if (at < 0 || argv[at + 1] !== 'copy') throw new Error('recorder argv no longer has "-c copy"; update the benchmark');
  const fps = 25;
  argv.splice(
    at,
    2,
    '-vf',
    'scale=448:-2',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
  );
  return argv;
}

export function startRecorder(
  camera: number,
  mode: RecorderMode,
  url: string,
  runDir: string,
  segmentSeconds: number,
  transport: RtspTransport = 'udp',
): BenchRecorder {
  fs.mkdirSync(runDir, { recursive: true });
  const listFile = path.join(runDir, 'list.csv');
  const child = spawn('ffmpeg', recorderArgs(mode, url, runDir, segmentSeconds, transport), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const segments: ListedSegment[] = [];
  const damage: string[] = [];
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (DAMAGE.test(l)) damage.push(l.trim());
  });
  let consumed = 0;
  const poll = () => {
    let text: string;
    try {
      text = fs.readFileSync(listFile, 'utf8');
    } catch {
      return;
    }
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.slice(consumed).split('\n').filter(Boolean)) {
      const [file, start, end] = line.split(',');
      segments.push({ file: file ?? '', start: Number(start), end: Number(end), seenAt: performance.now() });
    }
    consumed = complete.length;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGINT');
    });
  return { camera, mode, child, startedAt: performance.now(), segments, damage, poll, stop };
}

/** Verdict on one recorder over a window: every segment present, on time and the right length. */
export interface SegmentCheck {
  listed: number;
  expected: number;
  /** segments whose length is off by more than 0.25 s (first and last excluded) */
  wrongLength: number;
  /** gaps between two listings longer than segment + 1.5 s */
  late: number;
  damage: number;
}

export function checkSegments(r: BenchRecorder, fromMs: number, toMs: number, segmentSeconds: number): SegmentCheck {
  const inWindow = r.segments.filter((s) => s.seenAt >= fromMs && s.seenAt <= toMs);
  const middle = r.segments.slice(1);
  let late = 0;
  let prev = fromMs;
  for (const s of inWindow) {
    if (s.seenAt - prev > (segmentSeconds + 1.5) * 1000) late++;
    prev = s.seenAt;
  }
  if (toMs - prev > (segmentSeconds + 1.5) * 1000) late++;
  return {
    listed: inWindow.length,
    expected: Math.floor((toMs - fromMs) / 1000 / segmentSeconds),
    wrongLength: middle.filter((s) => s.seenAt <= toMs && Math.abs(s.end - s.start - segmentSeconds) > 0.25).length,
    late,
    damage: r.damage.length,
  };
}
