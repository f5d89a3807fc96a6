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
 * schema). Redelivery of the same event id is a no-op.
 */
export function createEventHandler(store: AlertStore, now: () => Date = () => new Date()) {
  return async (event: ReceivedEvent): Promise<HandledEvent> => {
    const receivedAt = now().toISOString();
    const kind = alertKindOf(event.type);
    let stored: boolean;
    if (kind) stored = (await store.applyAlert(event.id, kind, event.data as AlertData, receivedAt)) !== undefined;
    else if (event.type === EventType.verdictCreated)
      stored = await store.addVerdict(event.id, event.data as VerdictCreated, receivedAt);
    else stored = await store.putCamera(event.id, event.data as CameraStatusEvent);
    return { stored, duplicate: !stored };
  };
}
