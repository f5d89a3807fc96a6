import type { Metrics } from './metrics';

export interface GateOptions {
  /** largest allowed worsening (F1 points, and share of danger clips missed), e.g. 0.05 */
  maxDrop: number;
  /** a hazard's F1 is gated only with at least this many labelled clips (in the current run) @default 5 */
  minLabelled?: number;
}

export interface Regression {
  what: string;
  baseline: number;
  current: number;
  message: string;
}

const fmt = (v: number) => v.toFixed(3);

/**
 * The regression gate. Fails (returns regressions) when, against the baseline:
 * - a hazard with ≥ minLabelled labelled clips lost more than maxDrop F1 (a hazard the baseline
 *   has no F1 for is new: nothing to compare);
 * - the micro F1 (all hazards pooled) lost more than maxDrop, when ≥ minLabelled hazard labels
 *   exist: a small CI set has few clips per hazard, and this still catches a prompt change that
 *   breaks parsing (every answer `uncertain`) or the answers;
 * - the missed-danger share (danger clips predicted safe ÷ danger clips) rose by more than
 *   maxDrop — a share, so one threshold fits sets of any size; the message gives the counts.
 */
export function gate(baseline: Metrics, current: Metrics, o: GateOptions): Regression[] {
  const minLabelled = o.minLabelled ?? 5;
  const out: Regression[] = [];
  const eps = 1e-9;
  for (const [hazard, cur] of Object.entries(current.perHazard)) {
    const base = baseline.perHazard[hazard];
    if (cur.labelled < minLabelled || base?.f1 == null || cur.f1 === null) continue;
    if (base.f1 - cur.f1 > o.maxDrop + eps) {
      out.push({
        what: `f1:${hazard}`,
        baseline: base.f1,
        current: cur.f1,
        message: `${hazard}: F1 ${fmt(base.f1)} → ${fmt(cur.f1)} (−${fmt(base.f1 - cur.f1)} > ${o.maxDrop}; ${cur.labelled} labelled clips)`,
      });
    }
  }
  const labels = current.micro.tp + current.micro.fn;
  const [bm, cm] = [baseline.micro.f1, current.micro.f1];
  if (labels >= minLabelled && bm != null && cm != null && bm - cm > o.maxDrop + eps) {
    out.push({
      what: 'f1:micro',
      baseline: bm,
      current: cm,
      message: `micro F1 (all hazards): ${fmt(bm)} → ${fmt(cm)} (−${fmt(bm - cm)} > ${o.maxDrop}; ${labels} hazard labels)`,
    });
  }
  const share = (m: Metrics) => (m.dangerClips === 0 ? 0 : m.missedDanger / m.dangerClips);
  if (current.dangerClips > 0 && share(current) - share(baseline) > o.maxDrop + eps) {
    out.push({
      what: 'missed-danger',
      baseline: share(baseline),
      current: share(current),
      message: `missed danger: ${baseline.missedDanger}/${baseline.dangerClips} → ${current.missedDanger}/${current.dangerClips} danger clips predicted safe (+${fmt(share(current) - share(baseline))} > ${o.maxDrop})`,
    });
  }
  return out;
}
