import { spawn } from 'node:child_process';
import * as jpeg from 'jpeg-js';
import type { Frame } from '../core/frame';

/**
 * JPEG and video decoding. JPEG frames are decoded in-process with the pure-JS `jpeg-js`: a
 * request carries ~10 small (448 px) frames, and spawning a process per request costs ≈0.09 CPU-s
 * (docs/architecture.md §5) — more than decoding them in JS. Video files need a real demuxer/decoder:
 * in-process with node-av by default (decode-node-av.ts), or (VLLM_SIM_DECODER=ffmpeg) one ffmpeg
 * child; both run `decodeFilter`, which samples and scales like vLLM's video loader + Qwen's processor.
 */

/** Width and height from a JPEG's SOF marker, without decoding (for media that is only counted). */
export function jpegSize(buf: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = buf[i + 1] as number;
    const len = ((buf[i + 2] as number) << 8) | (buf[i + 3] as number);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {
        height: ((buf[i + 5] as number) << 8) | (buf[i + 6] as number),
        width: ((buf[i + 7] as number) << 8) | (buf[i + 8] as number),
      };
    }
    i += 2 + len;
  }
  throw new Error('not a JPEG (no SOF marker)');
}

/** Decodes one JPEG to RGB. */
export function decodeJpeg(buf: Uint8Array): Frame {
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}

/**
 * The filter graph both decoders run: sample at `fps` (or, with `fps` 'all', every frame as
 * stored, like vLLM's OpenCV loader reading a whole model clip), scale the long side to `longSide`.
 */
export function decodeFilter(fps: number | 'all', longSide: number): string {
  const scale = `scale=w=${longSide}:h=${longSide}:force_original_aspect_ratio=decrease:force_divisible_by=2`;
  return fps === 'all' ? scale : `fps=${fps},${scale}`;
}

/** ffmpeg arguments: `decodeFilter`, frames passed through as decoded ('all'), PPM images to stdout. */
export function buildDecodeArgs(path: string, fps: number | 'all', longSide: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-i',
    path,
    '-vf',
    decodeFilter(fps, longSide),
    ...(fps === 'all' ? ['-fps_mode', 'passthrough'] : []),
    '-f',
    'image2pipe',
    '-c:v',
    'ppm',
    'pipe:1',
  ];
}

/** Splits a stream of binary PPM (P6, maxval 255) images into frames. */
export function parsePpmStream(buf: Buffer): Frame[] {
  const frames: Frame[] = [];
  let i = 0;
  while (i < buf.length) {
    const fields: string[] = [];
    while (fields.length < 4) {
      while (i < buf.length && /\s/.test(String.fromCharCode(buf[i] as number))) i++;
      let tok = '';
      while (i < buf.length && !/\s/.test(String.fromCharCode(buf[i] as number)))
        tok += String.fromCharCode(buf[i++] as number);
      if (tok === '') break;
      fields.push(tok);
    }
    if (fields.length < 4 || fields[0] !== 'P6') throw new Error('malformed PPM stream from ffmpeg');
    i++; // the single whitespace byte after maxval
    const width = Number(fields[1]);
    const height = Number(fields[2]);
    const size = width * height * 3;
    frames.push({ width, height, channels: 3, data: new Uint8Array(buf.subarray(i, i + size)) });
    i += size;
  }
  return frames;
}

/** Decodes a video file (or a single image file) into RGB frames with one ffmpeg child process. */
export function decodeVideoFfmpeg(
  path: string,
  fps: number | 'all' = 2,
  longSide = 448,
  ffmpegPath = 'ffmpeg',
): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, buildDecodeArgs(path, fps, longSide), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg exited with ${code}: ${err.trim().slice(0, 500)}`));
      try {
        resolve(parsePpmStream(Buffer.concat(out)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
