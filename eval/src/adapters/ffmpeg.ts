import { spawn } from 'node:child_process';

/** Runs ffmpeg to completion; rejects with the tail of stderr. Resolves stdout (for image output). */
export function ffmpeg(args: string[], bin = 'ffmpeg'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-hide_banner', '-v', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exited with ${code}: ${err.trim()}`)),
    );
  });
}

/**
 * A clip cut with stream copy (no re-encode: the model sees the camera's own bytes). `-ss`
 * before `-i` seeks to "the closest seek point before position" and, with stream copy, that
 * extra segment "will be preserved" (https://ffmpeg.org/ffmpeg.html#Main-options, `-ss`), so
 * starts must be keyframes: the renders have a 1 s GOP and the plan uses whole seconds.
 */
export async function cutClip(video: string, start: number, seconds: number, out: string): Promise<void> {
  await ffmpeg([
    '-y',
    '-ss',
    String(start),
    '-t',
    String(seconds),
    '-i',
    video,
    '-c',
    'copy',
    '-an',
    '-movflags',
    '+faststart',
    out,
  ]);
}

/** One JPEG strip of a clip: a frame per second, 160 px high, side by side (for the report; `tile`: https://ffmpeg.org/ffmpeg-filters.html#tile). */
export async function frameStrip(clip: string, seconds = 5): Promise<Buffer> {
  return ffmpeg([
    '-i',
    clip,
    '-vf',
    `fps=1,scale=-2:160,tile=${seconds}x1`,
    '-frames:v',
    '1',
    '-q:v',
    '5',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ]);
}
