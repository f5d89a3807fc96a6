import { z } from 'zod';
import {
  HAZARD_TYPES,
  STATUS_LABEL_KO,
  VERDICT_STATUSES,
  type HazardType,
  type ModelVerdict,
  type VerdictStatus,
  verdictJsonSchemaOf,
} from './verdict';

/**
 * The model's answer, terse (issue #27): every output token costs GPU time (≈ 0.2–1 ms each,
 * docs/deploy.md §6) and the verdict is the whole output. The model writes only what it knows:
 * `status`, and per hazard its `type`, `confidence` and a `description` only when it adds to the
 * type (which zone, how many people). The consumer verdict (docs/architecture.md §3.6: CloudEvents,
 * dashboard) is unchanged: {@link renderVerdict} fills each missing description with the type's
 * label and renders `summary` outside the model, in English or Korean (so Korean costs no tokens).
 */
export const TerseAnswerSchema = z
  .object({
    status: z.enum(VERDICT_STATUSES),
    hazards: z
      .array(
        z.object({
          type: z.enum(HAZARD_TYPES),
          confidence: z.number().min(0).max(1),
          description: z.string().max(2000).optional(),
        }),
      )
      .max(32),
    /** Not asked for; kept when a server (or an older prompt) sends one. */
    summary: z.string().max(4000).optional(),
  })
  .refine((v) => (v.status === 'safe') === (v.hazards.length === 0), {
    message: 'status must be "safe" exactly when hazards is empty',
  });
export type TerseAnswer = z.infer<typeof TerseAnswerSchema>;

/** Longest note the model may add to a hazard (xgrammar enforces maxLength while decoding). */
export const NOTE_MAX_CHARS = 80;

/** `response_format.json_schema.schema` of the terse answer (hand-written: stable byte-for-byte, the prefix is cached). */
export const TERSE_VERDICT_JSON_SCHEMA = verdictJsonSchemaOf({
  properties: {
    type: { type: 'string', enum: [...HAZARD_TYPES] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    description: { type: 'string', maxLength: NOTE_MAX_CHARS },
  },
  required: ['type', 'confidence'],
});

/** What an operator reads for each hazard type when the model adds nothing. */
export const HAZARD_LABEL: Record<HazardType, { en: string; ko: string }> = {
  no_hard_hat: { en: 'a person without a hard hat', ko: '안전모 미착용 작업자' },
  no_safety_vest: { en: 'a person without a hi-vis safety vest', ko: '안전조끼 미착용 작업자' },
  restricted_zone_intrusion: { en: 'a person inside a restricted zone', ko: '출입 금지 구역 안의 작업자' },
  person_fall: { en: 'a person fallen on the floor', ko: '바닥에 쓰러진 작업자' },
  fire: { en: 'open flames', ko: '화염' },
  smoke: { en: 'smoke', ko: '연기' },
  forklift_pedestrian_proximity: { en: 'a forklift close to a pedestrian', ko: '보행자에 근접한 지게차' },
  unsafe_posture: { en: 'unsafe posture', ko: '불안전한 자세' },
  blocked_exit: { en: 'a blocked exit', ko: '막힌 비상구' },
  spill: { en: 'a spill on the floor', ko: '바닥 유출물' },
  other: { en: 'another hazard', ko: '기타 위험' },
};

const STATUS_LABEL_EN: Record<VerdictStatus, string> = {
  safe: 'Safe',
  warning: 'Warning',
  danger: 'Danger',
  uncertain: 'Uncertain',
};

/** The consumer verdict of a terse answer, in `language`: descriptions filled, summary rendered. */
export function renderVerdict(a: TerseAnswer, language: 'en' | 'ko'): ModelVerdict {
  const hazards = a.hazards.map((h) => ({
    type: h.type,
    description:
      h.description !== undefined && h.description.trim() !== '' ? h.description : HAZARD_LABEL[h.type][language],
    confidence: h.confidence,
  }));
  return { status: a.status, hazards, summary: a.summary ?? renderSummary(a.status, hazards, language) };
}

/** "Warning: a person without a hard hat; smoke." / "경고: 안전모 미착용 작업자; 연기." / "Safe: no hazard visible." */
export function renderSummary(
  status: VerdictStatus,
  hazards: readonly { description: string }[],
  language: 'en' | 'ko',
): string {
  const label = language === 'ko' ? STATUS_LABEL_KO[status] : STATUS_LABEL_EN[status];
  if (hazards.length === 0)
    return `${label}: ${language === 'ko' ? '위험 요소가 보이지 않습니다.' : 'no hazard visible.'}`;
  return `${label}: ${hazards.map((h) => h.description).join('; ')}.`;
}

/**
 * The terse form of a full verdict, as the few-shot answers are shown to the model: status and
 * {type, confidence} per hazard. Every committed example's description only restates its type
 * ("a worker without a hard hat"), which is exactly what the model should not spend tokens on.
 */
export function terseOf(v: ModelVerdict): TerseAnswer {
  return { status: v.status, hazards: v.hazards.map((h) => ({ type: h.type, confidence: h.confidence })) };
}
