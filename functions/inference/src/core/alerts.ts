import { EventType, type AlertData } from '../../../shared/src/events';
import type { Hazard, VerdictStatus } from '../../../shared/src/verdict';
import type { Transition, TransitionKind } from './incidents';

/** What the incident transitions are about: a judged clip, or a camera status change. */
export interface AlertContext {
  status: VerdictStatus;
  summary: string;
  clipPath: string;
  capturedAt: string;
  analyzedAt: string;
  model: string;
}

/** A CloudEvent to publish, with a deterministic id so a redelivery is idempotent for subscribers. */
export interface PlannedEvent {
  id: string;
  type: typeof EventType.alertRaised | typeof EventType.alertUpdated | typeof EventType.alertResolved;
  cameraId: string;
  data: AlertData;
  extensions: Record<string, string>;
}

const TYPE_OF: Record<TransitionKind, PlannedEvent['type']> = {
  raised: EventType.alertRaised,
  updated: EventType.alertUpdated,
  resolved: EventType.alertResolved,
};

/**
 * Event ids: `<incidentId>-raised`, `<incidentId>-update-<clipCount>`, `<incidentId>-resolved`.
 * The same transition always yields the same id, so a replay after a crash is recognisable.
 */
export function alertEventId(t: Transition): string {
  const { incidentId, clipCount } = t.incident;
  return t.kind === 'updated' ? `${incidentId}-update-${clipCount}` : `${incidentId}-${t.kind}`;
}

/** Builds the alert events for a list of transitions (AlertSchema, docs/architecture.md §3.5). */
export function planAlerts(transitions: readonly Transition[], ctx: AlertContext): PlannedEvent[] {
  return transitions.map((t) => {
    const i = t.incident;
    const hazards: Hazard[] = t.hazards;
    const data: AlertData = {
      incidentId: i.incidentId,
      cameraId: i.cameraId,
      // resolved unobserved (issue #28.4): nobody saw the scene become safe
      status:
        t.kind === 'resolved' && i.resolvedReason === 'unobserved'
          ? 'uncertain'
          : t.kind === 'resolved' && i.type !== 'camera_offline'
            ? 'safe'
            : ctx.status,
      state: i.state,
      severity: i.severity,
      hazardType: i.type,
      hazards,
      summary: ctx.summary,
      clipPath: ctx.clipPath,
      capturedAt: ctx.capturedAt,
      analyzedAt: ctx.analyzedAt,
      model: ctx.model,
      openedAt: i.openedAt,
      ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
      clipCount: i.clipCount,
      ...(t.kind === 'resolved' && i.resolvedReason ? { reason: i.resolvedReason } : {}),
    };
    return {
      id: alertEventId(t),
      type: TYPE_OF[t.kind],
      cameraId: i.cameraId,
      data,
      extensions: { incidentid: i.incidentId, severity: i.severity },
    };
  });
}
