import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeTestClip } from '../../../test/support';

const run = promisify(execFile);

/** Splits a concatenated MJPEG byte stream into base64 JPEGs (SOI 0xFFD8 … EOI 0xFFD9). */
export function splitJpegs(buf: Buffer): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] !== 0xff) continue;
    if (buf[i + 1] === 0xd8 && start < 0) start = i;
    else if (buf[i + 1] === 0xd9 && start >= 0) {
      out.push(buf.subarray(start, i + 2).toString('base64'));
      start = -1;
    }
  }
  return out;
}

/** What the inference preparer does: sample at 2 fps, long side 448, JPEG frames (base64). */
export async function extractJpegFrames(clip: string, opts: { ss?: number; t?: number } = {}): Promise<string[]> {
  const window = [
    ...(opts.ss === undefined ? [] : ['-ss', String(opts.ss)]),
    ...(opts.t === undefined ? [] : ['-t', String(opts.t)]),
  ];
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-v',
      'error',
      ...window,
      '-i',
      clip,
      '-vf',
      'fps=2,scale=w=448:h=448:force_original_aspect_ratio=decrease:force_divisible_by=2',
      '-q:v',
      '5',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return splitJpegs(stdout);
}

/** Draws a clip with ffmpeg lavfi (H.264, 1 s GOP), like rtsp-sim does. */
export async function renderClip(
  out: string,
  filter: string,
  opts: { seconds?: number; width?: number; height?: number } = {},
): Promise<void> {
  const { seconds = 2, width = 640, height = 360 } = opts;
  await makeTestClip(out, {
    source: 'color=c=0x808080',
    width: 1280,
    height: 720,
    seconds,
    filter: `${filter},scale=${width}:${height}`,
    preset: 'veryfast',
  });
}

/** Chat message helpers for the shapes the inference client sends. */
export const videoFrames = (frames: string[], uuid?: string) => ({
  type: 'video_url',
  video_url: { url: `data:video/jpeg;base64,${frames.join(',')}` },
  ...(uuid ? { uuid } : {}),
});
export const videoFile = (path: string) => ({ type: 'video_url', video_url: { url: `file://${path}` } });
