import os from 'node:os';

/** Benchmarks print markdown tables (pasted into BENCHMARKS.md with the machine and date). */
export interface BenchTable {
  title: string;
  /** The command that reproduces this table. */
  command: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function renderTable(t: BenchTable): string {
  const fmt = (v: string | number) => (typeof v === 'number' ? formatNumber(v) : v);
  const lines = [
    `### ${t.title}`,
    '',
    `\`${t.command}\``,
    '',
    `| ${t.columns.join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ];
  if (t.notes?.length) lines.push('', ...t.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** Percentile of a sample (nearest-rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
