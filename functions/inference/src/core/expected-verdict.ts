import { severityOf, STATUS_LABEL_KO, type HazardType, type ModelVerdict } from '../../../shared/src/verdict';

const TEXT: Record<HazardType, { en: string; ko: string }> = {
  no_hard_hat: { en: 'a worker without a hard hat', ko: '안전모를 착용하지 않은 작업자' },
  no_safety_vest: { en: 'a worker without a hi-vis safety vest', ko: '안전조끼를 착용하지 않은 작업자' },
  restricted_zone_intrusion: {
    en: 'a worker inside the red restricted zone',
    ko: '제한 구역(빨간 바닥 표시) 안에 들어간 작업자',
  },
  person_fall: { en: 'a worker lying on the floor after a fall', ko: '넘어져 바닥에 누워 있는 작업자' },
  fire: { en: 'open flames', ko: '불꽃(화재)' },
  smoke: { en: 'a smoke plume rising above the flames', ko: '불꽃 위로 피어오르는 연기' },
  forklift_pedestrian_proximity: {
    en: 'a forklift very close to a pedestrian',
    ko: '보행자에게 매우 가까이 접근한 지게차',
  },
  unsafe_posture: { en: 'a worker in an unsafe posture', ko: '불안전한 자세의 작업자' },
  blocked_exit: { en: 'a blocked emergency exit', ko: '막힌 비상구' },
  spill: { en: 'a liquid spill on the floor', ko: '바닥의 액체 유출' },
  other: { en: 'another safety hazard', ko: '기타 안전 위험' },
};

const SAFE = {
  en: 'Workers wear hard hats and vests and stay outside the restricted zone. No hazard.',
  ko: '작업자들이 안전모와 안전조끼를 착용하고 제한 구역 밖에 있습니다. 위험 없음.',
};

/**
 * The verdict a clip with these ground-truth hazard types should get, in both languages.
 * Used to write the few-shot answers (tools/fewshot/make-fewshot.ts) from a scene's ground truth,
 * never by hand, and by the end-to-end tests as the expected result.
 */
export function expectedVerdict(
  types: readonly HazardType[],
  confidence = 0.9,
): { en: ModelVerdict; ko: ModelVerdict } {
  const sorted = [...new Set(types)].sort();
  if (sorted.length === 0) {
    return {
      en: { status: 'safe', hazards: [], summary: SAFE.en },
      ko: { status: 'safe', hazards: [], summary: SAFE.ko },
    };
  }
  const status = sorted.some((t) => severityOf(t) === 'danger') ? 'danger' : 'warning';
  const make = (lang: 'en' | 'ko'): ModelVerdict => ({
    status,
    hazards: sorted.map((type) => ({ type, description: TEXT[type][lang], confidence })),
    summary:
      lang === 'en'
        ? `${status === 'danger' ? 'Danger' : 'Warning'}: ${sorted.map((t) => TEXT[t].en).join('; ')}.`
        : `${STATUS_LABEL_KO[status]}: ${sorted.map((t) => TEXT[t].ko).join('; ')}.`,
  });
  return { en: make('en'), ko: make('ko') };
}
