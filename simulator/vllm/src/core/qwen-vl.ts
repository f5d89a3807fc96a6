/**
 * Qwen3-VL's video path in vLLM v0.12.0, reduced to what decides the prompt: which frames the
 * processor keeps, their timestamps, the resized frame size, and the placeholder tokens that
 * replace `<|vision_start|><|video_pad|><|vision_end|>`. Sources (line numbers at the v0.12.0 tag,
 * audit 2026-12 §3): vllm/model_executor/models/qwen3_vl.py `_get_vision_info` (:624-672),
 * `_calculate_timestamps` (:711-724), `_get_video_second_idx` (:726-763), the processor call
 * (:908-925) and the per-group placeholder (:1039-1063); transformers
 * `video_processing_qwen3_vl.py` (`sample_frames`, `smart_resize`).
 */
import { SPECIAL } from './qwen-tokenizer';

export const PATCH_PX = 32; // patch_size 16 × spatial_merge_size 2
export const TEMPORAL_PATCH = 2;
/** Qwen3-VL-8B `video_preprocessor_config.json`: size.longest_edge (over ALL frames) and shortest_edge. */
export const VIDEO_MAX_PIXELS = 24576 * 32 * 32;
export const VIDEO_MIN_PIXELS = 4096;
/** HF Qwen3VLVideoProcessor defaults used by `sample_frames`. */
export const SAMPLER = { fps: 2, minFrames: 4, maxFrames: 768 } as const;

/** An error the processor raises, with the HTTP status vLLM answers for it. */
export class ProcessorError extends Error {
  constructor(
    readonly status: 400 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'ProcessorError';
  }
}

/** Python's `f"{x:.1f}"`: exact decimal value, ties to even (JS `toFixed` sends ties up: 0.25 → "0.3"). */
export function pyFixed1(x: number): string {
  const isTie = Number.isInteger(x * 4) && !Number.isInteger(x * 2); // .25 / .75: exactly half a tenth
  if (!isTie) return x.toFixed(1);
  const lower = Math.floor(x * 10);
  return ((lower % 2 === 0 ? lower : lower + 1) / 10).toFixed(1);
}

/** numpy's `round` (half to even). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** transformers Qwen3-VL video `smart_resize`: sides to the NEAREST multiple of 32, pixel budget over all frames. */
export function videoSmartResize(frames: number, width: number, height: number): { width: number; height: number } {
  if (frames < TEMPORAL_PATCH)
    throw new ProcessorError(400, `t:${frames} must be larger than temporal_factor:${TEMPORAL_PATCH}`);
  const f = PATCH_PX;
  let w = Math.max(f, Math.round(width / f) * f);
  let h = Math.max(f, Math.round(height / f) * f);
  const tBar = Math.ceil(frames / TEMPORAL_PATCH) * TEMPORAL_PATCH;
  if (tBar * h * w > VIDEO_MAX_PIXELS) {
    const beta = Math.sqrt((frames * height * width) / VIDEO_MAX_PIXELS);
    h = Math.max(f, Math.floor(height / beta / f) * f);
    w = Math.max(f, Math.floor(width / beta / f) * f);
  } else if (tBar * h * w < VIDEO_MIN_PIXELS) {
    const beta = Math.sqrt(VIDEO_MIN_PIXELS / (frames * height * width));
    h = Math.ceil((height * beta) / f) * f;
    w = Math.ceil((width * beta) / f) * f;
  }
  return { width: w, height: h };
}

/** What vLLM's OpenCV loader hands the processor (vllm/multimodal/video.py:184-193 at v0.12.0). */
export interface LoadedVideo {
  /** CAP_PROP_FRAME_COUNT: the header's frame count. */
  readonly totalFrames: number;
  /** CAP_PROP_FPS: the header's rate (may be 2.02 for a container that rounds its timebase). */
  readonly fps: number;
  /** Frames actually decoded (broken ones are dropped with a warning since v0.12.0, vllm#29001). */
  readonly decodedFrames: number;
  readonly width: number;
  readonly height: number;
}

/** `mm_processor_kwargs` fields that change the video path. */
export interface VideoKwargs {
  readonly doSampleFrames?: boolean | undefined;
  readonly fps?: number | undefined;
}

/** The processed video: decoded-frame positions kept, their timestamps (s), and the token grid. */
export interface ProcessedVideo {
  readonly keep: readonly number[];
  readonly timestamps: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly tokensPerGroup: number;
}

/**
 * The processor's choice of frames. `do_sample_frames` comes from the request, else from the
 * loader's metadata (`valid == total`, video.py:192). Sampling (HF `sample_frames`) takes
 * `int(total / header_fps × fps)` frames clamped to [min_frames, max_frames] and the total, at
 * `linspace(0, total-1, n).round()` — indices into the HEADER's numbering, so with a dropped frame it
 * indexes past the decoded array (numpy IndexError → 500; modelled from the source, not observed).
 * Without sampling every decoded frame is kept (the note at qwen3_vl.py:908-911 asks for this with
 * presampled videos).
 */
export function processVideo(v: LoadedVideo, kw: VideoKwargs): ProcessedVideo {
  const doSample = kw.doSampleFrames ?? v.decodedFrames === v.totalFrames;
  let indices: number[];
  if (doSample) {
    const sampledFps = kw.fps !== undefined && kw.fps > 0 ? kw.fps : SAMPLER.fps;
    const wanted = Math.trunc((v.totalFrames / v.fps) * sampledFps);
    const n = Math.min(Math.min(Math.max(wanted, SAMPLER.minFrames), SAMPLER.maxFrames), v.totalFrames);
    const step = n > 1 ? (v.totalFrames - 1) / (n - 1) : 0;
    indices = Array.from({ length: n }, (_, i) => roundHalfEven(i * step));
    const beyond = indices.find((i) => i >= v.decodedFrames);
    if (beyond !== undefined)
      throw new ProcessorError(500, `index ${beyond} is out of bounds for axis 0 with size ${v.decodedFrames}`);
  } else {
    indices = Array.from({ length: v.decodedFrames }, (_, i) => i);
  }
  const size = videoSmartResize(indices.length, v.width, v.height);
  return {
    keep: indices,
    timestamps: groupTimestamps(indices, v.fps),
    ...size,
    tokensPerGroup: (size.width / PATCH_PX) * (size.height / PATCH_PX),
  };
}

/** `_calculate_timestamps`: pad to whole groups with the last index, then the mean of idx/fps per group. */
export function groupTimestamps(indices: readonly number[], fps: number): number[] {
  const padded = [...indices];
  while (padded.length % TEMPORAL_PATCH !== 0) padded.push(padded[padded.length - 1] as number);
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += TEMPORAL_PATCH)
    out.push(((padded[i] as number) / fps + (padded[i + TEMPORAL_PATCH - 1] as number) / fps) / 2);
  return out;
}

/**
 * The placeholder one video expands to: per group `<t seconds>` (Python `.1f`), vision start,
 * `tokensPerGroup` × video pad, vision end (qwen3_vl.py:1039-1051). "<0.2 seconds>" is 6 tokens,
 * so a group costs 8 tokens beyond its patches (7 + 2 from 10 s on).
 */
export function videoPlaceholderIds(p: ProcessedVideo, encode: (text: string) => readonly number[]): number[] {
  const ids: number[] = [];
  for (const t of p.timestamps) {
    ids.push(...encode(`<${pyFixed1(t)} seconds>`), SPECIAL.visionStart);
    for (let i = 0; i < p.tokensPerGroup; i++) ids.push(SPECIAL.videoPad);
    ids.push(SPECIAL.visionEnd);
  }
  return ids;
}
