/** Which report: a shift (day 06–18, night 18–06 local time), a day, or the ISO week (Mon–Sun). */
import type { ReportKind } from '../../../shared/src/record/report-subject';
export type { ReportKind };

export interface ReportWindow {
  readonly kind: ReportKind;
  readonly title: string;
  /** UTC instants, [from, to). */
  readonly from: string;
  readonly to: string;
  /** The plant's UTC offset in minutes (local hour of an incident = UTC + this). */
  readonly offsetMinutes: number;
}

const HOUR = 3_600_000;

export { parseUtcOffset } from '../../../shared/src/utc-offset';

/** The window of a report for a local date (YYYY-MM-DD) at the plant's offset; undefined = bad date. */
export function reportWindow(
  kind: ReportKind,
  date: string,
  offsetMinutes: number,
  shift: 'day' | 'night' = 'day',
): ReportWindow | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date) return undefined;
  const localMidnight = midnightUtc - offsetMinutes * 60_000;
  let from = localMidnight;
  let to = localMidnight + 24 * HOUR;
  let title = `일일 보고서 · daily report ${date}`;
  if (kind === 'shift') {
    from = localMidnight + (shift === 'day' ? 6 : 18) * HOUR;
    to = from + 12 * HOUR;
    title = `${shift === 'day' ? '주간' : '야간'} 근무 보고서 · ${shift} shift ${date}`;
  } else if (kind === 'weekly') {
    const weekday = (new Date(midnightUtc).getUTCDay() + 6) % 7; // Monday = 0
    from = localMidnight - weekday * 24 * HOUR;
    to = from + 7 * 24 * HOUR;
    title = `주간 보고서 · weekly report ${new Date(midnightUtc - weekday * 24 * HOUR).toISOString().slice(0, 10)}`;
  }
  return { kind, title, from: new Date(from).toISOString(), to: new Date(to).toISOString(), offsetMinutes };
}

/** The p-th percentile (0–100) by linear interpolation, as PostgreSQL's percentile_cont; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (rank - lo);
}
