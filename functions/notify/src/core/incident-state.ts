import type { AlertData, CameraStatusEvent } from '../../../shared/src/events';

/**
 * What notify remembers about one incident (Redis `notify:incidents`): the highest severity it
 * told, who was told (so the resolution reaches the same people), whether it is over, and the
 * escalation steps already taken. Pure reducers below decide which transition a new event is.
 */
export interface NotifiedIncident {
  readonly incidentId: string;
  readonly cameraId: string;
  readonly hazardType: string;
  readonly severity: 'warning' | 'danger';
  readonly openedAt: string;
  readonly resolved: boolean;
  /** Rules that matched when the incident was raised (or its severity rose). */
  readonly ruleIds: readonly string[];
  /** When danger was first told (ms): an acknowledgement older than this does not stop escalation. */
  readonly dangerSince?: number;
  /** Escalation steps taken per rule id (0 = only the first message). */
  readonly escalationSteps: Readonly<Record<string, number>>;
  /** Latest summary and evidence clip (escalation messages repeat them). */
  readonly summary?: string;
  readonly clipPath?: string;
  /** Bumped on every write (compare-and-set). */
  readonly rev: number;
}

/** The messages an incident can cause, one idempotency key each (with the recipient). */
export type Transition =
  'raised' | 'severity-up' | 'resolved' | 'camera-offline' | 'camera-online' | `escalation-${number}`;

export type AlertKind = 'raised' | 'updated' | 'resolved';

export interface Decision {
  /** undefined: nothing to tell. */
  readonly transition: Transition | undefined;
  /** The state to store (undefined: store nothing). */
  readonly next: NotifiedIncident | undefined;
}

const RANK = { warning: 0, danger: 1 } as const;

/**
 * An alert event against what was told so far. Updates do not flood anyone: only the first
 * message, a severity increase (acknowledged or not) and the resolution are told.
 */
export function decideAlert(
  prev: NotifiedIncident | undefined,
  kind: AlertKind,
  d: AlertData,
  nowMs: number,
): Decision {
  const ended = kind === 'resolved' || d.state === 'resolved';
  if (!prev) {
    // never told: a resolution of an incident nobody heard of stays silent; a first `updated` (its raise was lost) is the raise
    if (ended) return { transition: undefined, next: undefined };
    return {
      transition: 'raised',
      next: {
        incidentId: d.incidentId,
        cameraId: d.cameraId,
        hazardType: d.hazardType,
        severity: d.severity,
        openedAt: d.openedAt,
        resolved: false,
        ruleIds: [],
        ...(d.severity === 'danger' ? { dangerSince: nowMs } : {}),
        escalationSteps: {},
        rev: 0,
      },
    };
  }
  if (prev.resolved) return { transition: undefined, next: undefined };
  if (ended) return { transition: 'resolved', next: { ...prev, resolved: true } };
  if (RANK[d.severity] > RANK[prev.severity])
    return {
      transition: 'severity-up',
      next: { ...prev, severity: d.severity, ...(d.severity === 'danger' ? { dangerSince: nowMs } : {}) },
    };
  return { transition: undefined, next: undefined };
}

/** The incident id notify gives a camera outage: one per camera and offline time. */
export function cameraIncidentId(e: CameraStatusEvent, offlineAt: string): string {
  return `${e.cameraId}-offline-${offlineAt.replace(/[-:.]/g, '')}`;
}

/**
 * `camera.offline` opens a camera outage, `camera.online` ends the open one. `prev` is the camera's
 * open outage, if any.
 */
export function decideCamera(prev: NotifiedIncident | undefined, e: CameraStatusEvent): Decision {
  if (e.status === 'offline') {
    if (prev && !prev.resolved) return { transition: undefined, next: undefined }; // already told
    return {
      transition: 'camera-offline',
      next: {
        incidentId: cameraIncidentId(e, e.at),
        cameraId: e.cameraId,
        hazardType: 'camera_offline',
        severity: 'warning',
        openedAt: e.at,
        resolved: false,
        ruleIds: [],
        escalationSteps: {},
        rev: 0,
      },
    };
  }
  if (!prev || prev.resolved) return { transition: undefined, next: undefined };
  return { transition: 'camera-online', next: { ...prev, resolved: true } };
}

/**
 * The escalation step due at `nowMs` for a rule with `afterMinutes`, counted from when danger was
 * first told: step k is due k × afterMinutes later (k ≥ 1). 0 = none due yet.
 */
export function dueStep(inc: NotifiedIncident, afterMinutes: number, nowMs: number): number {
  if (inc.dangerSince === undefined || inc.resolved) return 0;
  return Math.max(0, Math.floor((nowMs - inc.dangerSince) / (afterMinutes * 60_000)));
}

/** When step `step` falls due (ms). */
export function stepDueAt(inc: NotifiedIncident, afterMinutes: number, step: number): number {
  return (inc.dangerSince ?? 0) + step * afterMinutes * 60_000;
}
