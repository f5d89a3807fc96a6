import type { ReceivedEvent } from '../../shared/src/cloudevents';
import {
  EventType,
  type AlertData,
  type CameraStatusEvent,
  type EventTypeName,
  type VerdictCreated,
} from '../../shared/src/events';
import type { AlertStore } from './adapters/redis-store';
import { alertKindOf } from './core/incidents';
import type { EventRecorder } from './app/record-wiring';

/** CloudEvent types the alerts function accepts; anything else gets 400. */
export const ACCEPTED_TYPES: readonly EventTypeName[] = [
  EventType.alertRaised,
  EventType.alertUpdated,
  EventType.alertResolved,
  EventType.verdictCreated,
  EventType.cameraOffline,
  EventType.cameraOnline,
];

/** What happened to one event (the HTTP answer's body). */
export interface HandledEvent {
  readonly stored: boolean;
  /** True for a redelivery of an event id already stored. */
  readonly duplicate: boolean;
}

/**
 * Stores one validated CloudEvent (the shared receiver already checked the type and the data
 * schema): in Redis (the live state), then in the record (PostgreSQL). Redelivery of the same
 * event id is a no-op in both. The record is written even when Redis already had the event: a
 * redelivery after the record failed (503) must still reach it.
 */
export function createEventHandler(store: AlertStore, now: () => Date = () => new Date(), record?: EventRecorder) {
  return async (event: ReceivedEvent): Promise<HandledEvent> => {
    const receivedAt = now().toISOString();
    const kind = alertKindOf(event.type);
    let stored: boolean;
    let recorded = false;
    if (kind) {
      const data = event.data as AlertData;
      stored = (await store.applyAlert(event.id, kind, data, receivedAt)) !== undefined;
      if (record) recorded = await record.alert(event.id, kind, data, receivedAt);
    } else if (event.type === EventType.verdictCreated) {
      stored = await store.addVerdict(event.id, event.data as VerdictCreated, receivedAt);
      if (record) recorded = await record.verdict(event.id, event.data as VerdictCreated);
    } else {
      stored = await store.putCamera(event.id, event.data as CameraStatusEvent);
      if (record) recorded = await record.camera(event.id, event.data as CameraStatusEvent);
    }
    return { stored: stored || recorded, duplicate: !stored && !recorded };
  };
}
