import type { AlertData } from '../../../shared/src/events';
import type { DashboardIncident } from './incidents';

/**
 * An open incident whose camera stops producing verdicts (offline, removed from the registry, the
 * stack stopped) must not stay "open" for ever (issue #28.4: a second `npm start` showed the first
 * run's incidents open 1 h 33 min later, with cameras that could never confirm or resolve them).
 * Pure rule, run by the alerts function on every dashboard refresh (it outlives capture and keeps
 * a replica while inference may scale to zero; the same reasoning as core/camera-liveness.ts):
 *
 * - **unobserved**: no verdict from its camera for `unobservedAfterMs` (CAMERA_OFFLINE_SECONDS +
 *   two clip lengths, the camera watchdog's margin). Marked from the time of the camera's last
 *   verdict, shown on the card and in the API and the record. A camera gone from the registry
 *   (deleted, disabled, or dropped by a smaller NUM_STREAMS) is unobserved at once: no verdict can come.
 * - **observed again**: a verdict of its camera newer than the mark clears it.
 * - **resolved**: still unobserved `resolveAfterMs` (ALERTS_UNOBSERVED_RESOLVE_SECONDS) after
 *   that; resolved with reason `unobserved` through the normal `alert.resolved` event.
 *
 * Silence of a camera still in the registry is counted from this process's start at the earliest,
 * so a restarted alerts (or a whole stack started again) gives a live camera time to speak before
 * its incidents are judged; a removed camera's incidents go at once. `camera_offline` incidents are
 * about the silence itself and close when the camera returns (inference's engine): only a removed
 * camera's is resolved here.
 */
export interface ObservationInputs {
  readonly open: readonly DashboardIncident[];
  /** Newest verdict per camera, in this function's clock (the verdict's `receivedAt`), ms. */
  readonly lastVerdictMs: ReadonlyMap<string, number>;
  /** Enabled cameras in the registry; undefined = unknown (an empty or unreadable registry): every camera counts. */
  readonly active: ReadonlySet<string> | undefined;
  readonly startedAtMs: number;
  readonly unobservedAfterMs: number;
  readonly resolveAfterMs: number;
  readonly now: number;
}

export type ObservationChange =
  | { readonly kind: 'unobserved'; readonly incident: DashboardIncident; readonly since: string }
  | { readonly kind: 'observed'; readonly incident: DashboardIncident }
  | { readonly kind: 'resolve'; readonly incident: DashboardIncident; readonly since: string };

const iso = (ms: number) => new Date(ms).toISOString();

/** The last time anything showed this incident's camera was judged: its newest verdict or alert event. */
function lastObservedMs(i: DashboardIncident, lastVerdictMs: ReadonlyMap<string, number>): number {
  return Math.max(lastVerdictMs.get(i.cameraId) ?? 0, Date.parse(i.lastReceivedAt));
}

/** What to change for each open incident (pure; at most one change each). */
export function planObservation(src: ObservationInputs): ObservationChange[] {
  const changes: ObservationChange[] = [];
  for (const incident of src.open) {
    if (incident.state !== 'open') continue;
    const gone = src.active !== undefined && !src.active.has(incident.cameraId);
    if (incident.hazardType === 'camera_offline' && !gone) continue;
    const last = lastObservedMs(incident, src.lastVerdictMs);
    const marked = incident.unobservedSince === undefined ? undefined : Date.parse(incident.unobservedSince);
    if (marked !== undefined && last > marked && !gone) {
      changes.push({ kind: 'observed', incident });
      continue;
    }
    const silentMs = src.now - (gone ? last : Math.max(last, src.startedAtMs));
    const markAfter = gone ? 0 : src.unobservedAfterMs;
    const since = incident.unobservedSince ?? iso(last);
    if (silentMs >= markAfter + src.resolveAfterMs) changes.push({ kind: 'resolve', incident, since });
    else if (silentMs >= markAfter && marked === undefined) changes.push({ kind: 'unobserved', incident, since });
  }
  return changes;
}

/**
 * The `alert.resolved` data for an incident resolved as unobserved: its latest fields, state
 * resolved at `at` (also its `analyzedAt`, so every reducer orders it after what it had), status
 * `uncertain` (nobody saw the scene get safe), reason `unobserved`.
 */
export function unobservedResolution(i: DashboardIncident, since: string, at: string): AlertData {
  return {
    incidentId: i.incidentId,
    cameraId: i.cameraId,
    status: 'uncertain',
    state: 'resolved',
    severity: i.severity,
    hazardType: i.hazardType,
    hazards: i.hazards,
    summary: `No verdict from camera ${i.cameraId} since ${since}: resolved unobserved (the hazard may still be there).`,
    clipPath: i.clipPath,
    capturedAt: i.capturedAt,
    analyzedAt: at,
    model: i.model,
    openedAt: i.openedAt,
    resolvedAt: at,
    ...(i.clipCount !== undefined ? { clipCount: i.clipCount } : {}),
    reason: 'unobserved',
  };
}

/** The CloudEvent id of that resolution: the engine's own (`<incidentId>-resolved`), so whoever resolves first wins and the other is a duplicate. */
export const resolvedEventId = (incidentId: string): string => `${incidentId}-resolved`;
