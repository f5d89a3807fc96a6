import {
  DANGER_HAZARDS,
  STATUS_LABEL_KO,
  type HazardType,
  type ModelVerdict,
} from '../../../../functions/shared/src/verdict';
import type { ClipHazard } from './detector';

export type Language = 'ko' | 'en';

const TEXT: Record<HazardType, { en: string; ko: string }> = {
  no_hard_hat: { en: 'A worker is not wearing a hard hat.', ko: '안전모를 착용하지 않은 작업자가 있습니다.' },
  no_safety_vest: {
    en: 'A worker is not wearing a high-visibility vest.',
    ko: '안전 조끼를 착용하지 않은 작업자가 있습니다.',
  },
  restricted_zone_intrusion: {
    en: 'A worker is inside the restricted zone.',
    ko: '작업자가 출입 금지 구역에 들어가 있습니다.',
  },
  person_fall: { en: 'A worker has fallen and is lying on the floor.', ko: '작업자가 넘어져 바닥에 쓰러져 있습니다.' },
  fire: { en: 'Flames are visible.', ko: '화염이 보입니다.' },
  smoke: { en: 'Smoke is visible.', ko: '연기가 보입니다.' },
  forklift_pedestrian_proximity: {
    en: 'A forklift is very close to a worker.',
    ko: '지게차가 작업자에게 매우 가까이 있습니다.',
  },
  unsafe_posture: { en: 'Unsafe posture.', ko: '불안전한 자세입니다.' },
  blocked_exit: { en: 'An exit is blocked.', ko: '비상구가 막혀 있습니다.' },
  spill: { en: 'A spill is on the floor.', ko: '바닥에 유출물이 있습니다.' },
  other: { en: 'Another hazard.', ko: '기타 위험 요소가 있습니다.' },
};

/** Korean when the prompt asks for it (the inference prompt says 한국어 / Korean). */
export function detectLanguage(promptText: string): Language {
  return /한국어|korean/i.test(promptText) ? 'ko' : 'en';
}

/**
 * Turns clip findings into the docs/architecture.md §3.6 verdict: danger if any danger hazard (fall, fire),
 * warning for the rest, safe exactly when nothing was found. Confidence grows with the
 * fraction of frames showing the hazard (0.5 for a glimpse, 1.0 for every frame).
 */
export function buildVerdict(found: readonly ClipHazard[], lang: Language): ModelVerdict {
  const hazards = found.map((h) => ({
    type: h.type,
    description: TEXT[h.type][lang],
    confidence: Math.round((0.5 + 0.5 * h.fraction) * 100) / 100,
  }));
  const status = hazards.length === 0 ? 'safe' : hazards.some((h) => DANGER_HAZARDS.has(h.type)) ? 'danger' : 'warning';
  const summary =
    lang === 'ko'
      ? hazards.length === 0
        ? `${STATUS_LABEL_KO.safe}: 위험 요소가 보이지 않습니다.`
        : `${STATUS_LABEL_KO[status]}: ${hazards.map((h) => h.description).join(' ')}`
      : hazards.length === 0
        ? 'Safe: no hazards visible.'
        : `${status === 'danger' ? 'Danger' : 'Warning'}: ${hazards.map((h) => h.description).join(' ')}`;
  return { status, hazards, summary };
}
