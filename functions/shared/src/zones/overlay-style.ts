import type { Zone, ZoneKind } from '../camera-registry/schema';

/** One colour per kind (RGB). vllm-sim's detector looks for the restricted tint over the floor. */
export const KIND_RGB: Record<ZoneKind, readonly [number, number, number]> = {
  restricted: [235, 20, 20],
  walkway: [20, 200, 60],
  forklift_lane: [255, 170, 0],
  ppe_required: [30, 110, 255],
};

/** The colour's name in the prompt text (camera-context.ts), per language. */
export const KIND_COLOUR_NAME: Record<ZoneKind, { en: string; ko: string }> = {
  restricted: { en: 'red', ko: '빨간색' },
  walkway: { en: 'green', ko: '초록색' },
  forklift_lane: { en: 'orange', ko: '주황색' },
  ppe_required: { en: 'blue', ko: '파란색' },
};

/** Semi-transparent fill (0..255): the scene stays visible through it. */
export const FILL_ALPHA = 90;
export const OUTLINE_ALPHA = 235;

const KIND_TAG: Record<ZoneKind, string> = {
  restricted: 'NO ENTRY',
  walkway: 'WALKWAY',
  forklift_lane: 'FORKLIFT',
  ppe_required: 'PPE',
};
const LABEL_MAX = 18;

/**
 * The short label drawn at the zone: its name in the bitmap font's alphabet (A–Z, 0–9, - _ . :),
 * or the kind's tag when the name has none of those (a Korean name). The prompt quotes it.
 */
export function zoneLabel(zone: Pick<Zone, 'name' | 'kind'>): string {
  const ascii = zone.name
    .toUpperCase()
    .replace(/[^A-Z0-9 ._:-]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return (ascii || KIND_TAG[zone.kind]).slice(0, LABEL_MAX).trim();
}
