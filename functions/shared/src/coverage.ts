/**
 * Coverage of a camera (issue #26.7): seconds of video judged ÷ seconds elapsed in a window, and the
 * holes as intervals with their cause. Pure: the judged windows come from verdict.created
 * (`capturedAt` + `durationMs`, kept by alerts), the causes from the marks capture writes when a
 * recorder stops or a clip is refused (keys.ts `coverageJudged`, `coverageMarks`).
 */

/** Why recording stopped: the camera failed (dropped, stalled, clock jump), capture restarted its recorder, or a clip was refused. */
export const GAP_CAUSES = ['camera-offline', 'recorder-restart', 'clip-refused', 'unknown'] as const;
export type GapCause = (typeof GAP_CAUSES)[number];

export interface CoverageMark {
  at: number;
  cause: Exclude<GapCause, 'unknown'>;
}

export interface CoverageGap {
  from: number;
  to: number;
  seconds: number;
  cause: GapCause;
}

export interface Coverage {
  from: number;
  to: number;
  judgedSeconds: number;
  /** judged ÷ elapsed, 0…1 (1 for an empty window). */
  ratio: number;
  gaps: CoverageGap[];
}

/** A hole shorter than this is clip-boundary jitter (stamps are whole seconds), not a gap. */
export const MIN_GAP_MS = 1500;

/** A mark this long before a hole still explains it (the stop is marked as the last clip is cut). */
const MARK_SLACK_MS = 2000;

/** Which cause wins when several marks fall in one hole: the camera's own failure first. */
const PRIORITY: Record<GapCause, number> = {
  'camera-offline': 0,
  'clip-refused': 1,
  'recorder-restart': 2,
  unknown: 3,
};

/** Parses `<startMs>-<endMs>` members (coverageJudged). */
export function parseJudged(member: string): { start: number; end: number } | undefined {
  const m = /^(\d+)-(\d+)$/.exec(member);
  return m ? { start: Number(m[1]), end: Number(m[2]) } : undefined;
}

/** Parses `<atMs>:<cause>` members (coverageMarks). */
export function parseMark(member: string): CoverageMark | undefined {
  const m = /^(\d+):([a-z-]+)$/.exec(member);
  const cause = m?.[2] as GapCause | undefined;
  return m && cause && cause !== 'unknown' && GAP_CAUSES.includes(cause) ? { at: Number(m[1]), cause } : undefined;
}

/** The stretches of `window` no judged window covers, in time order (every one, however short). */
export function coverageHoles(
  window: { from: number; to: number },
  judged: readonly { start: number; end: number }[],
): { holes: { from: number; to: number }[]; coveredMs: number } {
  const { from, to } = window;
  const spans = judged
    .map((j) => ({ start: Math.max(from, j.start), end: Math.min(to, j.end) }))
    .filter((j) => j.end > j.start)
    .sort((a, b) => a.start - b.start);
  let covered = 0;
  let cursor = from;
  const holes: { from: number; to: number }[] = [];
  for (const s of spans) {
    if (s.start > cursor) holes.push({ from: cursor, to: s.start });
    if (s.end > cursor) {
      covered += s.end - Math.max(cursor, s.start);
      cursor = s.end;
    }
  }
  if (to > cursor) holes.push({ from: cursor, to });
  return { holes, coveredMs: covered };
}

export function computeCoverage(
  window: { from: number; to: number },
  judged: readonly { start: number; end: number }[],
  marks: readonly CoverageMark[] = [],
): Coverage {
  const { from, to } = window;
  const { holes, coveredMs: covered } = coverageHoles(window, judged);
  const elapsed = to - from;
  const gaps = holes
    .filter((h) => h.to - h.from >= MIN_GAP_MS)
    .map((h) => ({ ...h, seconds: (h.to - h.from) / 1000, cause: causeOf(h, marks) }));
  return { from, to, judgedSeconds: covered / 1000, ratio: elapsed > 0 ? covered / elapsed : 1, gaps };
}

function causeOf(hole: { from: number; to: number }, marks: readonly CoverageMark[]): GapCause {
  let best: GapCause = 'unknown';
  for (const m of marks)
    if (m.at >= hole.from - MARK_SLACK_MS && m.at <= hole.to && PRIORITY[m.cause] < PRIORITY[best]) best = m.cause;
  return best;
}
