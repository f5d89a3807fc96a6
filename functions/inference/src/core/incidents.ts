import {
  HAZARD_TYPES,
  severityOf,
  type Hazard,
  type HazardType,
  type Severity,
  type VerdictStatus,
} from '../../../shared/src/verdict';

/**
 * The incident engine (docs/architecture.md §4.4), pure: state in, state and transitions out. The caller
 * loads one camera's state from Redis, applies a verdict or a camera status event, and
 * commits the result atomically (compare-and-set), so pods judging clips of one camera at
 * the same time never lose an update.
 */

/** An incident is keyed by (camera, hazard type), never by free text. */
export type IncidentType = HazardType | 'camera_offline';
export const INCIDENT_TYPES: readonly IncidentType[] = [...HAZARD_TYPES, 'camera_offline'];

export interface IncidentPolicy {
  /** A warning hazard raises when seen in `confirmK` … */
  confirmK: number;
  /** … of the last `confirmN` certain verdicts of the camera. */
  confirmN: number;
  /** Consecutive clean clips (without the hazard) that resolve an open incident. */
  resolveAfter: number;
  /** After a resolve, the same (camera, hazard) raises no new incident for this long. */
  cooldownMs: number;
  /**
   * A camera silent this long (no verdict at all) had its open incidents resolved as unobserved by
   * the alerts function (issue #28.4: CAMERA_OFFLINE_SECONDS + 2 × SEGMENT_SECONDS +
   * ALERTS_UNOBSERVED_RESOLVE_SECONDS). When its verdicts return, the engine closes them too, so a
   * hazard still there raises a new incident (no cooldown) instead of updating one everybody was
   * told had ended. Undefined = never.
   */
  unobservedResolveMs?: number;
}

export interface Incident {
  incidentId: string;
  cameraId: string;
  type: IncidentType;
  severity: Severity;
  state: 'open' | 'resolved';
  openedAt: string;
  lastSeenAt: string;
  resolvedAt?: string;
  /** Clips that showed the hazard while open (the raising one included). */
  clipCount: number;
  /** Consecutive clean clips since the hazard was last seen. */
  cleanStreak: number;
  /** Set when it was closed because its camera went silent (issue #28.4); such a resolve starts no cooldown. */
  resolvedReason?: 'unobserved';
}

/** One certain verdict in a camera's sliding window. */
export interface WindowEntry {
  jobId: string;
  types: HazardType[];
}

/** Everything the engine knows about one camera. */
export interface CameraState {
  /** Last `confirmN` certain verdicts, oldest first. */
  window: WindowEntry[];
  incidents: Partial<Record<IncidentType, Incident>>;
  /** Newest verdict of the camera (any status), ms: how long it was silent (issue #28.4). */
  lastVerdictAtMs?: number;
}

export type TransitionKind = 'raised' | 'updated' | 'resolved';

export interface Transition {
  kind: TransitionKind;
  incident: Incident;
  /** The verdict's hazards of this type (empty on resolve and for camera events). */
  hazards: Hazard[];
}

export interface VerdictInput {
  jobId: string;
  cameraId: string;
  status: VerdictStatus;
  hazards: readonly Hazard[];
  /** Analysis time (ms since epoch): cooldowns run on the clock of the pod that judges. */
  nowMs: number;
}

export interface CameraStatusInput {
  cameraId: string;
  status: 'offline' | 'online';
  /** When the camera went offline/online (ms since epoch). */
  atMs: number;
}

export interface EngineResult {
  state: CameraState;
  transitions: Transition[];
  /** Hazard types seen during a cooldown (no alert; logged and counted). */
  suppressed: IncidentType[];
}

export const emptyCameraState = (): CameraState => ({ window: [], incidents: {} });

const iso = (ms: number) => new Date(ms).toISOString();

function clone(state: CameraState): CameraState {
  return JSON.parse(JSON.stringify(state)) as CameraState;
}

function inCooldown(incident: Incident | undefined, nowMs: number, policy: IncidentPolicy): boolean {
  return (
    incident?.state === 'resolved' &&
    incident.resolvedReason === undefined &&
    incident.resolvedAt !== undefined &&
    nowMs < Date.parse(incident.resolvedAt) + policy.cooldownMs
  );
}

/**
 * Applies one verdict. `uncertain` neither confirms nor clears: the state is returned unchanged.
 * Danger hazards raise at once; warnings need k of the last n certain clips; an open incident
 * gets `updated`; m clean clips in a row resolve it.
 */
