import { z } from 'zod';
import { IDENTITY_MAX_CHARS } from './identity';
import { HAZARD_TYPES, VERDICT_STATUSES, type HazardType } from './verdict';
import { CameraIdSchema } from './camera-id';

/**
 * Operator feedback on a verdict or an incident (issue #16): "false alarm" names hazards the
 * model reported that are not there; "missed hazard" names hazards it did not report. Written
 * by the alerts dashboard, kept in Redis (keys.feedback, keys.feedbackClips), exported as an
 * evaluation dataset by `npm run eval -- export-feedback`.
 */
export const FEEDBACK_KINDS = ['false_alarm', 'missed_hazard'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const FEEDBACK_TARGETS = ['incident', 'verdict'] as const;

export const FeedbackTargetSchema = z.strictObject({
  kind: z.enum(FEEDBACK_TARGETS),
  id: z.string().min(1).max(256),
});
export type FeedbackTarget = z.infer<typeof FeedbackTargetSchema>;

export const FeedbackRecordSchema = z.object({
  v: z.literal(1),
  target: FeedbackTargetSchema,
  kind: z.enum(FEEDBACK_KINDS),
  hazards: z.array(z.enum(HAZARD_TYPES)).min(1).max(HAZARD_TYPES.length),
  cameraId: CameraIdSchema,
  /** relative to CLIPS_DIR */
  clipPath: z.string().min(1).max(1024),
  /** what the model said about that clip, as the dashboard had it */
  predicted: z.object({ status: z.enum([...VERDICT_STATUSES, 'uncertain']), hazards: z.array(z.enum(HAZARD_TYPES)) }),
  by: z.string().min(1).max(IDENTITY_MAX_CHARS),
  at: z.iso.datetime({ offset: true }),
  note: z.string().max(500).optional(),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

/** The hash field of a record: one record per target and kind (marking again replaces it). */
export function feedbackField(target: FeedbackTarget, kind: FeedbackKind): string {
  return `${target.kind}:${target.id}:${kind}`;
}

/**
 * The hazards a clip really shows, from the model's answer and the feedback on it: what it
 * reported, minus every false alarm, plus every missed hazard.
 */
export function correctedHazards(
  records: readonly Pick<FeedbackRecord, 'kind' | 'hazards' | 'predicted'>[],
): HazardType[] {
  const out = new Set<HazardType>(records.flatMap((r) => r.predicted.hazards));
  for (const r of records) if (r.kind === 'false_alarm') for (const h of r.hazards) out.delete(h);
  for (const r of records) if (r.kind === 'missed_hazard') for (const h of r.hazards) out.add(h);
  return [...out].sort();
}

/** Why these hazards do not fit this kind of feedback on this answer (undefined = they fit). */
export function feedbackProblem(
  kind: FeedbackKind,
  hazards: readonly HazardType[],
  predicted: readonly HazardType[],
): string | undefined {
  const said = new Set(predicted);
  if (kind === 'false_alarm') {
    const wrong = hazards.filter((h) => !said.has(h));
    return wrong.length
      ? `a false alarm names hazards the model reported (${[...said].join(', ') || 'none'}); not ${wrong.join(', ')}`
      : undefined;
  }
  const known = hazards.filter((h) => said.has(h));
  return known.length
    ? `a missed hazard names hazards the model did not report; it did report ${known.join(', ')}`
    : undefined;
}

/** Feedback counts per hazard and kind, for the dashboard. */
export function feedbackCounts(
  records: readonly Pick<FeedbackRecord, 'kind' | 'hazards'>[],
): Record<string, Record<FeedbackKind, number>> {
  const out: Record<string, Record<FeedbackKind, number>> = {};
  for (const r of records) for (const h of r.hazards) (out[h] ??= { false_alarm: 0, missed_hazard: 0 })[r.kind]++;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
