import type { HttpFunction } from '@google-cloud/functions-framework';
import type { ReceivedEvent } from '../../shared/src/cloudevents';
import {
  ALERTS_EVENT_TYPES,
  EventType,
  type AlertData,
  type CameraStatusEvent,
  type EventTypeName,
  type VerdictCreated,
} from '../../shared/src/events';
import { createFunctionHandler, type FunctionHandlerDeps } from '../../shared/src/http';
import type { AlertsMetrics } from './adapters/metrics';
import type { AlertStore } from './adapters/redis-store';
import { alertKindOf } from './core/incidents';
import type { EventRecorder } from './app/record-wiring';
import type { CoverageStore } from '../../shared/src/coverage-store';

/** CloudEvent types the alerts function accepts; anything else gets 400. */
export const ACCEPTED_TYPES: readonly EventTypeName[] = ALERTS_EVENT_TYPES;

/** What happened to one event (the HTTP answer's body). */
export interface HandledEvent {
  readonly stored: boolean;
  /** True for a redelivery of an event id already stored. */
  readonly duplicate: boolean;
}

/** What the alerts CloudEvent surface calls into (implemented by the app layer). */
export interface AlertsActions {
  readonly store: Pick<AlertStore, 'applyAlert' | 'addVerdict' | 'putCamera'>;
  /** Received and duplicate events, by type. */
  readonly metrics: Pick<AlertsMetrics, 'received' | 'duplicates'>;
  readonly now?: () => Date;
  /** The system of record (PostgreSQL/PGlite, issue #25); absent with RECORD_DIR=off. */
  readonly record?: EventRecorder | undefined;
  /** Keeps each verdict's window of video for coverage (issue #26.7). */
  readonly coverage?: Pick<CoverageStore, 'judged'> | undefined;
}

/**
 * The `alerts` function: POST / stores one validated CloudEvent (the shared receiver already
 * checked the type and the data schema; redelivery of the same event id is a no-op), plus the
 * dashboard routes of `src/http/`, /healthz, /readyz and /metrics.
 */
export function createAlertsHandler(deps: FunctionHandlerDeps<AlertsActions>): HttpFunction {
  const { store, metrics, now = () => new Date(), record, coverage } = deps.actions;
  const storeEvent = async (event: ReceivedEvent): Promise<HandledEvent> => {
    const receivedAt = now().toISOString();
    const kind = alertKindOf(event.type);
    let stored: boolean;
    // Redis (the live state), then the record. The record is written even when Redis already had the
    // event: a redelivery after the record failed (503, database down) must still reach it.
    let recorded = false;
    if (kind) {
      const data = event.data as AlertData;
      stored = (await store.applyAlert(event.id, kind, data, receivedAt)) !== undefined;
      if (record) recorded = await record.alert(event.id, kind, data, receivedAt);
    } else if (event.type === EventType.verdictCreated) {
      const verdict = event.data as VerdictCreated;
      stored = await store.addVerdict(event.id, verdict, receivedAt);
      // idempotent (ZADD of the same window): a redelivery writes nothing new
      const start = Date.parse(verdict.capturedAt);
      if (coverage && verdict.durationMs !== undefined)
        await coverage.judged(verdict.cameraId, start, start + verdict.durationMs);
      if (record) recorded = await record.verdict(event.id, verdict);
    } else {
      stored = await store.putCamera(event.id, event.data as CameraStatusEvent);
      if (record) recorded = await record.camera(event.id, event.data as CameraStatusEvent);
    }
    return { stored: stored || recorded, duplicate: !stored && !recorded };
  };
  return createFunctionHandler({
    name: 'alerts',
    accepted: ACCEPTED_TYPES,
    onEvent: async (event) => {
      metrics.received.inc({ type: event.type });
      const result = await storeEvent(event);
      if (result.duplicate) metrics.duplicates.inc({ type: event.type });
      return result;
    },
    readiness: deps.readiness,
    registry: deps.registry,
    logger: deps.logger,
    ...(deps.routes ? { routes: deps.routes } : {}),
  });
}
