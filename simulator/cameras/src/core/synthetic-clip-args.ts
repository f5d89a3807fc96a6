import { encoderArgs } from './render-args';

/** A synthetic clip from an ffmpeg lavfi source: what tests, benchmarks and `npm run doctor` need. */
export interface SyntheticClipOptions {
  /** The lavfi source and its own options, without size/rate/duration: `testsrc2` (default), `color=c=0x808080`. */
  readonly source?: string;
  /** @default 3 */
  readonly seconds?: number;
  /** @default 320 */
  readonly width?: number;
  /** @default 180 */
  readonly height?: number;
  /** Also the GOP: one keyframe a second, as the recorder cuts. @default 25 */
  readonly fps?: number;
  /** An extra `-vf` filter chain (noise, scale …). */
  readonly filter?: string;
  /** Stop after this many frames. */
  readonly frames?: number;
  /** @default 'ultrafast' (small test clips); the scenes use 'veryfast' */
  readonly preset?: string;
  /** `moov` first, as a browser wants; the default is the segmenter's `moov` at the end. */
  readonly faststart?: boolean;
  /** `hevc`: as capture records an HEVC camera (stream copy tagged hvc1, capture/src/core/recorder-args.ts). @default 'h264' */
  readonly codec?: 'h264' | 'hevc';
  /** @default 'mp4' (by the file name); 'mpegts' forces an MPEG-TS stream whatever the name */
  readonly container?: 'mp4' | 'mpegts';
}

/**
 * The ffmpeg argv for a synthetic H.264 clip, encoded as rtsp-sim encodes its scenes
 * ({@link encoderArgs}: 1 s GOP, no B-frames), so it cuts and decodes like a recorded one.
 */
export function syntheticClipArgs(out: string, o: SyntheticClipOptions = {}): string[] {
  const { source = 'testsrc2', seconds = 3, width = 320, height = 180, fps = 25 } = o;
  // lavfi: `name=opt=v:opt=v`; a source given with options of its own takes the rest after ':'
  const input = `${source}${source.includes('=') ? ':' : '='}s=${width}x${height}:r=${fps}:d=${seconds}`;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', input],
    ...(o.filter ? ['-vf', o.filter] : []),
    ...(o.frames === undefined ? [] : ['-frames:v', String(o.frames)]),
    ...(o.codec === 'hevc'
      ? ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-preset', o.preset ?? 'ultrafast']
      : encoderArgs(fps, o.preset ?? 'ultrafast')),
    ...(o.codec === 'hevc' ? ['-pix_fmt', 'yuv420p', '-g', String(fps)] : []),
    ...(o.faststart ? ['-movflags', '+faststart'] : []),
    ...(o.container === 'mpegts' ? ['-f', 'mpegts'] : []),
    out,
  ];
}
