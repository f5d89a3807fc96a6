// @ts-check
// Which of a camera's zones an incident is about, for the alert cards. Reads the camera registry
// (GET /api/cameras) and refreshes it every 30 s. A zone the model's text names wins; otherwise
// the camera's zones of the kind the hazard concerns.

/** @typedef {import('./types.js').Zone} Zone */
/** @typedef {import('./types.js').ZoneKind} ZoneKind */

/** @type {Record<string, readonly ZoneKind[]>} */
const ZONE_KINDS_OF_HAZARD = {
  restricted_zone_intrusion: ['restricted'],
  forklift_pedestrian_proximity: ['forklift_lane', 'walkway'],
  no_hard_hat: ['ppe_required'],
  no_safety_vest: ['ppe_required'],
};
/** @type {Map<string, readonly Zone[]>} */
let byCamera = new Map();

/** @param {() => void} onLoaded called after each successful read (the feed re-renders with zone names) */
async function loadZoneIndex(onLoaded) {
  try {
    const res = await fetch('/api/cameras', { headers: { accept: 'application/json' } });
    if (!res.ok) return;
    const { cameras } = /** @type {{ cameras: { id: string, zones: Zone[] }[] }} */ (await res.json());
    byCamera = new Map(cameras.map((c) => [c.id, c.zones]));
    onLoaded();
  } catch {
    // the cards simply show no zone until the next refresh
  }
}

/** @param {() => void} onLoaded */
export function startZoneIndex(onLoaded) {
  void loadZoneIndex(onLoaded);
  setInterval(() => void loadZoneIndex(onLoaded), 30_000);
}

/**
 * The zone names an incident concerns (comma-joined), or '' when none applies.
 * @param {{ cameraId: string, summary: string, hazardType: string, hazards?: readonly { description: string }[] }} inc
 */
export function zoneFor(inc) {
  const zones = byCamera.get(inc.cameraId) || [];
  if (zones.length === 0) return '';
  const text = [inc.summary, ...(inc.hazards || []).map((x) => x.description)].join(' ').toLowerCase();
  const named = zones.filter((z) => text.includes(z.name.toLowerCase()));
  if (named.length) return named.map((z) => z.name).join(', ');
  const kinds = ZONE_KINDS_OF_HAZARD[inc.hazardType] || [];
  return zones
    .filter((z) => kinds.includes(z.kind))
    .map((z) => z.name)
    .join(', ');
}
