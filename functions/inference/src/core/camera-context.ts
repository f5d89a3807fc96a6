import type { CameraEntry, Zone, ZoneKind } from '../../../shared/src/camera-registry/schema';
import type { CameraContext } from '../../../shared/src/camera-registry/cameras-file';
import { KIND_COLOUR_NAME, zoneLabel } from '../../../shared/src/zones/overlay-style';
import { promptText, quotedPromptText } from './prompt-text';

// The CAMERAS_FILE model moved to the shared registry (capture seeds from it too); same API here.
export {
  CameraContextSchema,
  CamerasFileSchema,
  DEFAULT_CAMERA_CONTEXT,
  contextFor,
  parseCamerasFile,
  type CameraContext,
  type CamerasFile,
} from '../../../shared/src/camera-registry/cameras-file';

type Lang = 'ko' | 'en';

/** What each kind of zone means, told to the model in the verdict language. */
const RULE: Record<ZoneKind, Record<Lang, string>> = {
  restricted: {
    en: 'restricted zone, no entry: any person inside it is restricted_zone_intrusion',
    ko: '출입 금지 구역: 안에 사람이 있으면 restricted_zone_intrusion',
  },
  walkway: {
    en: 'pedestrian walkway: must stay clear; a forklift in it near a person is forklift_pedestrian_proximity',
    ko: '보행자 통로: 비워 두어야 함; 사람 가까이 지게차가 있으면 forklift_pedestrian_proximity',
  },
  forklift_lane: {
    en: 'forklift lane: no pedestrians; a person in it near a forklift is forklift_pedestrian_proximity',
    ko: '지게차 통로: 보행자 금지; 지게차 가까이 사람이 있으면 forklift_pedestrian_proximity',
  },
  ppe_required: {
    en: 'PPE required: a person inside without the required PPE is no_hard_hat / no_safety_vest',
    ko: '보호구 착용 구역: 필수 보호구 없이 안에 있으면 no_hard_hat / no_safety_vest',
  },
};

const DRAWN: Record<Lang, (colour: string, label: string) => string> = {
  en: (colour, label) => `drawn on the frames as a ${colour} tinted polygon labelled ${quotedPromptText(label)}`,
  ko: (colour, label) => `화면에 ${colour} 반투명 다각형과 ${quotedPromptText(label)} 라벨로 표시됨`,
};

/** One zone as a context line: its name, how it is drawn, and its rule. Deterministic. */
export function describeZone(zone: Pick<Zone, 'name' | 'kind'>, language: Lang): string {
  const colour = KIND_COLOUR_NAME[zone.kind][language];
  return `${quotedPromptText(zone.name)} (${DRAWN[language](colour, zoneLabel(zone))}): ${RULE[zone.kind][language]}`;
}

/**
 * The prompt context of a registry entry: drawn zones first (named, with their rule), then the
 * floor markings as free text. A seeded entry (no drawn zones) gives today's text unchanged.
 */
export function contextOfEntry(entry: CameraEntry, language: Lang): CameraContext {
  const site = entry.area ? `${entry.site} — ${entry.area}` : entry.site;
  return {
    site,
    requiredPpe: entry.requiredPpe,
    zones: [...entry.zones.map((z) => describeZone(z, language)), ...entry.markings],
    ...(entry.context.trim() ? { notes: entry.context.trim() } : {}),
  };
}

/**
 * The text of a user turn. Deterministic (fixed field order, no timestamps), because the
 * few-shot turns are part of the cached prefix and must be byte-identical on every request.
 */
export function renderContext(cameraId: string, ctx: CameraContext): string {
  // every operator text through promptText: one line each, so none can start a line of its own
  const ppe = ctx.requiredPpe.map(promptText);
  const zones = ctx.zones.map(promptText);
  return [
    `Camera: ${promptText(cameraId)}`,
    `Site: ${promptText(ctx.site)}`,
    `Required PPE: ${ppe.length ? ppe.join(', ') : 'none'}`,
    `Zones: ${zones.length ? zones.join('; ') : 'none'}`,
    ...(ctx.notes ? [`Notes: ${promptText(ctx.notes)}`] : []),
    'Assess this clip and answer with the JSON verdict only.',
  ].join('\n');
}
