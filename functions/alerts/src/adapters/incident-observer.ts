import type { Logger } from 'pino';
import type { Publisher } from '../../../shared/src/cloudevents';
import { toError } from '../../../shared/src/errors';
import { EventType } from '../../../shared/src/events';
import type { EventRecorder } from '../app/record-wiring';
import type { DashboardIncident } from '../core/incidents';
import { planObservation, resolvedEventId, unobservedResolution, type ObservationChange } from '../core/observation';
import type { AlertStore } from './redis-store';

export interface IncidentObserverOptions {
  readonly store: Pick<AlertStore, 'applyAlert' | 'markObservation'>;
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly record?: Pick<EventRecorder, 'alert' | 'observation'> | undefined;
  readonly logger: Logger;
  /** No verdict this long: unobserved (CAMERA_OFFLINE_SECONDS + the watchdog's margin). */
  readonly unobservedAfterMs: number;
  /** ALERTS_UNOBSERVED_RESOLVE_SECONDS, in ms. */
  readonly resolveAfterMs: number;
  /** This process's start: a live camera's silence is counted from here at the earliest. */
  readonly startedAtMs: number;
}

/**
 * Applies core/observation.ts to the open incidents on each dashboard refresh (issue #28.4): marks
 * them unobserved or observed again (Redis, then the record), and resolves those unobserved too
 * long by publishing the normal `alert.resolved` with reason `unobserved` to K_SINK (so notify
 * tells people), then storing it as this function's own event, as the camera watchdog does (so
 * the dashboard shows it without a Broker routing it back). A failed publish stores nothing; the
 * next refresh tries again. Every replica may do the same: the CAS on `rev` and the event id
 * (`<incidentId>-resolved`, the engine's own) make it happen once.
 */
export class IncidentObserver {
  constructor(private readonly opts: IncidentObserverOptions) {}

  async review(src: {
    readonly open: readonly DashboardIncident[];
    readonly lastVerdicts: ReadonlyMap<string, { readonly receivedAt: string }>;
    readonly active: ReadonlySet<string> | undefined;
    readonly now: number;
  }): Promise<void> {
    const lastVerdictMs = new Map([...src.lastVerdicts].map(([id, v]) => [id, Date.parse(v.receivedAt)]));
    const changes = planObservation({
      open: src.open,
      lastVerdictMs,
      active: src.active,
      startedAtMs: this.opts.startedAtMs,
      unobservedAfterMs: this.opts.unobservedAfterMs,
      resolveAfterMs: this.opts.resolveAfterMs,
      now: src.now,
    });
    for (const c of changes) {
      try {
        await this.apply(c, new Date(src.now).toISOString());
      } catch (err) {
        this.opts.logger.warn(
          { incidentId: c.incident.incidentId, change: c.kind, err: toError(err).message },
          'incident observation not applied; the next refresh retries',
        );
      }
    }
  }

  private async apply(c: ObservationChange, at: string): Promise<void> {
    const { store, record, logger } = this.opts;
    const id = c.incident.incidentId;
    if (c.kind === 'resolve') {
      const data = unobservedResolution(c.incident, c.since, at);
      const eventId = resolvedEventId(id);
      // first: keep when it stopped being seen (the Broker may route the resolve back before we store it)
      await store.markObservation(id, { kind: 'unobserved', since: c.since });
      await record?.observation(id, { kind: 'unobserved', since: c.since }, at);
      await this.opts.publisher.publish({
        id: eventId,
        type: EventType.alertResolved,
        cameraId: data.cameraId,
        data,
        extensions: { incidentid: id, severity: data.severity },
      });
      await store.applyAlert(eventId, 'resolved', data, at);
      await record?.alert(eventId, 'resolved', data, at);
      logger.warn({ incidentId: id, cameraId: data.cameraId, since: c.since }, 'incident resolved unobserved');
      return;
    }
    const mark = c.kind === 'unobserved' ? { kind: c.kind, since: c.since } : { kind: c.kind };
    await store.markObservation(id, mark);
    await record?.observation(id, mark, at);
    logger.info({ incidentId: id, cameraId: c.incident.cameraId, ...mark }, `incident ${c.kind}`);
  }
}
