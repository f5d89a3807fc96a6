import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { modelListPast, modelStartPassed, pairModelSegment } from '../core/model-pairing';
import type { SegmentEntry } from '../core/segment-list';
import type { ListedSequence } from './model-segments';

/** The staged model files (base names in the run folder) of one evidence segment. */
export interface PairedModel {
  clip: string;
  thumbs?: string | undefined;
}

/** What pair() found: the staged model files, or why there are none (the recorder's warning). */
export type Pairing = { readonly model: PairedModel } | { readonly missed: string };

/**
 * Pairs a live run's evidence segments with its model segments by time (core/model-pairing.ts),
 * in list order, and deletes the model segments no evidence segment took (a GOP that does not
 * divide SEGMENT_SECONDS leaves most of them unused; a run lasts hours, staging must not grow).
 */
export class LiveModelPairer {
  private offset: number | undefined;
  private readonly used = new Set<number>();
  /** Model segments below this index are paired or deleted. */
  private settled = 0;

  constructor(
    private readonly runDir: string,
    private readonly clips: ListedSequence,
    private readonly thumbs: ListedSequence,
    private readonly tolerance: number,
    /** How long a model segment may lag its evidence segment (encoder delay) before it is given up on. */
    private readonly waitMs: number,
    private readonly ffprobePath: string,
  ) {}

  /**
   * @param n the evidence segment's position in the run's list; called in list order
   * @param file the staged evidence file (still in the run folder)
   */
  async pair(n: number, evidence: SegmentEntry): Promise<Pairing> {
    if (n === 0)
      this.offset = await firstDecodedTime(path.join(this.runDir, path.basename(evidence.file)), this.ffprobePath);
    const offset = this.offset;
    if (offset === undefined)
      return { missed: "the run's first frame time is unknown (ffprobe of its first segment failed)" };
    const models = await this.clips.until(
      (ms) =>
        modelListPast(evidence, ms, offset, this.tolerance) ||
        modelStartPassed(n, evidence, ms, offset, this.tolerance) ||
        pairModelSegment(n, evidence, ms, offset, this.tolerance) !== undefined,
      this.waitMs,
    );
    const j = pairModelSegment(n, evidence, models, offset, this.tolerance);
    let pairing: Pairing = { missed: missedReason(n, evidence, models, offset, this.waitMs) };
    if (j !== undefined) {
      this.used.add(j);
      const thumbs = await this.thumbs.nth(j, this.waitMs);
      pairing = { model: { clip: path.basename(models[j]!.file), thumbs: thumbs && path.basename(thumbs.file) } };
    }
    await this.dropUnused(models, evidence.end - offset + this.tolerance);
    return pairing;
  }

  /** Deletes the unpaired model segments (and their thumbnails) that end before `before` (model time). */
  private async dropUnused(models: readonly SegmentEntry[], before: number): Promise<void> {
    for (; this.settled < models.length && models[this.settled]!.end <= before; this.settled++) {
      if (this.used.has(this.settled)) continue;
      const thumbs = await this.thumbs.nth(this.settled, 0);
      for (const f of [models[this.settled]!.file, thumbs?.file])
        if (f) await fs.rm(path.join(this.runDir, path.basename(f)), { force: true });
    }
  }
}

/** How a missed pairing's reason begins (the recorder's warning "segment without a capture-made model clip"). */
export const PAIRING_MISSED = 'no model segment matched its window';

/** Why no model segment paired, with the windows compared (model time), so a GOP out of phase shows in the log. */
function missedReason(
  n: number,
  evidence: SegmentEntry,
  models: readonly SegmentEntry[],
  offset: number,
  waitMs: number,
): string {
  const start = n === 0 ? 0 : evidence.start - offset;
  const end = evidence.end - offset;
  const near = models.reduce<SegmentEntry | undefined>(
    (best, m) => (best === undefined || Math.abs(m.end - end) < Math.abs(best.end - end) ? m : best),
    undefined,
  );
  const w = (a: number, b: number) => `[${a.toFixed(2)}, ${b.toFixed(2)}]`;
  return (
    `${PAIRING_MISSED} ${w(start, end)} s (model time, run offset ${offset.toFixed(2)} s) within ` +
    `${waitMs} ms (${models.length} listed${near ? `, nearest ${w(near.start, near.end)}` : ''})`
  );
}

const run = promisify(execFile);

/**
 * The run offset (core/model-pairing.ts): the time of the first frame the decoder gives from the
 * run's first evidence segment, whose timestamps are still the run's own (the segment muxer
 * resets them by the segment's start, 0 for the first: FFmpeg n5.1 libavformat/segment.c). The
 * recorder's decoder and ffprobe's are the same, so they skip the same leading frames. One short
 * ffprobe per run; undefined (no capture-made model clips this run) when it fails.
 */
export async function firstDecodedTime(file: string, ffprobePath: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(
      ffprobePath,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-read_intervals',
        '%+#1',
        '-show_entries',
        'frame=best_effort_timestamp_time',
        '-of',
        'csv=p=0',
        '-f',
        'mov',
        file,
      ],
      { timeout: 10_000 },
    );
    const t = Number.parseFloat(stdout.trim().split(/[\n,]/)[0] ?? '');
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Crash recovery: the same pairing over a finished run's whole lists (`offset` from its first evidence file). */
export function pairRecovered(
  evidence: readonly SegmentEntry[],
  models: readonly SegmentEntry[],
  offset: number | undefined,
  tolerance: number,
): (number | undefined)[] {
  if (offset === undefined) return evidence.map(() => undefined);
  return evidence.map((e, n) => pairModelSegment(n, e, models, offset, tolerance));
}
