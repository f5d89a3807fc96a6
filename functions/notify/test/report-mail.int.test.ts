import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { EventType } from '../../shared/src/events';
import { waitUntil } from '../../../test/support';
import { alertData, postEvent } from './helpers';
import { startNotifyStack, type NotifyStack } from './stack';

jest.setTimeout(60_000);

interface Mail {
  readonly to: string[];
  readonly raw: string;
}

/** A real SMTP server (smtp-server); `refuse` makes the next DATA answers a transient 451 (RFC 5321 §4.2.1). */
async function startSmtp() {
  const mails: Mail[] = [];
  const state = { refuse: 0, refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.refuse > 0) {
          state.refuse--;
          state.refused++;
          return done(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
        }
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The attachment of a raw mail, base64-decoded (nodemailer encodes binary parts in base64). */
function pdfAttachment(raw: string): Buffer | undefined {
  const m = /Content-Type: application\/pdf[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+)/.exec(raw);
  return m?.[1] ? Buffer.from(m[1].replace(/\s/g, ''), 'base64') : undefined;
}

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';

/**
 * Issue #25 §6 "a daily report can be mailed on a schedule": real alerts (record on a throwaway Postgres database,
 * PDF printed by chromium), real notify driven by the tick CloudEvent with an injected clock, real
 * SMTP server. Nothing is mocked.
 */
describe('the daily report by mail (real alerts + Postgres + chromium, real notify + Redis, real SMTP)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stack: NotifyStack;
  // 2026-12-02 06:59 in Seoul (RECORD_REPORT_UTC_OFFSET default +09:00); NOTIFY_REPORT_AT default 07:00
  let nowMs = Date.parse('2026-12-02T06:59:00+09:00');

  beforeAll(async () => {
    smtp = await startSmtp();
    stack = await startNotifyStack(
      'report',
      {
        RECORD_RETENTION_INTERVAL_MS: '0',
        ALERTS_AUTH: 'token',
        ALERTS_AUTH_TOKEN: ADMIN,
        ALERTS_VIEWER_TOKEN: VIEWER,
        NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        NOTIFY_REPORT_TO: 'plant-manager@plant.example, ehs@plant.example',
        NOTIFY_REPORT_TOKEN: VIEWER,
      },
      {
        // the record copies notify's attempts every 0.1 s, not every 1 s: `deliveries` waits for that copy twice
        alerts: { deliveryCopyMs: 100 },
        notify: (config, alertsUrl) => [{ ...config, notify: { ...config.notify, alertsUrl } }, { now: () => nowMs }],
      },
    );
    // one incident on the reported day, so the PDF has something in it
    const fire = alertData({ severity: 'danger', openedAt: '2026-12-01T01:00:00.000Z' });
    const ev = await postEvent(stack.alerts.url, EventType.alertRaised, fire);
    expect(ev.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  /** The record's rows for a date's report mail (alerts copies notify's attempt stream every 0.1 s here). */
  const deliveries = async (date: string, rows: number) =>
    waitUntil(
      async () => {
        const c = new pg.Client({ connectionString: stack.databaseUrl });
        await c.connect();
        try {
          const r = await c.query<{
            attempt: number;
            status: string;
            transition: string;
            channel: string;
            error: string | null;
          }>(
            'SELECT attempt, status, transition, channel, error FROM notification_deliveries WHERE incident_id = $1 ORDER BY attempt',
            [`report:daily:${date}`],
          );
          return r.rows.length >= rows ? r.rows : undefined;
        } finally {
          await c.end();
        }
      },
      { what: `${rows} recorded attempts of the ${date} report`, timeoutMs: 15_000 },
    );

  const tick = async (): Promise<{ report?: string; date?: string }> => {
    const res = await postEvent(stack.notify.url, EventType.tick, {});
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as { report?: string; date?: string };
  };

  it('sends nothing before NOTIFY_REPORT_AT, then exactly one mail with yesterday’s PDF, audited by alerts', async () => {
    expect(await tick()).toMatchObject({ report: 'not-due' });
    expect(smtp.mails).toHaveLength(0);

    nowMs = Date.parse('2026-12-02T07:00:30+09:00');
    expect(await tick()).toMatchObject({ report: 'sent', date: '2026-12-01' });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to.sort()).toEqual(['ehs@plant.example', 'plant-manager@plant.example']);
    expect(mail.raw).toContain('filename=report-daily-2026-12-01.pdf');
    expect(pdfAttachment(mail.raw)?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // quoted-printable (RFC 2045 §6.7): undo soft line breaks and =XX escapes
    const text = mail.raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(text).toContain('http://dashboard.test/reports/daily?date=2026-12-01');

    // the fetch is a report view like any other: audited, as the viewer token's holder
    const audit = (await (
      await fetch(`${stack.alerts.url}/api/audit?action=view.report`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as { entries: { target: string; role: string; detail: { format: string } }[] };
    expect(audit.entries.map((e) => `${e.target} ${e.detail.format} ${e.role}`)).toEqual([
      'report:daily:2026-12-01 pdf viewer',
    ]);

    // a second tick the same day (another replica, a redelivered PingSource event) sends nothing
    nowMs += 60_000;
    expect(await tick()).toMatchObject({ report: 'already-mailed', date: '2026-12-01' });
    expect(smtp.mails).toHaveLength(1);

    // the record keeps the mail like any notification: one attempt, sent (issue #25 §2)
    expect(await deliveries('2026-12-01', 1)).toEqual([
      { attempt: 1, status: 'sent', transition: 'daily-report', channel: 'email', error: null },
    ]);
  });

  it('an SMTP failure releases the day: the next tick retries and the report is mailed once', async () => {
    nowMs = Date.parse('2026-12-03T09:15:00+09:00');
    smtp.state.refuse = 1;
    const before = smtp.mails.length;
    expect(await tick()).toMatchObject({ report: 'failed', date: '2026-12-02' });
    expect(smtp.state.refused).toBe(1);
    expect(smtp.mails).toHaveLength(before);
    const metrics = await (await fetch(`${stack.notify.url}/metrics`)).text();
    expect(metrics).toMatch(/safetyhanta_notify_report_mails_total\{status="failed"[^}]*\} 1/);

    nowMs += 60_000;
    expect(await tick()).toMatchObject({ report: 'sent', date: '2026-12-02' });
    nowMs += 60_000;
    expect(await tick()).toMatchObject({ report: 'already-mailed', date: '2026-12-02' });
    await waitUntil(() => smtp.mails.length === before + 1 || undefined, { what: 'the retried mail' });
    expect(smtp.mails).toHaveLength(before + 1);
    expect(smtp.mails.at(-1)!.raw).toContain('filename=report-daily-2026-12-02.pdf');

    // both attempts are in the record: the refused one with the server's answer, then the mailed one
    const rows = await deliveries('2026-12-02', 2);
    expect(rows.map((r) => `${r.attempt} ${r.status}`)).toEqual(['1 retry', '2 sent']);
    expect(rows[0]!.error).toMatch(/451|mailbox busy/);
  });
});
