import path from 'node:path';
import { stampedStart } from '../../../functions/shared/src/clip-identity';
import { checkMp4File } from '../../../functions/capture/src/adapters/mp4-file';

/** One recorded clip on the timeline: its start (the file's UTC stamp, whole seconds) and media length. */
export interface TimelineClip {
  path: string;
  startMs: number;
  durationMs: number;
}

/** A camera's clips in time order, from the files capture placed (start = name stamp, length = the MP4's own). */
export async function cameraTimeline(clipsDir: string, clips: string[], cameraId: string): Promise<TimelineClip[]> {
  const out: TimelineClip[] = [];
  for (const rel of clips.filter((c) => c.startsWith(`${cameraId}/`))) {
    const start = stampedStart(rel);
    const check = await checkMp4File(path.join(clipsDir, rel));
    if (start && check.ok) out.push({ path: rel, startMs: start.getTime(), durationMs: check.durationMs });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/**
 * The largest hole between consecutive clips (ms). Stamps are whole seconds (`clipStamp`), so a
 * hole is measured to within 1 s.
 */
export function largestGapMs(t: readonly TimelineClip[]): { gapMs: number; after?: string } {
  let best: { gapMs: number; after?: string } = { gapMs: 0 };
  for (let i = 1; i < t.length; i++) {
    const gap = t[i]!.startMs - (t[i - 1]!.startMs + t[i - 1]!.durationMs);
    if (gap > best.gapMs) best = { gapMs: gap, after: t[i - 1]!.path };
  }
  return best;
}

/** Runs of sub-second clips in a row (a segmenter burst) other than the very last clip (the stop's). */
export function subSecondBursts(t: readonly TimelineClip[]): string[][] {
  const runs: string[][] = [];
  let cur: string[] = [];
  for (const c of t.slice(0, -1)) {
    if (c.durationMs < 1000) cur.push(c.path);
    else {
      if (cur.length > 1) runs.push(cur);
      cur = [];
    }
  }
  if (cur.length > 1) runs.push(cur);
  return runs;
}
