/**
 * Checks on operator-drawn zones and operator text (issue #28.3 and #28.10), pure.
 *
 * Text: names are NFC-normalised (so `café` typed two ways is one name) and may hold no control
 * characters (C0/C1: NUL, BEL, newlines), no format characters (Unicode category Cf: bidi
 * overrides such as U+202E, zero-width spaces, joiners) and no line/paragraph separators: a name
 * is one visible line, shown as written on /cameras and in the model's prompt.
 */
const UNSEEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** NFC, trimmed. */
export function normaliseName(s: string): string {
  return s.normalize('NFC').trim();
}

/** Why a name cannot be shown as one visible line, or undefined when it can. */
export function nameProblem(s: string): string | undefined {
  const bad = UNSEEN.exec(s);
  if (bad)
    return `holds an invisible or control character (U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

/**
 * The key two names must not share: compatibility forms (NFKC: full-width `Ａ` is `A`) and case
 * folded, so look-alike duplicates are refused as duplicates.
 */
export function nameKey(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

type Pt = readonly [number, number];

/** Shoelace area, in units of the whole frame (the points are normalised 0..1). */
export function polygonArea(pts: readonly Pt[]): number {
  let twice = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i]!;
    const [x2, y2] = pts[(i + 1) % pts.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Proper or touching intersection of segments ab and cd. */
function segmentsMeet(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (p: Pt, q: Pt, r: Pt) =>
    cross(p, q, r) === 0 &&
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1]);
  return on(c, d, a) || on(c, d, b) || on(a, b, c) || on(a, b, d);
}

/** True when two edges that do not share a vertex meet: the outline crosses or touches itself. */
export function selfIntersects(pts: readonly Pt[]): boolean {
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex
      if (segmentsMeet(pts[i]!, pts[(i + 1) % n]!, pts[j]!, pts[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

/** Smallest zone area, as a share of the frame (0.01 %: about 23 pixels of a 640×360 frame). */
export const MIN_ZONE_AREA = 1e-4;

/** Why a polygon cannot be a zone, or undefined. */
export function polygonProblem(pts: readonly Pt[]): string | undefined {
  // crossing first: a bow-tie's two halves cancel in the shoelace sum, which would misname it flat
  if (selfIntersects(pts)) return 'the polygon crosses itself (draw its outline without crossing lines)';
  if (polygonArea(pts) < MIN_ZONE_AREA) return 'the polygon has (almost) no area';
  return undefined;
}