export function applyVerdict(prev: CameraState, v: VerdictInput, policy: IncidentPolicy): EngineResult {
  const silentMs = prev.lastVerdictAtMs === undefined ? 0 : v.nowMs - prev.lastVerdictAtMs;
  const silent = policy.unobservedResolveMs !== undefined && silentMs >= policy.unobservedResolveMs;
  const state = clone(prev);
  const transitions: Transition[] = silent ? closeUnobserved(state, prev.lastVerdictAtMs ?? v.nowMs, policy) : [];
  state.lastVerdictAtMs = Math.max(prev.lastVerdictAtMs ?? 0, v.nowMs);
  if (v.status === 'uncertain') return { state, transitions, suppressed: [] };
  const now = iso(v.nowMs);
  const seen = [...new Set(v.hazards.map((h) => h.type))].sort();
  state.window = [...state.window, { jobId: v.jobId, types: seen }].slice(-policy.confirmN);
  const suppressed: IncidentType[] = [];

  for (const type of seen) {
    const hazards = v.hazards.filter((h) => h.type === type);
    const current = state.incidents[type];
    if (current?.state === 'open') {
      current.clipCount += 1;
      current.cleanStreak = 0;
      current.lastSeenAt = now;
      transitions.push({ kind: 'updated', incident: { ...current }, hazards });
      continue;
    }
    const seenIn = state.window.filter((e) => e.types.includes(type)).length;
    const confirmed = severityOf(type) === 'danger' || seenIn >= policy.confirmK;
    if (!confirmed) continue;
    if (inCooldown(current, v.nowMs, policy)) {
      suppressed.push(type);
      continue;
    }
    const incident: Incident = {
      incidentId: `${v.jobId}-${type}`,
      cameraId: v.cameraId,
      type,
      severity: severityOf(type),
      state: 'open',
      openedAt: now,
      lastSeenAt: now,
      clipCount: 1,
      cleanStreak: 0,
    };
    state.incidents[type] = incident;
    transitions.push({ kind: 'raised', incident: { ...incident }, hazards });
  }

  for (const type of INCIDENT_TYPES) {
    const current = state.incidents[type];
    if (type === 'camera_offline' || current?.state !== 'open' || seen.includes(type)) continue;
    current.cleanStreak += 1;
    if (current.cleanStreak >= policy.resolveAfter) {
      current.state = 'resolved';
      current.resolvedAt = now;
      transitions.push({ kind: 'resolved', incident: { ...current }, hazards: [] });
    }
  }
  return { state, transitions, suppressed };
}

/**
 * Closes the open hazard incidents of a camera that was silent for `unobservedResolveMs` (the
 * alerts function resolved them as unobserved meanwhile, with the same event id
 * `<incidentId>-resolved`, so subscribers see one resolve whichever comes first). Resolved at the
 * time alerts would have; `camera_offline` is left to the camera's own events.
 */
function closeUnobserved(state: CameraState, lastVerdictAtMs: number, policy: IncidentPolicy): Transition[] {
  const out: Transition[] = [];
  for (const type of INCIDENT_TYPES) {
    const current = state.incidents[type];
    if (type === 'camera_offline' || current?.state !== 'open') continue;
    current.state = 'resolved';
    current.resolvedAt = iso(lastVerdictAtMs + (policy.unobservedResolveMs ?? 0));
    current.resolvedReason = 'unobserved';
    out.push({ kind: 'resolved', incident: { ...current }, hazards: [] });
  }
  return out;
}

/**
 * A camera going offline is an incident of its own (type `camera_offline`, severity warning),
 * resolved when it comes back. Repeated offline events while open change nothing (dedup).
 */
export function applyCameraStatus(prev: CameraState, e: CameraStatusInput): EngineResult {
  const state = clone(prev);
  const at = iso(e.atMs);
  const current = state.incidents.camera_offline;
  const transitions: Transition[] = [];
  if (e.status === 'offline' && current?.state !== 'open') {
    const incident: Incident = {
      incidentId: `${e.cameraId}-camera_offline-${at.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`,
      cameraId: e.cameraId,
      type: 'camera_offline',
      severity: 'warning',
      state: 'open',
      openedAt: at,
      lastSeenAt: at,
      clipCount: 0,
      cleanStreak: 0,
    };
    state.incidents.camera_offline = incident;
    transitions.push({ kind: 'raised', incident: { ...incident }, hazards: [] });
  } else if (e.status === 'online' && current?.state === 'open') {
    current.state = 'resolved';
    current.resolvedAt = at;
    current.lastSeenAt = at;
    transitions.push({ kind: 'resolved', incident: { ...current }, hazards: [] });
  }
  return { state, transitions, suppressed: [] };
}
