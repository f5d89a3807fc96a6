import fs from 'node:fs/promises';
import path from 'node:path';
import { modelListPast, modelStartPassed, pairModelSegment, type TimedSegment } from '../core/model-pairing';
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
  ) {}

  /**
   * @param n the evidence segment's position in the run's list; called in list order
   * @param evidence the staged evidence segment (still in the run folder)
   */
  async pair(n: number, evidence: SegmentEntry): Promise<Pairing> {
    const models = await this.clips.until(
      (ms) =>
        modelListPast(evidence, ms, this.tolerance) ||
        modelStartPassed(n, evidence, ms, this.tolerance) ||
        pairModelSegment(n, evidence, ms, this.tolerance) !== undefined,
      this.waitMs,
    );
    const j = pairModelSegment(n, evidence, models, this.tolerance);
    let pairing: Pairing = { missed: missedReason(evidence, models, this.waitMs) };
    if (j !== undefined) {
      this.used.add(j);
      const thumbs = await this.thumbs.nth(j, this.waitMs);
      pairing = { model: { clip: path.basename(models[j]!.file), thumbs: thumbs && path.basename(thumbs.file) } };
    }
    await this.dropUnused(models, evidence.end + this.tolerance);
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

/** Why no model segment paired, with the windows compared, so a GOP out of phase shows in the log. */
function missedReason(evidence: SegmentEntry, models: readonly SegmentEntry[], waitMs: number): string {
  const near = models.reduce<SegmentEntry | undefined>(
    (best, m) => (best === undefined || Math.abs(m.end - evidence.end) < Math.abs(best.end - evidence.end) ? m : best),
    undefined,
  );
  const w = (s: TimedSegment) => `[${s.start.toFixed(2)}, ${s.end.toFixed(2)}]`;
  return (
    `${PAIRING_MISSED} ${w(evidence)} s within ${waitMs} ms ` +
    `(${models.length} listed${near ? `, nearest ${w(near)}` : ''})`
  );
}

/** Crash recovery: the same pairing over a finished run's whole lists. */
export function pairRecovered(
  evidence: readonly SegmentEntry[],
  models: readonly SegmentEntry[],
  tolerance: number,
): (number | undefined)[] {
  return evidence.map((e, n) => pairModelSegment(n, e, models, tolerance));
}
