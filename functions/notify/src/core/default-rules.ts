import type { Channel, Recipient, RulesFile } from './rules';

/** The one-line quick settings (NOTIFY_WEBHOOK_URL, NOTIFY_SMTP_URL + NOTIFY_EMAIL_TO, VAPID keys). */
export interface QuickSettings {
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  readonly smtpUrl?: string;
  readonly emailTo?: string;
  readonly webPush: boolean;
}

/** Channels the quick settings define (ids `webhook`, `email`). */
export function quickChannels(q: QuickSettings): Channel[] {
  return [
    ...(q.webhookUrl
      ? [
          {
            id: 'webhook',
            kind: 'webhook' as const,
            url: q.webhookUrl,
            template: 'json' as const,
            ...(q.webhookSecret ? { secret: q.webhookSecret } : {}),
          },
        ]
      : []),
    ...(q.smtpUrl ? [{ id: 'email', kind: 'email' as const, smtpUrl: q.smtpUrl }] : []),
  ];
}

/**
 * Without a rules file: one rule, every incident and camera outage to every quick-setting channel
 * and the built-in outbox (the dashboard's Notifications page, so a first run shows messages), and
 * an unacknowledged danger again every 2 minutes.
 */
export function defaultRules(q: QuickSettings): RulesFile {
  const recipients: Recipient[] = [
    { name: 'outbox', channel: 'outbox' },
    ...(q.webhookUrl ? [{ name: 'webhook', channel: 'webhook' }] : []),
    ...(q.smtpUrl && q.emailTo ? [{ name: q.emailTo, channel: 'email', to: q.emailTo }] : []),
    ...(q.webPush ? [{ name: 'dashboard', channel: 'webpush', to: '*' }] : []),
  ];
  return {
    timeZone: 'UTC',
    channels: quickChannels(q),
    rules: [
      {
        id: 'default',
        match: { events: ['incident', 'camera_offline'] },
        recipients,
        cooldownSeconds: 0,
        escalation: { afterMinutes: 2, tiers: [recipients] },
      },
    ],
  };
}
