/**
 * Time-varying geometry: piecewise-linear keyframe tracks and [from, to) intervals. The same
 * values feed the ffmpeg filter expressions and the ground truth, so both agree by construction.
 */

/** A keyframe: at time `t` (s) the shape's top-left corner is at (x, y) (reference px). */
export type Keyframe = readonly [t: number, x: number, y: number];
/** Positions between keyframes are linear; before the first / after the last they hold. */
export type Track = readonly Keyframe[];
/** Half-open time interval [from, to) in seconds. */
export type Interval = readonly [from: number, to: number];

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A track that never moves. */
export function still(x: number, y: number): Track {
  return [[0, x, y]];
}

/** Position on a track at time t. */
export function positionAt(track: Track, t: number): { x: number; y: number } {
  const first = track[0];
  if (!first) throw new Error('empty track');
  if (t <= first[0]) return { x: first[1], y: first[2] };
  for (let i = 1; i < track.length; i++) {
    const a = track[i - 1]!;
    const b = track[i]!;
    if (t < b[0]) {
      const f = (t - a[0]) / (b[0] - a[0]);
      return { x: a[1] + (b[1] - a[1]) * f, y: a[2] + (b[2] - a[2]) * f };
    }
  }
  const last = track[track.length - 1]!;
  return { x: last[1], y: last[2] };
}

export function inIntervals(intervals: readonly Interval[], t: number): boolean {
  return intervals.some(([a, b]) => t >= a && t < b);
}

/** `whole` minus the union of `holes`, as sorted disjoint intervals. */
export function subtractIntervals(whole: Interval, holes: readonly Interval[]): Interval[] {
  let out: Interval[] = [whole];
  for (const [ha, hb] of holes) {
    out = out.flatMap(([a, b]): Interval[] => {
      if (hb <= a || ha >= b) return [[a, b]];
      const parts: Interval[] = [];
      if (ha > a) parts.push([a, ha]);
      if (hb < b) parts.push([hb, b]);
      return parts;
    });
  }
  return out;
}

export function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Shortest distance between two boxes' edges (0 when they touch or overlap). */
export function gap(a: Box, b: Box): number {
  const dx = Math.max(0, a.x - (b.x + b.w), b.x - (a.x + a.w));
  const dy = Math.max(0, a.y - (b.y + b.h), b.y - (a.y + a.h));
  return Math.hypot(dx, dy);
}

/** Formats a number for an ffmpeg expression: short, no exponent, no `-0`. */
export function num(v: number): string {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * One coordinate of a track as an ffmpeg expression in `t`: nested `if(lt(t,tk), lerp, …)`.
 * `pick` selects x or y, already scaled to the output frame.
 */
export function trackExpr(track: Track, pick: (k: Keyframe) => number): string {
  const first = track[0];
  if (!first) throw new Error('empty track');
  if (track.length === 1) return num(pick(first));
  let expr = num(pick(track[track.length - 1]!));
  for (let i = track.length - 1; i >= 1; i--) {
    const a = track[i - 1]!;
    const b = track[i]!;
    const va = pick(a);
    const slope = (pick(b) - va) / (b[0] - a[0]);
    const seg = slope === 0 ? num(va) : `${num(va)}+${num(slope)}*(t-${num(a[0])})`;
    expr = `if(lt(t,${num(b[0])}),${seg},${expr})`;
  }
  return `if(lt(t,${num(first[0])}),${num(pick(first))},${expr})`;
}

/** `enable` expression true inside any of the intervals (half-open, so hand-overs never overlap). */
export function intervalsExpr(intervals: readonly Interval[]): string {
  if (intervals.length === 0) return '0';
  return intervals.map(([a, b]) => `gte(t,${num(a)})*lt(t,${num(b)})`).join('+');
}
