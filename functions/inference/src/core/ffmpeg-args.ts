import { zoneOverlayFilter } from '../../../shared/src/zones/filter';

/** How frames are picked from a clip (VIDEO_SAMPLING). */
export type Sampling = 'fps' | 'keyframes';

export interface FrameArgsOptions {
  sampling: Sampling;
  /** Frames per second for `fps` sampling. */
  fps: number;
  /** Long side of the output frames; never upscaled. */
  maxSide: number;
  /** mjpeg quality, 2 (best) … 31. @default 5 */
  quality?: number;
  /**
   * The camera's zone overlay PNG arrives on stdin (shared/src/zones): composited into the
   * model's frames only. A pipe, not a file: inference mounts CLIPS_DIR read-only.
   */
  overlayOnStdin?: boolean | undefined;
}

/**
 * The overlay input: a PNG read from stdin by ffmpeg's `png_pipe` demuxer (one of the
 * image2pipe demuxers, https://ffmpeg.org/ffmpeg-formats.html#image2-1). `-nostdin` only turns
 * off ffmpeg's keyboard interaction; `pipe:0` as an input still reads stdin.
 */
export const OVERLAY_STDIN_INPUT = ['-f', 'png_pipe', '-i', 'pipe:0'] as const;

/** Scales the long side to `maxSide` (never up), keeping the aspect ratio with even sizes. */
export function scaleFilter(maxSide: number): string {
  return `scale=w='if(gte(iw,ih),min(${maxSide},iw),-2)':h='if(gte(iw,ih),-2,min(${maxSide},ih))'`;
}

/**
 * One ffmpeg spawn: decode → sample → scale → JPEG frames on stdout (image2pipe).
 * `keyframes` decodes keyframes only (`-skip_frame nokey`, DESIGN §5: ~4.7× cheaper, 1 fps
 * with a 1 s GOP) and passes them through without duplication.
 */
export function buildFrameArgs(input: string, opts: FrameArgsOptions): string[] {
  const quality = String(opts.quality ?? 5);
  const common = ['-hide_banner', '-nostdin', '-v', 'error'];
  const out = ['-an', '-sn', '-dn', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', quality, 'pipe:1'];
  if (opts.overlayOnStdin) {
    // zones drawn after sampling and scaling: the overlay is composited onto the few frames sent only
    const keyframes = opts.sampling === 'keyframes';
    const sample = keyframes ? scaleFilter(opts.maxSide) : `fps=${opts.fps},${scaleFilter(opts.maxSide)}`;
    return [
      ...common, ...(keyframes ? ['-skip_frame', 'nokey'] : []), '-i', input, ...OVERLAY_STDIN_INPUT,
      '-filter_complex', `[0:v]${sample}[v];${zoneOverlayFilter('v', '1:v', 'vz')}`, '-map', '[vz]',
      ...(keyframes ? ['-fps_mode', 'passthrough'] : []), ...out,
    ];
  }
  if (opts.sampling === 'keyframes') {
    return [...common, '-skip_frame', 'nokey', '-i', input, '-vf', scaleFilter(opts.maxSide), '-fps_mode', 'passthrough', ...out];
  }
  return [...common, '-i', input, '-vf', `fps=${opts.fps},${scaleFilter(opts.maxSide)}`, ...out];
}

/**
 * Splits an MJPEG byte stream into JPEG images. Inside entropy-coded data 0xFF is always
 * stuffed (FF 00), so FF D9 only appears as an end-of-image marker in ffmpeg's output.
 * Returns the complete images and the bytes left over (an incomplete trailing image).
 */
export function splitJpegs(buf: Buffer): { images: Buffer[]; rest: Buffer } {
  const images: Buffer[] = [];
  let start = buf.indexOf(Buffer.from([0xff, 0xd8]));
  if (start < 0) return { images, rest: Buffer.alloc(0) };
  let pos = start + 2;
  for (;;) {
    const end = buf.indexOf(Buffer.from([0xff, 0xd9]), pos);
    if (end < 0) return { images, rest: buf.subarray(start) };
    images.push(buf.subarray(start, end + 2));
    const next = buf.indexOf(Buffer.from([0xff, 0xd8]), end + 2);
    if (next < 0) return { images, rest: Buffer.alloc(0) };
    start = next;
    pos = next + 2;
  }
}

export interface ModelClipArgsOptions {
  fps: number;
  maxSide: number;
  overlayOnStdin?: boolean | undefined;
}

/**
 * A model clip from an evidence clip: sampled at `fps`, scaled, zones composited, H.264 MP4
 * (faststart, so a server can read it from the start). The evidence file is only read.
 */
export function buildModelClipArgs(input: string, output: string, opts: ModelClipArgsOptions): string[] {
  const sample = `fps=${opts.fps},${scaleFilter(opts.maxSide)}`;
  const graph = opts.overlayOnStdin ? ['-filter_complex', `[0:v]${sample}[v];${zoneOverlayFilter('v', '1:v', 'vz')}`, '-map', '[vz]'] : ['-vf', sample, '-map', '0:v'];
  return [
    '-hide_banner', '-nostdin', '-v', 'error', '-i', input, ...(opts.overlayOnStdin ? OVERLAY_STDIN_INPUT : []), ...graph,
    '-an', '-sn', '-dn', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', output,
  ];
}
