import type { Redis } from 'ioredis';
import type { Config } from '../../../shared/src/config';
import { ConfigError } from '../../../shared/src/errors';
import type { RedisKeys } from '../../../shared/src/keys';
import type { Logger } from '../../../shared/src/logger';
import { Counter, type Registry } from '../../../shared/src/metrics';
import { parseUtcOffset } from '../../../shared/src/utc-offset';
import type { RulesFile } from '../core/rules';
import { appendAttemptLog } from '../adapters/delivery-queue';
import { ReportMarker } from '../adapters/report-marker';
import { ReportMailer } from './report-mailer';

/**
 * The daily-report mailer when NOTIFY_REPORT_TO is set (undefined otherwise). It needs an email
 * channel: NOTIFY_REPORT_CHANNEL, else the first one (NOTIFY_SMTP_URL's is `email`); none is a
 * configuration error that stops notify with the variable named.
 */
export function buildReportMailer(
  config: Config,
  deps: { rules: RulesFile; redis: Redis; keys: RedisKeys; logger: Logger; registry: Registry; now: () => number },
): ReportMailer | undefined {
  const { notify } = config;
  if (!notify.reportTo) return undefined;
  const emails = deps.rules.channels.filter((c) => c.kind === 'email');
  const channel = notify.reportChannel ? emails.find((c) => c.id === notify.reportChannel) : emails[0];
  if (!channel)
    throw new ConfigError([
      notify.reportChannel
        ? `NOTIFY_REPORT_CHANNEL: no email channel "${notify.reportChannel}" (channels: ${emails.map((c) => c.id).join(', ') || 'none'})`
        : 'NOTIFY_REPORT_TO: no email channel to mail the report with (set NOTIFY_SMTP_URL or add an email channel)',
    ]);
  const offsetMinutes = parseUtcOffset(config.record.reportUtcOffset);
  if (offsetMinutes === undefined)
    throw new ConfigError([`RECORD_REPORT_UTC_OFFSET: ${config.record.reportUtcOffset} is beyond ±14:00`]);
  if (!notify.reportToken)
    deps.logger.warn('NOTIFY_REPORT_TOKEN is not set: the report is fetched without a token (alerts must allow it)');
  const mails = new Counter({
    name: 'safetyhanta_notify_report_mails_total',
    help: 'Daily report mails by result (sent, failed: retried at the next tick)',
    labelNames: ['status'],
    registers: [deps.registry],
  });
  return new ReportMailer({
    marker: new ReportMarker(deps.redis, deps.keys),
    channel,
    to: notify.reportTo,
    at: notify.reportAt,
    offsetMinutes,
    alertsUrl: notify.alertsUrl,
    token: notify.reportToken,
    publicUrl: notify.publicUrl,
    from: notify.emailFrom,
    smtpTimeoutMs: notify.sendTimeoutMs,
    now: deps.now,
    logger: deps.logger,
    onResult: (status) => mails.inc({ status }),
    recordAttempt: (attempt) => appendAttemptLog(deps.redis, deps.keys, attempt),
  });
}
