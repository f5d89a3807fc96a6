import { MODEL_CLIP_STRIP, modelClipEncoderOptions, THUMB_HEIGHT, THUMB_WIDTH } from '../../../shared/src/model-clip';
import { zoneOverlayFilter } from '../../../shared/src/zones/filter';

/** How frames are picked from a clip (VIDEO_SAMPLING). */
export type Sampling = 'fps' | 'keyframes';

export interface FrameArgsOptions {
  sampling: Sampling;
  /**
   * A clip shorter than one model frame (the last sliver a stop or a dropped stream cuts, issue
   * #26.6): judged on the frame it has. See `SLIVER_SAMPLE`.
   */
  sliver?: boolean | undefined;
  /** Frames per second for `fps` sampling. */
  fps: number;
  /** Long side of the output frames; never upscaled. */
  maxSide: number;
  /** mjpeg quality, 2 (best) … 31. @default 5 */
  quality?: number;
  /**
   * The camera's zone overlay PNG arrives on stdin (shared/src/zones): composited into the
   * model's frames only, never into the evidence. A pipe, not a file: inference mounts CLIPS_DIR
   * read-only.
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
 * Input options every ffmpeg read of a clip gets (issue #18.4): the demuxer is forced to
 * mov/mp4 (`-f mov`), so a file whose bytes are, e.g., an HLS playlist saved as `.mp4` is a
 * demux error instead of a list of other files to open; and `-protocol_whitelist file` keeps
 * any nested reference on the local-file protocol (ffmpeg docs, "Protocol Options"). The mov
 * demuxer does not follow external data references unless `-enable_drefs 1`
 * (libavformat/mov.c, option default 0).
 */
export const SAFE_INPUT_ARGS: readonly string[] = ['-protocol_whitelist', 'file', '-f', 'mov'];

/**
 * Qwen3-VL's video processor needs at least `temporal_patch_size` = 2 frames: transformers
 * `video_processing_qwen3_vl.py` `smart_resize` raises "t:1 must be larger than temporal_factor:2"
 * (vLLM answers 400; simulator/vllm/src/core/qwen-vl.ts reproduces it).
 */
export const MIN_VIDEO_FRAMES = 2;

/**
 * The sliver variant of the sampling filter. `fps=F` drops a clip shorter than one output frame
 * altogether (its default `eof_action=round`; measured on 5.1.9: a 240 ms clip → 0 frames at 2 fps);
 * `eof_action=pass` keeps the frame it has (ffmpeg-filters "fps": "pass the next frame through at
 * EOF"), and `tpad=stop=1:stop_mode=clone` repeats the last frame once (ffmpeg-filters "tpad"), so
 * the clip has the `MIN_VIDEO_FRAMES` the model needs: the sliver is judged on its own frame.
 * Only for clips that gave fewer frames the normal way: every other clip keeps its exact count.
 */
const SLIVER_SAMPLE = ':eof_action=pass,tpad=stop=1:stop_mode=clone';

function samplingArgs(
  input: string,
  opts: FrameArgsOptions & { maxSeconds?: number },
): { before: string[]; filter: string } {
  const limit = opts.maxSeconds === undefined ? [] : ['-t', String(opts.maxSeconds)];
  // `-t` as an input option stops the demuxer there: memory and time per prepare are bounded
  // by CLIP_MAX_SECONDS whatever the file claims (issue #18.3).
  if (opts.sampling === 'keyframes') {
    // eof_action=pass keeps the last keyframe (plain fps=1 drops it: 4 frames from a 5 s clip, not 5).
    return {
      before: ['-skip_frame', 'nokey', ...SAFE_INPUT_ARGS, ...limit, '-i', input],
      filter: `fps=1${opts.sliver ? SLIVER_SAMPLE : ':eof_action=pass'},${scaleFilter(opts.maxSide)}`,
    };
  }
  return {
    before: [...SAFE_INPUT_ARGS, ...limit, '-i', input],
    filter: `fps=${opts.fps}${opts.sliver ? SLIVER_SAMPLE : ''},${scaleFilter(opts.maxSide)}`,
  };
}

/**
 * The zone overlay (issue #15): the PNG on stdin is a second input (it must come before any
 * output option), and the graph becomes `[0:v]<sample>[v];[v][1:v]overlay…[vz]`: drawn after
 * sampling and scaling, so only the few frames sent are composited.
 */
function overlayInput(opts: Pick<FrameArgsOptions, 'overlayOnStdin'>): readonly string[] {
  return opts.overlayOnStdin ? OVERLAY_STDIN_INPUT : [];
}
function overlayGraph(filter: string): string[] {
  return ['-filter_complex', `[0:v:0]${filter}[v];${zoneOverlayFilter('v', '1:v', 'vz')}`, '-map', '[vz]'];
}

/**
 * One ffmpeg spawn: decode → sample → scale → JPEG frames on stdout (image2pipe), for
 * VIDEO_INPUT=images. `keyframes` decodes keyframes only (`-skip_frame nokey`, docs/architecture.md §5: ~4.7×
 * cheaper; 1 fps with the recorder's 1 s GOP).
 */
export function buildFrameArgs(input: string, opts: FrameArgsOptions & { maxSeconds?: number }): string[] {
  const quality = String(opts.quality ?? 5);
  const { before, filter } = samplingArgs(input, opts);
  const graph = opts.overlayOnStdin ? overlayGraph(filter) : ['-vf', filter];
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...before,
    ...overlayInput(opts),
    ...graph,
    '-an',
    '-sn',
    '-dn',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    quality,
    'pipe:1',
  ];
}

