/**
 * `+09:00` → 540 (minutes east of UTC); undefined beyond ±14:00 or malformed. Shared by the
 * alerts reports and notify's report schedule, so both agree on which local day is which.
 */
export function parseUtcOffset(s: string): number | undefined {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const mins = Number(m[2]) * 60 + Number(m[3]);
  return mins > 14 * 60 ? undefined : (m[1] === '-' ? -1 : 1) * mins;
}
