import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { clipStamp, type ClipJob } from '../../functions/shared/src/clip-job';
import { identifyClip } from '../../functions/shared/src/clip-identity';
import { findScene, renderAllScenes, SCENES, syntheticClipArgs } from '../../simulator/cameras/src/index';
import type { SyntheticClipOptions } from '../../simulator/cameras/src/index';

const run = promisify(execFile);

/**
 * A library of real 5 s clips for the inference benchmarks: cut (stream copy, on the 1 s GOP) out
 * of rtsp-sim's rendered scene loops (1280×720, 25 fps), laid out as capture does:
 * `<clipsDir>/<camera>/<stamp>.mp4`. Returns one clip job per file.
 */
export async function makeClipLibrary(
  clipsDir: string,
  count: number,
  segmentSeconds = 5,
  o: { scenes?: readonly string[]; camera?: (i: number) => string; baseMs?: number } = {},
): Promise<ClipJob[]> {
  // only the scenes asked for: on a fresh clone each 1280×720 loop is an x264 render of ~5 CPU-s
  const wanted = o.scenes ? o.scenes.map((n) => findScene(n) ?? missing(n)) : SCENES;
  const scenes = await renderAllScenes({ scenes: wanted });
  const jobs: ClipJob[] = [];
  const base = Date.UTC(2026, 10, 28, 20, 0, 0);
  for (let i = 0; i < count; i++) {
    const scene = scenes[i % scenes.length]!;
    const cameraId = o.camera ? o.camera(i) : `cam${(i % 50) + 1}`;
    const startedAt = new Date((o.baseMs ?? base) + i * 1000 * segmentSeconds);
    const rel = path.join(cameraId, `${clipStamp(startedAt)}.mp4`);
    const abs = path.join(clipsDir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const offset =
      (Math.floor(i / scenes.length) * segmentSeconds) %
      Math.max(segmentSeconds, scene.scene.duration - segmentSeconds);
    await cutCopy(scene.videoPath, abs, offset, segmentSeconds);
    jobs.push(await clipJobFor(clipsDir, rel, cameraId, startedAt, segmentSeconds * 1000));
  }
  return jobs;
}

/**
 * Cuts `seconds` from `start` of `input` into `out` by stream copy (the source's own bytes; `-ss`
 * before `-i` seeks to the keyframe at or before `start`: https://ffmpeg.org/ffmpeg.html#Main-options),
 * without audio. The one way tests cut a clip out of a rendered scene.
 */
export async function cutCopy(input: string, out: string, start: number, seconds: number): Promise<string> {
  const window = ['-ss', String(start), '-i', input, '-t', String(seconds)];
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...window, '-c', 'copy', '-an', out]);
  return out;
}

/**
 * The job capture announces for the clip at `<clipsDir>/<rel>`: its id as capture gives it
 * (issue #18.1), its size, first attempt.
 */
export async function clipJobFor(
  clipsDir: string,
  rel: string,
  cameraId: string,
  startedAt: Date,
  durationMs: number,
): Promise<ClipJob> {
  const { id } = await identifyClip(clipsDir, rel, cameraId);
  const bytes = fs.statSync(path.join(clipsDir, rel)).size;
  return { v: 1, id, cameraId, path: rel, startedAt: startedAt.toISOString(), durationMs, bytes, attempt: 0 };
}

function missing(name: string): never {
  throw new Error(`no rtsp-sim scene named ${name}`);
}

/**
 * Writes a real, small synthetic H.264 clip (ffmpeg lavfi; `testsrc2` 320×180, 3 s, 1 s GOP by
 * default) and returns its path. The one way tests and benchmarks make a clip from nothing.
 */
export async function makeTestClip(file: string, o: SyntheticClipOptions = {}): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await run('ffmpeg', syntheticClipArgs(file, o));
  return file;
}

/**
 * Runs ffmpeg to the end, `stdin` (if any) piped in; rejects with its exit code and stderr.
 * The one way tests run an ffmpeg argv they build themselves.
 */
export function runFfmpeg(args: readonly string[], stdin?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${err}`))));
    if (stdin) child.stdin?.end(stdin);
  });
}