/** The frame rate of the model clip a sampling produces (keyframes: 1 fps with a 1 s GOP). */
export function modelClipFps(sampling: Sampling, fps: number): number {
  return sampling === 'keyframes' ? 1 : fps;
}

/**
 * One ffmpeg spawn: clip → the "model clip" (agreed media contract): H.264 yuv420p, constant
 * frame rate = the sampling rate, long side ≤ maxSide with even sizes, no B-frames, moov at the
 * front (`+faststart`, a regular seekable file, not fragmented), no audio, and `bitexact` with
 * metadata stripped so the same input gives the same bytes (few-shot files, content-hash
 * uuids). H.264 in MP4 is what vLLM's OpenCV video loader decodes (cv2.VideoCapture over
 * FFmpeg), the path the Qwen3-VL README shows for vLLM (`data:video/mp4` / `file://`).
 * `output` must be a seekable file: faststart rewrites the file after encoding.
 */
export function buildModelClipArgs(
  input: string,
  output: string,
  opts: FrameArgsOptions & { maxSeconds?: number; thumbs?: boolean },
): string[] {
  const { before, filter } = samplingArgs(input, opts);
  const rate = String(modelClipFps(opts.sampling, opts.fps));
  if (opts.thumbs) return withThumbs(before, filter, rate, output, opts);
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...before,
    ...overlayInput(opts),
    ...(opts.overlayOnStdin ? [] : ['-map', '0:v:0']),
    ...MODEL_CLIP_STRIP,
    ...(opts.overlayOnStdin ? overlayGraph(filter) : ['-vf', filter]),
    ...modelClipEncoderOptions(rate),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    output,
  ];
}

/** The model clip's encoder options (one output's worth; they apply to the next output named). */
function modelClipOutput(rate: string, output: string): string[] {
  return [...MODEL_CLIP_STRIP, ...modelClipEncoderOptions(rate), '-movflags', '+faststart', '-f', 'mp4', '-y', output];
}

/**
 * The model clip plus its thumbnails (issue #13: the unchanged-scene gate's input) from the SAME
 * spawn: the sampled (and zone-drawn) stream is split; the second branch is scaled to
 * THUMB_WIDTH × THUMB_HEIGHT 8-bit gray and written raw to stdout, one frame per model-clip
 * frame (same CFR rate), the layout capture writes (shared/src/model-clip.ts).
 */
function withThumbs(before: string[], filter: string, rate: string, output: string, opts: FrameArgsOptions): string[] {
  const sampled = opts.overlayOnStdin
    ? `[0:v:0]${filter}[v];${zoneOverlayFilter('v', '1:v', 'vz')};[vz]`
    : `[0:v:0]${filter},`;
  const graph = `${sampled}split=2[m][t];[t]scale=${THUMB_WIDTH}:${THUMB_HEIGHT},format=gray[g]`;
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...before,
    ...overlayInput(opts),
    '-filter_complex',
    graph,
    '-map',
    '[m]',
    ...modelClipOutput(rate, output),
    '-map',
    '[g]',
    '-fps_mode',
    'cfr',
    '-r',
    rate,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    'pipe:1',
  ];
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
