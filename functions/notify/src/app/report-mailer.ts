import { toError } from '../../../shared/src/errors';
import type { Logger } from '../../../shared/src/logger';
import { dueReportDate, reportAttempt, reportMail } from '../core/daily-report';
import type { AttemptRecord } from '../core/delivery';
import type { Channel } from '../core/rules';
import { smtpTransport } from '../adapters/channels/email';
import { fetchReportPdf } from '../adapters/report-pdf';
import type { ReportMarker } from '../adapters/report-marker';

type EmailChannel = Extract<Channel, { kind: 'email' }>;

export interface ReportMailerDeps {
  readonly marker: ReportMarker;
  readonly channel: EmailChannel;
  /** NOTIFY_REPORT_TO: comma-separated addresses. */
  readonly to: string;
  /** NOTIFY_REPORT_AT, HH:MM local. */
  readonly at: string;
  /** RECORD_REPORT_UTC_OFFSET in minutes. */
  readonly offsetMinutes: number;
  readonly alertsUrl: string;
  readonly token: string | undefined;
  readonly publicUrl: string;
  readonly from: string;
  /** NOTIFY_SEND_TIMEOUT_MS: bounds each SMTP wait. */
  readonly smtpTimeoutMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onResult: (status: 'sent' | 'failed') => void;
  /** Each attempt, for the record's notification_deliveries (adapters/delivery-queue.ts appendAttemptLog). */
  readonly recordAttempt: (attempt: AttemptRecord) => Promise<void>;
}

/** alerts prints the PDF with chromium: seconds, not minutes (issue #25 §8: a daily report ≤ 2 s). */
const FETCH_TIMEOUT_MS = 45_000;

export type ReportTick =
  | { readonly report: 'not-due' | 'busy' }
  | { readonly report: 'already-mailed' | 'sent' | 'failed'; readonly date: string };

/**
 * The daily report by mail (issue #25 §6): on each tick at or after NOTIFY_REPORT_AT, yesterday's
 * PDF from alerts goes to NOTIFY_REPORT_TO through an email channel, once per date (the Redis marker,
 * {@link ReportMarker}). A failure is logged and counted, and the marker released so the next tick
 * retries; {@link tick} never throws.
 */
export class ReportMailer {
  private running = false;

  constructor(private readonly deps: ReportMailerDeps) {}

  async tick(): Promise<ReportTick> {
    const d = this.deps;
    const date = dueReportDate(d.now(), d.at, d.offsetMinutes);
    if (!date) return { report: 'not-due' };
    if (this.running) return { report: 'busy' };
    this.running = true;
    try {
      // the lease covers the fetch and every SMTP wait (connect, greeting, socket) with room to spare
      const lease = Math.ceil((FETCH_TIMEOUT_MS + 3 * d.smtpTimeoutMs) / 1000) + 60;
      if (!(await d.marker.claim(date, lease))) return { report: 'already-mailed', date };
      const attempt = await d.marker.nextAttempt(date);
      const started = performance.now();
      try {
        await this.send(date);
        await this.record(date, attempt, started);
        await d.marker.sent(date);
        d.onResult('sent');
        d.logger.info({ date, to: d.to.split(',').length }, 'daily report mailed');
        return { report: 'sent', date };
      } catch (err) {
        await this.record(date, attempt, started, toError(err).message);
        await d.marker.release(date);
        throw err;
      }
    } catch (err) {
      d.onResult('failed');
      d.logger.warn(
        { date, err: toError(err).message.slice(0, 300) },
        'daily report mail failed; the next tick retries',
      );
      return { report: 'failed', date };
    } finally {
      this.running = false;
    }
  }

  /** The record's copy of an attempt (`error`: it failed); its failure is logged, never the mail's failure. */
  private async record(date: string, attempt: number, startedMs: number, error?: string): Promise<void> {
    const d = this.deps;
    const latencyMs = performance.now() - startedMs;
    try {
      await d.recordAttempt(
        reportAttempt({
          date,
          attempt,
          ok: error === undefined,
          error,
          latencyMs,
          channel: d.channel.id,
          to: d.to,
          atMs: d.now(),
        }),
      );
    } catch (err) {
      d.logger.warn({ date, err: toError(err).message }, 'daily report attempt not recorded');
    }
  }

  private async send(date: string): Promise<void> {
    const d = this.deps;
    const pdf = await fetchReportPdf(d.alertsUrl, d.token, date, FETCH_TIMEOUT_MS);
    const mail = reportMail(date, d.publicUrl);
    const transport = smtpTransport(d.channel.smtpUrl, d.smtpTimeoutMs);
    try {
      await transport.sendMail({
        from: d.channel.from ?? d.from,
        to: d.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: [{ filename: mail.filename, content: pdf, contentType: 'application/pdf' }],
      });
    } finally {
      transport.close();
    }
  }
}
