/**
 * CSV as RFC 4180 writes it: fields with a comma, quote or line break are quoted and quotes doubled;
 * lines end in CRLF. A field starting with = + - @ (or a tab/CR) gets a leading apostrophe, so a
 * spreadsheet does not run a model's summary as a formula (OWASP "CSV Injection").
 */
export function csvField(v: unknown): string {
  let s = '';
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = `${v}`;
  else if (Array.isArray(v)) s = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  else if (v !== null && v !== undefined) s = JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Excel opens a UTF-8 CSV as the legacy code page unless it starts with a byte-order mark: Korean summaries need it. */
export const UTF8_BOM = '\uFEFF';

/** The columns of `GET /api/incidents.csv` [contract: docs/architecture.md §3.8]. */
export const INCIDENT_CSV_COLUMNS = [
  'incidentId',
  'openedAt',
  'resolvedAt',
  'state',
  'severity',
  'cameraId',
  'site',
  'area',
  'zones',
  'hazardType',
  'hazards',
  'summary',
  'acknowledgedAt',
  'acknowledgedBy',
  'ackNote',
  'owner',
  'legalHold',
  'openActions',
  'overdueActions',
  'statusHistory',
] as const;

export interface TransitionLike {
  readonly at: string;
  readonly kind: string;
  readonly severity?: string | null;
  readonly actor?: string | null;
  readonly note?: string | null;
}

/** The status history in one cell: `<time> <kind>[ <severity>][ by <who>][: <note>]`, oldest first, `; `-separated. */
export function statusHistoryCell(ts: readonly TransitionLike[]): string {
  return ts
    .map(
      (t) =>
        `${t.at} ${t.kind}${t.severity ? ` ${t.severity}` : ''}${t.actor ? ` by ${t.actor}` : ''}${t.note ? `: ${t.note}` : ''}`,
    )
    .join('; ');
}
