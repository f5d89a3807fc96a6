import type { HazardType } from '../../../functions/shared/src/verdict';

export type ExpectedStatus = 'safe' | 'warning' | 'danger';
/** `uncertain`: the answer broke the schema twice; `error`: no answer at all (transport, bad clip). */
export type PredictedStatus = ExpectedStatus | 'uncertain' | 'error';
export const EXPECTED_STATUSES: readonly ExpectedStatus[] = ['safe', 'warning', 'danger'];
export const PREDICTED_STATUSES: readonly PredictedStatus[] = ['safe', 'warning', 'danger', 'uncertain', 'error'];

/** What scoring needs of one clip. */
export interface Scored {
  expected: { status: ExpectedStatus; hazards: readonly HazardType[] };
  predicted: { status: PredictedStatus; hazards: readonly HazardType[] };
}

export interface HazardMetrics {
  /** clips labelled with this hazard (TP + FN) */
  labelled: number;
  tp: number;
  fp: number;
  fn: number;
  /** null when undefined (nothing predicted / nothing labelled / neither) */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Metrics {
  clips: number;
  /** per hazard type that is labelled or predicted at least once, sorted by name */
  perHazard: Record<string, HazardMetrics>;
  micro: { tp: number; fp: number; fn: number; precision: number | null; recall: number | null; f1: number | null };
  /** mean F1 over the hazards in perHazard (each is labelled or predicted, so each F1 is defined) */
  macroF1: number | null;
  /** confusion[expected][predicted] = clips */
  confusion: Record<ExpectedStatus, Record<PredictedStatus, number>>;
  /** danger clips predicted safe */
  missedDanger: number;
  dangerClips: number;
  /** clips whose status or hazard set differs from the label */
  wrong: number;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** F1 as 2TP / (2TP + FP + FN): defined whenever anything was labelled or predicted (0 when TP = 0). */
function f1(tp: number, fp: number, fn: number): number | null {
  return ratio(2 * tp, 2 * tp + fp + fn);
}

/** A clip is wrong when its predicted status or hazard set differs from the label. */
export function isWrong(s: Scored): boolean {
  const p = new Set(s.predicted.hazards);
  const e = new Set(s.expected.hazards);
  return s.predicted.status !== s.expected.status || p.size !== e.size || [...e].some((h) => !p.has(h));
}

/**
 * Per-hazard and overall scores. A hazard is scored per clip (set membership, repeats ignored):
 * labelled and predicted → TP, predicted only → FP, labelled only → FN. An `uncertain` or `error`
 * clip predicts no hazard, so each of its labels is a miss — never silently right.
 */
export function computeMetrics(clips: readonly Scored[]): Metrics {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (h: string, k: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(h) ?? { tp: 0, fp: 0, fn: 0 };
    c[k]++;
    counts.set(h, c);
  };
  const confusion = Object.fromEntries(
    EXPECTED_STATUSES.map((e) => [e, Object.fromEntries(PREDICTED_STATUSES.map((p) => [p, 0]))]),
  ) as Metrics['confusion'];
  let missedDanger = 0;
  let dangerClips = 0;
  let wrong = 0;
  for (const c of clips) {
    const expected = new Set(c.expected.hazards);
    const predicted = new Set(c.predicted.hazards);
    for (const h of expected) bump(h, predicted.has(h) ? 'tp' : 'fn');
    for (const h of predicted) if (!expected.has(h)) bump(h, 'fp');
    confusion[c.expected.status][c.predicted.status]++;
    if (c.expected.status === 'danger') {
      dangerClips++;
      if (c.predicted.status === 'safe') missedDanger++;
    }
    if (isWrong(c)) wrong++;
  }
  const perHazard: Record<string, HazardMetrics> = {};
  for (const h of [...counts.keys()].sort()) {
    const { tp, fp, fn } = counts.get(h)!;
    perHazard[h] = {
      labelled: tp + fn,
      tp,
      fp,
      fn,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      f1: f1(tp, fp, fn),
    };
  }
  const sum = (k: 'tp' | 'fp' | 'fn') => Object.values(perHazard).reduce((s, m) => s + m[k], 0);
  const [tp, fp, fn] = [sum('tp'), sum('fp'), sum('fn')];
  const f1s = Object.values(perHazard)
    .map((m) => m.f1)
    .filter((v): v is number => v !== null);
  return {
    clips: clips.length,
    perHazard,
    micro: { tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: f1(tp, fp, fn) },
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : null,
    confusion,
    missedDanger,
    dangerClips,
    wrong,
  };
}
