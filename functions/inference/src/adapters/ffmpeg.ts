import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { RetryableError, UnrecoverableError } from '../../../shared/src/errors';
import { mp4VideoInfo, type Mp4VideoInfo } from '../../../shared/src/mp4-info';
import {
  buildFrameArgs,
  buildModelClipArgs,
  MIN_VIDEO_FRAMES,
  splitJpegs,
  type FrameArgsOptions,
} from '../core/ffmpeg-args';

export interface ExtractOptions extends Omit<FrameArgsOptions, 'overlayOnStdin'> {
  /** The camera's zone overlay PNG (issue #15), composited into the model's frames; fed to ffmpeg on stdin. */
  overlayPng?: Buffer | undefined;
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
  /** Kill ffmpeg after this long (a stuck decode must not hold a job forever). @default 60000 */
  timeoutMs?: number;
  /** Decode at most this many seconds of the input (CLIP_MAX_SECONDS): bounds time and memory. */
  maxSeconds?: number;
}

/** Runs one ffmpeg; resolves with stdout. Corrupt input → UnrecoverableError (ffmpeg's reason); could not run / timeout → RetryableError. */
function runFfmpeg(args: string[], what: string, opts: ExtractOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // stdin carries the zone overlay PNG when there is one (closed at once otherwise); EPIPE when
    // ffmpeg exits early (corrupt clip) is harmless: its exit code tells the story, not the pipe
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.overlayPng);
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
      if (timedOut) return reject(new RetryableError(`ffmpeg timed out decoding ${what}`, { label: 'timeout' }));
      const reason = stderr.trim().split('\n').slice(-3).join(' | ');
      if (code !== 0)
        return reject(
          new UnrecoverableError(`corrupt clip: ffmpeg exited with ${signal ?? code}: ${reason || 'no message'}`, {
            label: 'corrupt',
          }),
        );
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Decodes a clip (already through the path guard) into JPEG frames with one ffmpeg spawn (images mode).
 * @throws UnrecoverableError when the clip is corrupt or has no frames (dead-letter it, with
 * ffmpeg's own reason); RetryableError when ffmpeg could not run or timed out.
 */
export async function extractFrames(absPath: string, opts: ExtractOptions): Promise<Buffer[]> {
  const once = async (sliver: boolean) =>
    splitJpegs(
      await runFfmpeg(
        buildFrameArgs(absPath, { ...opts, sliver, overlayOnStdin: opts.overlayPng !== undefined }),
        absPath,
        opts,
      ),
    ).images;
  // a clip shorter than one sampled frame is judged on the frame it has (issue #26.6)
  const first = await once(false);
  const images = first.length > 0 ? first : await once(true);
  if (images.length === 0) throw new UnrecoverableError('empty clip: ffmpeg decoded no frames', { label: 'corrupt' });
  return images;
}

/**
 * Makes the model clip (media contract: CFR H.264 MP4 at the sampling rate, faststart) from a
 * clip already through the path guard, with one ffmpeg spawn, and reads its header back.
 * `outPath` is a seekable file the caller owns (and removes).
 */
export async function makeModelClip(
  absPath: string,
  outPath: string,
  opts: ExtractOptions & { thumbs?: boolean },
): Promise<Mp4VideoInfo & { thumbs?: Buffer }> {
  const made = await makeModelClipOnce(absPath, outPath, opts, false).catch((err: unknown) => {
    if (isEmptyClip(err)) return undefined;
    throw err;
  });
  if (made && made.frames >= MIN_VIDEO_FRAMES) return made;
  // fewer frames than the model takes (a clip shorter than one or two sampled frames: the sliver a
  // stop cuts): judged on the frame it has, shown twice, never dead-lettered for it (issue #26.6)
  return makeModelClipOnce(absPath, outPath, opts, true);
}

function isEmptyClip(err: unknown): boolean {
  return err instanceof UnrecoverableError && err.message.startsWith('empty clip:');
}

async function makeModelClipOnce(
  absPath: string,
  outPath: string,
  opts: ExtractOptions & { thumbs?: boolean },
  sliver: boolean,
): Promise<Mp4VideoInfo & { thumbs?: Buffer }> {
  const stdout = await runFfmpeg(
    buildModelClipArgs(absPath, outPath, { ...opts, sliver, overlayOnStdin: opts.overlayPng !== undefined }),
    absPath,
    opts,
  );
  const bytes = await readFile(outPath).catch(() => Buffer.alloc(0));
  if (bytes.length === 0) throw new UnrecoverableError('empty clip: ffmpeg wrote no model clip', { label: 'corrupt' });
  let info: Mp4VideoInfo;
  try {
    info = mp4VideoInfo(bytes);
  } catch (err) {
    throw new UnrecoverableError(`empty clip: the model clip has no video (${(err as Error).message})`, {
      label: 'corrupt',
    });
  }
  if (info.frames === 0) throw new UnrecoverableError('empty clip: ffmpeg decoded no frames', { label: 'corrupt' });
  return opts.thumbs ? { ...info, thumbs: stdout } : info;
}
