import path from 'node:path';
import { z } from 'zod';
import { envVar, int, optional, url, type Section } from './define';

const secret = optional(
  z
    .string()
    .min(16)
    .max(512)
    .regex(/^[\x21-\x7e]+$/),
);

const filePath = optional(
  z
    .string()
    .min(1)
    .transform((p) => path.resolve(p)),
);

/**
 * Variables of the notify function (issue #24) and the signed acknowledge links the alerts function
 * verifies. Everything beyond the one-line quick settings lives in the rules file (docs/notifications.md).
 */
export const notify = {
  rulesFile: envVar('NOTIFY_RULES_FILE', {
    schema: filePath,
    expected: 'a path to a JSON or YAML rules file',
    doc: 'routing rules and channels (a ConfigMap in the cluster; docs/notifications.md); unset = one rule: every incident and camera.offline to the quick-setting channels, or to the built-in outbox',
  }),
  channelsFile: envVar('NOTIFY_CHANNELS_FILE', {
    schema: filePath,
    expected: 'a path to a JSON or YAML channels file',
    doc: 'channels with their secrets (webhook URLs, HMAC secrets, SMTP URLs; a Secret in the cluster), merged over the rules file’s `channels`',
  }),
  webhookUrl: envVar('NOTIFY_WEBHOOK_URL', {
    schema: optional(url(['http', 'https'])),
    expected: 'an http(s):// URL',
    doc: 'quick setting: every message is POSTed here as signed JSON (channel `webhook`)',
  }),
  webhookSecret: envVar('NOTIFY_WEBHOOK_SECRET', {
    schema: secret,
    expected: '16–512 printable characters, no spaces',
    doc: 'HMAC-SHA256 key of the `X-SafetyHanta-Signature` header on NOTIFY_WEBHOOK_URL posts',
  }),
  smtpUrl: envVar('NOTIFY_SMTP_URL', {
    schema: optional(url(['smtp', 'smtps'])),
    expected: 'an smtp:// or smtps:// URL (user:password@host:port)',
    doc: 'quick setting: mail server for channel `email` (nodemailer)',
  }),
  emailTo: envVar('NOTIFY_EMAIL_TO', {
    schema: optional(z.string().min(3).max(2000)),
    expected: 'comma-separated addresses',
    doc: 'quick setting: who gets the mail with NOTIFY_SMTP_URL',
  }),
  emailFrom: envVar('NOTIFY_EMAIL_FROM', {
    schema: z.string().min(3).max(320),
    default: 'Safety-Hanta <safety-hanta@localhost>',
    expected: 'a mail address, optionally with a name',
    doc: 'sender of the mails',
  }),
  publicUrl: envVar('NOTIFY_PUBLIC_URL', {
    schema: url(['http', 'https']),
    default: 'http://localhost:8080',
    expected: 'an http(s):// URL',
    doc: 'the dashboard as recipients reach it: base of the incident and acknowledge links in messages',
  }),
  linkSecret: envVar('NOTIFY_LINK_SECRET', {
    schema: secret,
    expected: '16–512 printable characters, no spaces',
    doc: 'HMAC key of the signed acknowledge links (notify signs, alerts verifies; one Secret for both); `npm start` makes one; unset = messages carry no acknowledge link',
  }),
  linkTtlHours: envVar('NOTIFY_LINK_TTL_HOURS', {
    schema: int(1, 24 * 30),
    default: '24',
    expected: 'an integer number of hours, 1–720',
    doc: 'an acknowledge link expires this long after the message',
  }),
  vapidPublicKey: envVar('NOTIFY_VAPID_PUBLIC_KEY', {
    schema: optional(z.string().regex(/^[A-Za-z0-9_-]{80,100}$/)),
    expected: 'a base64url P-256 public key (web-push generate-vapid-keys)',
    doc: 'Web Push (RFC 8292 VAPID) public key; the dashboard hands it to browsers. Unset = no Web Push',
  }),
  vapidPrivateKey: envVar('NOTIFY_VAPID_PRIVATE_KEY', {
    schema: optional(z.string().regex(/^[A-Za-z0-9_-]{40,50}$/)),
    expected: 'a base64url P-256 private key',
    doc: 'Web Push VAPID private key (a Secret)',
  }),
  vapidSubject: envVar('NOTIFY_VAPID_SUBJECT', {
    schema: z.string().regex(/^(mailto:|https:\/\/)\S+$/),
    default: 'mailto:safety-hanta@localhost',
    expected: 'a mailto: or https:// URL',
    doc: 'VAPID `sub` claim: how a push service reaches the operator (RFC 8292 §2.1)',
  }),
  maxAttempts: envVar('NOTIFY_MAX_ATTEMPTS', {
    schema: int(1, 100),
    default: '8',
    expected: 'an integer 1–100',
    doc: 'send attempts of one message before it is dead-lettered ("notification failed" on the dashboard)',
  }),
  retryBaseMs: envVar('NOTIFY_RETRY_BASE_MS', {
    schema: int(10, 600000),
    default: '2000',
    expected: 'milliseconds, 10–600000',
    doc: 'first retry delay; doubles per attempt, jittered, capped at NOTIFY_RETRY_MAX_MS (a Retry-After answer wins)',
  }),
  retryMaxMs: envVar('NOTIFY_RETRY_MAX_MS', {
    schema: int(10, 3600000),
    default: '60000',
    expected: 'milliseconds, 10–3600000',
    doc: 'longest retry delay',
  }),
  sendTimeoutMs: envVar('NOTIFY_SEND_TIMEOUT_MS', {
    schema: int(100, 120000),
    default: '10000',
    expected: 'milliseconds, 100–120000',
    doc: 'one send attempt is abandoned (and retried) after this',
  }),
  sendConcurrency: envVar('NOTIFY_SEND_CONCURRENCY', {
    schema: int(1, 1000),
    default: '16',
    expected: 'an integer 1–1000',
    doc: 'messages sent at once by one notify process',
  }),
  tickSeconds: envVar('NOTIFY_TICK_SECONDS', {
    schema: int(0, 3600),
    default: '0',
    expected: 'an integer number of seconds, 0–3600',
    doc: 'drive the escalation clock in-process every N s (`npm start` sets 10); 0 = only the tick CloudEvent (Knative PingSource, every minute)',
  }),
  // --- the daily report by mail (issue #25 §6): docs/notifications.md "The daily report by mail"
  reportTo: envVar('NOTIFY_REPORT_TO', {
    schema: optional(z.string().min(3).max(2000)),
    expected: 'comma-separated addresses',
    doc: 'mail yesterday’s daily report (PDF, from alerts) to these addresses once a day; unset = off',
  }),
  reportAt: envVar('NOTIFY_REPORT_AT', {
    schema: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    default: '07:00',
    expected: 'HH:MM, 00:00–23:59',
    doc: 'the daily report goes out at the first tick at or after this local time (the plant’s RECORD_REPORT_UTC_OFFSET, the report’s own day boundaries)',
  }),
  reportChannel: envVar('NOTIFY_REPORT_CHANNEL', {
    schema: optional(z.string().min(1).max(64)),
    expected: 'the id of an email channel',
    doc: 'the email channel (its SMTP server and sender) that mails the report; unset = the first email channel (NOTIFY_SMTP_URL’s is `email`)',
  }),
  alertsUrl: envVar('NOTIFY_ALERTS_URL', {
    schema: url(['http', 'https']),
    default: 'http://localhost:8080',
    expected: 'an http(s):// URL',
    doc: 'the alerts function as notify reaches it (in-cluster address): where the daily report PDF is fetched',
  }),
  reportToken: envVar('NOTIFY_REPORT_TOKEN', {
    schema: secret,
    expected: '16–512 printable characters, no spaces',
    doc: 'the token notify shows alerts to fetch the report: alerts’ read-only ALERTS_VIEWER_TOKEN (a Secret; `npm start` passes it); unset = no Authorization header',
  }),
} satisfies Section;
