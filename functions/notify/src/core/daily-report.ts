import { reportSubject } from '../../../shared/src/record/report-subject';
import { deliveryId, type AttemptRecord } from './delivery';
const DAY_MS = 86_400_000;

/**
 * The local date (YYYY-MM-DD) whose daily report is due at `nowMs`: yesterday, once the plant's
 * local clock has reached `at` (HH:MM); undefined before. `offsetMinutes` is RECORD_REPORT_UTC_OFFSET,
 * the offset alerts cuts its report days with, so "yesterday" here is the day alerts reports.
 */
export function dueReportDate(nowMs: number, at: string, offsetMinutes: number): string | undefined {
  const local = new Date(nowMs + offsetMinutes * 60_000);
  // HH:MM strings compare in clock order (both zero-padded)
  if (local.toISOString().slice(11, 16) < at) return undefined;
  return new Date(local.getTime() - DAY_MS).toISOString().slice(0, 10);
}

/**
 * One attempt to mail a date's report, as the record keeps every send attempt (issue #25 §2:
 * "notification deliveries"): the same stream and table as an incident's messages, under
 * `report:daily:<date>`, with transition `daily-report`. A failed attempt is `retry` (the next
 * tick tries again), a mailed one `sent`.
 */
export function reportAttempt(a: {
  date: string;
  channel: string;
  to: string;
  attempt: number;
  ok: boolean;
  error?: string | undefined;
  latencyMs: number;
  atMs: number;
}): AttemptRecord {
  const incidentId = reportSubject('daily', a.date);
  const recipient = a.to.slice(0, 200);
  return {
    at: new Date(a.atMs).toISOString(),
    deliveryId: deliveryId([incidentId, 'daily-report', a.channel, a.to].join('\n')),
    channel: a.channel,
    recipient,
    incidentId,
    transition: 'daily-report',
    attempt: a.attempt,
    status: a.ok ? 'sent' : 'retry',
    ...(a.error ? { error: a.error.slice(0, 300) } : {}),
    latencyMs: Math.max(0, Math.round(a.latencyMs)),
  };
}

export interface ReportMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly filename: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The mail around the PDF: a subject, a short body and the link to the same report as a dashboard page. */
export function reportMail(date: string, publicUrl: string): ReportMail {
  const link = `${publicUrl.replace(/\/+$/, '')}/reports/daily?date=${date}`;
  const subject = `일일 안전 보고서 · daily safety report ${date}`;
  return {
    subject,
    filename: `report-daily-${date}.pdf`,
    text: [
      subject,
      '',
      '첨부: 어제의 일일 보고서 (PDF) · attached: yesterday’s daily report (PDF).',
      `대시보드에서 보기 · open it in the dashboard: ${link}`,
    ].join('\n'),
    html: [
      `<h2>${escapeHtml(subject)}</h2>`,
      '<p>첨부: 어제의 일일 보고서 (PDF) · attached: yesterday’s daily report (PDF).</p>',
      `<p><a href="${escapeHtml(link)}">대시보드에서 보기 · open it in the dashboard</a></p>`,
    ].join('\n'),
  };
}
