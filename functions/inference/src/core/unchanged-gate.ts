/**
 * The unchanged-scene gate (issue #13 part 4: Frigate's motion-first idea, made safe). Pure.
 * A clip may skip the model only when its thumbnails barely differ from those of the LAST
 * JUDGED clip of its camera AND that judgement was `safe`, is recent (measured from the judged
 * clip, so skips never chain past the bound), and no incident is open on the camera.
 * Everything else is judged: the gate can only save GPU time, never hide a hazard for long.
 */
export interface LastJudged {
  jobId: string;
  status: string;
  /** The judged clip's start (ms since epoch): ages are clip time, not processing time. */
  at: number;
  thumbs: Uint8Array[];
}

export interface GateInput {
  thumbs: readonly Uint8Array[] | undefined;
  /** This clip's start (ms since epoch). */
  at: number;
  last: LastJudged | undefined;
  incidentOpen: boolean;
}

export interface GateOptions {
  /**
   * UNCHANGED_THRESHOLD: gray levels (0–255) a thumbnail pixel must change by to count as
   * changed. A clip is unchanged only when NO pixel of any frame changed by more.
   */
  threshold: number;
  /** UNCHANGED_MAX_SKIP_SECONDS, in ms. */
  maxSkipMs: number;
}

export type GateDecision =
  | { skip: true; repeats: string; difference: number }
  | {
      skip: false;
      why: 'no-thumbs' | 'no-history' | 'not-safe' | 'incident-open' | 'too-old' | 'changed';
      difference?: number;
    };

export function decideUnchanged(input: GateInput, o: GateOptions): GateDecision {
  const { thumbs, last } = input;
  if (!thumbs || thumbs.length === 0) return { skip: false, why: 'no-thumbs' };
  if (!last || last.thumbs.length === 0) return { skip: false, why: 'no-history' };
  if (last.status !== 'safe') return { skip: false, why: 'not-safe' };
  if (input.incidentOpen) return { skip: false, why: 'incident-open' };
  const age = input.at - last.at;
  // a clip older than the judged one (out of order) or past the bound is judged
  if (age < 0 || age >= o.maxSkipMs) return { skip: false, why: 'too-old' };
  const difference = thumbsDifference(thumbs, last.thumbs);
  if (difference > o.threshold) return { skip: false, why: 'changed', difference };
  return { skip: true, repeats: last.jobId, difference };
}

/**
 * The LARGEST absolute gray-level change of any thumbnail pixel, over the frame pairs both clips
 * have (by index). A maximum, not a mean: a worker walking into one corner changes a few of the
 * 576 pixels a lot, which a frame mean would dilute below camera noise (measured: a mean of 0.70
 * for a hazard entering an empty view, under the 0.6–1.3 clip-to-clip mean of a busy scene).
 * This is Frigate's motion test in miniature: per-pixel difference against a threshold
 * (`motion.threshold`, default 30 on 0–255) with a minimum changed area (`contour_area`, default
 * 10 px at `frame_height` 100, which is under one pixel at our 18 px height), from
 * blakeblackshear/frigate `frigate/config/camera/motion.py`. Each thumbnail pixel averages a
 * ≈ 40 × 40 px block of the 720p frame, which averages sensor noise down, so a lower threshold
 * than Frigate's stays quiet. Frames of unequal size count as fully changed (255).
 */
export function thumbsDifference(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 255;
  let worst = 0;
  for (let f = 0; f < n; f++) worst = Math.max(worst, frameDifference(a[f]!, b[f]!));
  return worst;
}

export function frameDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return 255;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
