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
  if (v.status === 'uncertain') return { state: prev, transitions: [], suppressed: [] };
  const state = clone(prev);
  const now = iso(v.nowMs);
  const seen = [...new Set(v.hazards.map((h) => h.type))].sort();
  state.window = [...state.window, { jobId: v.jobId, types: seen }].slice(-policy.confirmN);
  const transitions: Transition[] = [];
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
