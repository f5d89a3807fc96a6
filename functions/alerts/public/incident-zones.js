// Which of a camera's zones an incident is about, for the alert cards (app.js calls `zoneFor`).
// Loaded before app.js; reads the camera registry (GET /api/cameras) and refreshes it every 30 s.
// A zone the model's text names wins; otherwise the camera's zones of the kind the hazard concerns.
'use strict';
const ZONE_KINDS_OF_HAZARD = {
  restricted_zone_intrusion: ['restricted'],
  forklift_pedestrian_proximity: ['forklift_lane', 'walkway'],
  no_hard_hat: ['ppe_required'],
  no_safety_vest: ['ppe_required'],
};
const zoneIndex = { byCamera: new Map() };

async function loadZoneIndex() {
  try {
    const res = await fetch('/api/cameras', { headers: { accept: 'application/json' } });
    if (!res.ok) return;
    const { cameras } = await res.json();
    zoneIndex.byCamera = new Map(cameras.map((c) => [c.id, c.zones]));
    if (typeof renderFeed === 'function') renderFeed(); // app.js's feed, now with zone names
  } catch {
    // the cards simply show no zone until the next refresh
  }
}

/** The zone names an incident concerns (comma-joined), or '' when none applies. */
function zoneFor(inc) {
  const zones = zoneIndex.byCamera.get(inc.cameraId) || [];
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

loadZoneIndex();
setInterval(loadZoneIndex, 30_000);
