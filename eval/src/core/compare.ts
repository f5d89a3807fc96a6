import type { Metrics } from './metrics';
import { num3, textTable } from './table';

const delta = (a: number | null | undefined, b: number | null | undefined): string => {
  if (a == null || b == null) return '–';
  const d = b - a;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)}`;
};

/** Per-hazard differences of two runs, side by side (B − A), then the overall scores. */
export function compareText(a: Metrics, b: Metrics, names: [string, string] = ['A', 'B']): string {
  const hazards = [...new Set([...Object.keys(a.perHazard), ...Object.keys(b.perHazard)])].sort();
  const [na, nb] = names;
  const rows = hazards.map((h) => {
    const x = a.perHazard[h];
    const y = b.perHazard[h];
    return [
      h,
      `${x?.labelled ?? 0}/${y?.labelled ?? 0}`,
      num3(x?.precision ?? null),
      num3(y?.precision ?? null),
      delta(x?.precision, y?.precision),
      num3(x?.recall ?? null),
      num3(y?.recall ?? null),
      delta(x?.recall, y?.recall),
      num3(x?.f1 ?? null),
      num3(y?.f1 ?? null),
      delta(x?.f1, y?.f1),
    ];
  });
  rows.push([
    '(micro)',
    `${a.clips}/${b.clips}`,
    num3(a.micro.precision),
    num3(b.micro.precision),
    delta(a.micro.precision, b.micro.precision),
    num3(a.micro.recall),
    num3(b.micro.recall),
    delta(a.micro.recall, b.micro.recall),
    num3(a.micro.f1),
    num3(b.micro.f1),
    delta(a.micro.f1, b.micro.f1),
  ]);
  rows.push(['(macro F1)', '', '', '', '', '', '', '', num3(a.macroF1), num3(b.macroF1), delta(a.macroF1, b.macroF1)]);
  const head = [
    'hazard',
    'labelled',
    `P ${na}`,
    `P ${nb}`,
    'ΔP',
    `R ${na}`,
    `R ${nb}`,
    'ΔR',
    `F1 ${na}`,
    `F1 ${nb}`,
    'ΔF1',
  ];
  return `${textTable(head, rows)}\n\nmissed danger: ${na} ${a.missedDanger}/${a.dangerClips}, ${nb} ${b.missedDanger}/${b.dangerClips}`;
}
