import type { ReceivedEvent } from '../../shared/src/cloudevents';
import { EventType, type AlertData, type CameraStatusEvent, type EventTypeName } from '../../shared/src/events';
import type { Notifier } from './app/notifier';
import type { AlertKind } from './core/incident-state';

/** CloudEvent types notify accepts (the Triggers in knative/notify/triggers.yaml); anything else gets 400. */
export const ACCEPTED_TYPES: readonly EventTypeName[] = [
  EventType.alertRaised,
  EventType.alertUpdated,
  EventType.alertResolved,
  EventType.cameraOffline,
  EventType.cameraOnline,
  EventType.tick,
];

const ALERT_KINDS: Partial<Record<EventTypeName, AlertKind>> = {
  [EventType.alertRaised]: 'raised',
  [EventType.alertUpdated]: 'updated',
  [EventType.alertResolved]: 'resolved',
};

/**
 * One validated CloudEvent → queued messages (the answer's body says what happened). `onTick` runs
 * after the escalation tick (wakes the sender, mails the daily report); what it returns joins the answer.
 */
export function createEventHandler(notifier: Notifier, onTick: () => Promise<object | undefined> | void) {
  return async (event: ReceivedEvent): Promise<unknown> => {
    const kind = ALERT_KINDS[event.type];
    if (kind) return notifier.onAlert(kind, event.data as AlertData);
    if (event.type === EventType.tick) {
      const r = await notifier.onTick();
      return { ...r, ...(await onTick()) };
    }
    return notifier.onCamera(event.data as CameraStatusEvent);
  };
}
