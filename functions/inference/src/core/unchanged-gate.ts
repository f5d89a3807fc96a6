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
  /** UNCHANGED_THRESHOLD: mean absolute gray-level difference (0–255) below which a frame is unchanged. */
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
  if (difference >= o.threshold) return { skip: false, why: 'changed', difference };
  return { skip: true, repeats: last.jobId, difference };
}

/**
 * Per frame pair (by index, over the frames both have) the mean absolute difference of the
 * 32×18 gray pixels; the clip's difference is the LARGEST of them, so a person crossing in one
 * frame of ten is not averaged away. Frames of unequal size count as fully changed (255).
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
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
