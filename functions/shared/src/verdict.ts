import { z } from 'zod';

/** docs/architecture.md §3.6 [contract]: hazard types the model may name. */
export const HAZARD_TYPES = [
  'no_hard_hat',
  'no_safety_vest',
  'restricted_zone_intrusion',
  'person_fall',
  'fire',
  'smoke',
  'forklift_pedestrian_proximity',
  'unsafe_posture',
  'blocked_exit',
  'spill',
  'other',
] as const;
export type HazardType = (typeof HAZARD_TYPES)[number];

export const VERDICT_STATUSES = ['safe', 'warning', 'danger'] as const;
/** `uncertain` is ours, not the model's: an answer that broke the schema twice. Never silently safe. */
export type VerdictStatus = (typeof VERDICT_STATUSES)[number] | 'uncertain';
export type Severity = 'warning' | 'danger';

export const HazardSchema = z.object({
  type: z.enum(HAZARD_TYPES),
  description: z.string().max(2000),
  confidence: z.number().min(0).max(1),
});
export type Hazard = z.infer<typeof HazardSchema>;

/** The model's answer, validated again on return. `safe` exactly when `hazards` is empty. */
export const ModelVerdictSchema = z
  .object({
    status: z.enum(VERDICT_STATUSES),
    hazards: z.array(HazardSchema).max(32),
    summary: z.string().max(4000),
  })
  .refine((v) => (v.status === 'safe') === (v.hazards.length === 0), {
    message: 'status must be "safe" exactly when hazards is empty',
  });
export type ModelVerdict = z.infer<typeof ModelVerdictSchema>;

/**
 * The outer shape every verdict JSON schema shares: `status`, and `hazards` as at most 32 objects
 * of the given properties; `extra` adds top-level properties after those two. Key order is kept as
 * written: the schema is part of the request's cached prefix, so its bytes must not move.
 */
export function verdictJsonSchemaOf<
  const HP extends Record<string, unknown>,
  const HR extends readonly string[],
  const XP extends Record<string, unknown> = Record<never, never>,
>(hazard: { properties: HP; required: HR }, extra: { properties?: XP; required?: readonly string[] } = {}) {
  return {
    type: 'object',
    properties: {
      status: { type: 'string', enum: [...VERDICT_STATUSES] },
      hazards: {
        type: 'array',
        maxItems: 32,
        items: {
          type: 'object',
          properties: hazard.properties,
          required: hazard.required,
          additionalProperties: false,
        },
      },
      ...(extra.properties ?? ({} as XP)),
    },
    required: ['status', 'hazards', ...(extra.required ?? [])],
    additionalProperties: false,
  } as const;
}

/** The JSON schema of the full verdict (hand-written so it is stable byte-for-byte). */
export const VERDICT_JSON_SCHEMA = verdictJsonSchemaOf(
  {
    properties: {
      type: { type: 'string', enum: [...HAZARD_TYPES] },
      description: { type: 'string' },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
    },
    required: ['type', 'description', 'confidence'],
  },
  { properties: { summary: { type: 'string' } }, required: ['summary'] },
);

/** Hazards that raise an incident at once (docs/architecture.md §4.4); the rest need k-of-n confirmation. */
export const DANGER_HAZARDS: ReadonlySet<HazardType> = new Set<HazardType>(['person_fall', 'fire']);

export function severityOf(type: HazardType): Severity {
  return DANGER_HAZARDS.has(type) ? 'danger' : 'warning';
}

/** Korean labels used in summaries and the dashboard. */
export const STATUS_LABEL_KO: Record<VerdictStatus, string> = {
  safe: '안전',
  warning: '경고',
  danger: '위험',
  uncertain: '불확실',
};

/**
 * Korean names of the hazard types (and of the `camera_offline` incident), as the dashboard
 * shows them; served to the browser by alerts' labels module (static-assets.ts), never copied.
 */
export const HAZARD_LABEL_KO: Record<HazardType | 'camera_offline', string> = {
  no_hard_hat: '안전모 미착용',
  no_safety_vest: '안전조끼 미착용',
  restricted_zone_intrusion: '위험구역 침입',
  person_fall: '작업자 쓰러짐',
  fire: '화재',
  smoke: '연기',
  forklift_pedestrian_proximity: '지게차·보행자 근접',
  unsafe_posture: '불안전한 자세',
  blocked_exit: '비상구 막힘',
  spill: '누출·유출',
  other: '기타',
  camera_offline: '카메라 오프라인',
};
