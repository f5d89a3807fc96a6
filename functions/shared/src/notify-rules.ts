import { z } from 'zod';
import { HAZARD_TYPES } from './verdict';
import { CameraIdSchema } from './camera-id';

/**
 * Routing rules (issue #24 §3): who is told what, on which channel, when. Loaded by notify from
 * NOTIFY_RULES_FILE (a ConfigMap) with the secrets of the channels from NOTIFY_CHANNELS_FILE (a
 * Secret), or edited by an admin in the dashboard (functions/alerts/src/http/notify-rules-routes.ts):
 * both validate with these schemas, and a bad rule names its field (`rules.0.match.window.from: …`).
 * In shared/ because two functions validate the same document.
 */

const id = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -, at most 64')
  .describe('id');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** A time of day span; `to` before `from` wraps past midnight (a night shift 22:00–06:00). */
export const WindowSchema = z.strictObject({
  /** 0 = Sunday … 6 = Saturday (as `Date.getDay`); unset = every day. */
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
  from: hhmm,
  to: hhmm,
});

export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email', 'webpush', 'outbox'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Body templates of the generic webhook: our JSON, or a Korean work messenger's incoming webhook. */
export const WEBHOOK_TEMPLATES = ['json', 'jandi'] as const;

export const ChannelSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id,
    kind: z.literal('webhook'),
    url: httpUrl,
    /** HMAC-SHA256 key of the signature header (docs/notifications.md, "Verifying the signature"). */
    secret: z.string().min(16).max(512).optional(),
    template: z.enum(WEBHOOK_TEMPLATES).default('json'),
  }),
  z.strictObject({ id, kind: z.literal('slack'), url: httpUrl }),
  z.strictObject({ id, kind: z.literal('teams'), url: httpUrl }),
  z.strictObject({
    id,
    kind: z.literal('email'),
    smtpUrl: z.url({ protocol: /^smtps?$/ }).max(2048),
    from: z.string().min(3).max(320).optional(),
  }),
  z.strictObject({ id, kind: z.literal('webpush') }),
  z.strictObject({ id, kind: z.literal('outbox') }),
]);
export type Channel = z.infer<typeof ChannelSchema>;

/** One person or group on one channel. `to`: mail addresses (email) or a dashboard user name (webpush; `*` = every subscribed browser). */
export const RecipientSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  channel: id,
  to: z.string().trim().min(1).max(2000).optional(),
});
export type Recipient = z.infer<typeof RecipientSchema>;

const SUBJECT_KINDS = ['incident', 'camera_offline'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const MatchSchema = z.strictObject({
  /** `incident` (alert.*), `camera_offline` (camera.offline / camera.online). @default ['incident'] */
  events: z.array(z.enum(SUBJECT_KINDS)).min(1).default(['incident']),
  sites: z.array(z.string().trim().min(1).max(200)).min(1).optional(),
  cameras: z.array(CameraIdSchema).min(1).optional(),
  /** Matches when the camera has a zone of one of these names (the verdict does not say which zone). */
  zones: z.array(z.string().trim().min(1).max(60)).min(1).optional(),
  hazardTypes: z
    .array(z.enum([...HAZARD_TYPES, 'camera_offline']))
    .min(1)
    .optional(),
  severities: z
    .array(z.enum(['warning', 'danger']))
    .min(1)
    .optional(),
  /** Only inside this span (a shift). */
  window: WindowSchema.optional(),
});

export const RuleSchema = z.strictObject({
  id,
  match: MatchSchema.default({ events: ['incident'] }),
  /** Inside this span only `allow` severities are sent (a fall at 02:00 still is). */
  quietHours: WindowSchema.extend({
    allow: z.array(z.enum(['warning', 'danger'])).default(['danger']),
  }).optional(),
  recipients: z.array(RecipientSchema).min(1).max(100),
  /** After a message for a camera + hazard, a NEW incident of the same pair waits this long (its updates and resolution do not). */
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(0),
  /** An unacknowledged danger incident goes to the next tier every `afterMinutes`, the last tier again until acknowledged or resolved. */
  escalation: z
    .strictObject({
      afterMinutes: z
        .number()
        .min(0.01)
        .max(24 * 60)
        .default(2),
      tiers: z.array(z.array(RecipientSchema).min(1).max(100)).min(1).max(10),
    })
    .optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

/** IANA time zone of windows and quiet hours (e.g. `Asia/Seoul`). */
const TimeZoneSchema = z
  .string()
  .default('UTC')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Asia/Seoul');

export const RulesFileSchema = z
  .strictObject({
    timeZone: TimeZoneSchema,
    channels: z.array(ChannelSchema).max(100).default([]),
    rules: z.array(RuleSchema).max(500),
  })
  .superRefine((file, ctx) =>
    checkRecipients(file.rules, new Set([...file.channels.map((c) => c.id), ...BUILT_IN_CHANNELS]), ctx),
  );
export type RulesFile = z.infer<typeof RulesFileSchema>;

/** Every recipient names a channel that exists (a typo would silently tell nobody). */
function checkRecipients(rules: readonly Rule[], known: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  rules.forEach((rule, r) => {
    const lists: [string, Recipient[]][] = [
      [`rules.${r}.recipients`, rule.recipients],
      ...(rule.escalation?.tiers ?? []).map((t, i): [string, Recipient[]] => [`rules.${r}.escalation.tiers.${i}`, t]),
    ];
    for (const [at, list] of lists)
      list.forEach((rcpt, i) => {
        if (!known.has(rcpt.channel))
          ctx.addIssue({
            code: 'custom',
            path: [...at.split('.'), i, 'channel'],
            message: `no channel "${rcpt.channel}" (known: ${[...known].join(', ')})`,
          });
      });
  });
}

/** Always available: the outbox (first run) and Web Push (when VAPID keys are set). */
export const BUILT_IN_CHANNELS = ['outbox', 'webpush'] as const;

export type ParsedRules = { ok: true; rules: RulesFile } | { ok: false; field: string; message: string };

/** Validates a rules document; the first problem names its field (the admin API answers 400 with it). */
export function parseRules(value: unknown): ParsedRules {
  const r = RulesFileSchema.safeParse(value);
  return r.success ? { ok: true, rules: r.data } : firstProblem(r.error);
}

function firstProblem(e: z.ZodError): { ok: false; field: string; message: string } {
  const first = e.issues[0];
  return { ok: false, field: first?.path.join('.') || '(document)', message: first?.message ?? 'invalid' };
}

/**
 * What an admin edits in the dashboard: the time zone and the rules, never the channels (they carry
 * URLs with tokens and SMTP passwords, so they stay in the file and the Secret).
 */
export interface RulesEdit {
  readonly timeZone: string;
  readonly rules: Rule[];
}

export type ParsedEdit = { ok: true; edit: RulesEdit } | { ok: false; field: string; message: string };

/** Validates an edit with the same rule schema as the file, against the channel ids notify has. */
export function parseRulesEdit(value: unknown, channelIds: readonly string[]): ParsedEdit {
  const known = new Set([...channelIds, ...BUILT_IN_CHANNELS]);
  const r = z
    .strictObject({ timeZone: TimeZoneSchema, rules: z.array(RuleSchema).max(500) })
    .superRefine((edit, ctx) => checkRecipients(edit.rules, known, ctx))
    .safeParse(value);
  return r.success ? { ok: true, edit: r.data } : firstProblem(r.error);
}
