/** The record's report kinds (alerts cuts their windows, `core/report-window.ts`). */
export type ReportKind = 'shift' | 'daily' | 'weekly';

/**
 * How the record names a report: the audit log's target when one is viewed (alerts) and the
 * `incident_id` of its mail in notification_deliveries (notify), so the two join on one string:
 * `report:daily:2026-12-06`, `report:shift:2026-12-06:night`.
 */
export function reportSubject(kind: ReportKind, date: string, shift?: 'day' | 'night'): string {
  return `report:${kind}:${date}${kind === 'shift' ? `:${shift ?? 'day'}` : ''}`;
}
