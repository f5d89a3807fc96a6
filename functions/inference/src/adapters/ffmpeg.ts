import { spawn } from 'node:child_process';
import { RetryableError, UnrecoverableError } from '../../../shared/src/errors';
import { buildFrameArgs, splitJpegs, type FrameArgsOptions } from '../core/ffmpeg-args';

export interface ExtractOptions extends Omit<FrameArgsOptions, 'overlayOnStdin'> {
  /** Zone overlay PNG, composited into every frame (fed to ffmpeg on stdin). */
  overlayPng?: Buffer | undefined;
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
  /** Kill ffmpeg after this long (a stuck decode must not hold a job forever). @default 60000 */
  timeoutMs?: number;
}

/**
 * Decodes a clip (already through the path guard) into JPEG frames with one ffmpeg spawn.
 * @throws UnrecoverableError when the clip is corrupt or has no frames (dead-letter it, with
 * ffmpeg's own reason); RetryableError when ffmpeg could not run or timed out.
 */
export function extractFrames(absPath: string, opts: ExtractOptions): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const overlay = opts.overlayPng;
    const child = spawn(opts.ffmpegPath ?? 'ffmpeg', buildFrameArgs(absPath, { ...opts, overlayOnStdin: overlay !== undefined }), { stdio: ['pipe', 'pipe', 'pipe'] });
    // EPIPE when ffmpeg exits early (corrupt clip): its exit code tells the story, not the pipe
    child.stdin.on('error', () => undefined);
    child.stdin.end(overlay);
    const chunks: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new RetryableError(`could not run ffmpeg: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new RetryableError(`ffmpeg timed out decoding ${absPath}`));
      const reason = stderr.trim().split('\n').slice(-3).join(' | ');
      if (code !== 0) return reject(new UnrecoverableError(`corrupt clip: ffmpeg exited with ${signal ?? code}: ${reason || 'no message'}`));
      const { images } = splitJpegs(Buffer.concat(chunks));
      if (images.length === 0) return reject(new UnrecoverableError(`empty clip: ffmpeg decoded no frames${reason ? `: ${reason}` : ''}`));
      resolve(images);
    });
  });
}
