import type { Metrics } from './metrics';
import { EXPECTED_STATUSES, PREDICTED_STATUSES } from './metrics';

/** A plain text table (left column left-aligned, numbers right-aligned). */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const num3 = (v: number | null): string => (v === null ? '–' : v.toFixed(3));

/** Rows of the per-hazard table (shared by stdout and report.html). */
export function hazardRows(m: Metrics): string[][] {
  return Object.entries(m.perHazard).map(([h, x]) => [
    h,
    String(x.labelled),
    String(x.tp),
    String(x.fp),
    String(x.fn),
    num3(x.precision),
    num3(x.recall),
    num3(x.f1),
  ]);
}
export const HAZARD_HEAD = ['hazard', 'labelled', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'];

export function confusionRows(m: Metrics): string[][] {
  return EXPECTED_STATUSES.map((e) => [e, ...PREDICTED_STATUSES.map((p) => String(m.confusion[e][p]))]);
}
export const CONFUSION_HEAD = ['expected \\ predicted', ...PREDICTED_STATUSES];

/** The summary printed on stdout after a run. */
export function summaryText(m: Metrics): string {
  return [
    textTable(HAZARD_HEAD, hazardRows(m)),
    '',
    `clips ${m.clips}, wrong ${m.wrong}; micro F1 ${num3(m.micro.f1)} (P ${num3(m.micro.precision)}, R ${num3(m.micro.recall)}); macro F1 ${num3(m.macroF1)}; missed danger ${m.missedDanger}/${m.dangerClips}`,
    '',
    textTable(CONFUSION_HEAD, confusionRows(m)),
  ].join('\n');
}
