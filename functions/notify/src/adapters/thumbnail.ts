import { spawn } from 'node:child_process';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { firstFrameJpegArgs } from '../../../shared/src/thumbnail-args';

/** Largest JPEG accepted from ffmpeg (a 480 px frame is ~30 KB). */
const MAX_JPEG = 2 * 1024 * 1024;

/**
 * One JPEG frame of an incident's clip for the mail's inline picture. The path goes through the
 * clip path guard first (never a file outside CLIPS_DIR), and ffmpeg reads it as a plain file
 * (`-protocol_whitelist file -f mov`, docs/architecture.md §4.3 "Input bounds"). undefined when
 * the clip is gone or ffmpeg fails: the mail goes without a picture rather than not at all.
 */
export async function clipThumbnail(
  clipsDir: string,
  relPath: string,
  opts: { ffmpegPath?: string; timeoutMs?: number; width?: number } = {},
): Promise<Buffer | undefined> {
  let real: string;
  try {
    real = await resolveClipPath(clipsDir, relPath);
  } catch {
    return undefined;
  }
  const args = firstFrameJpegArgs(real, opts.width ?? 480);
  return new Promise((resolve) => {
    const child = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_JPEG) child.kill('SIGKILL');
      else chunks.push(c);
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && size > 0 && size <= MAX_JPEG ? Buffer.concat(chunks) : undefined);
    });
  });
}
