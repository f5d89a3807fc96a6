import type { RecordDb, Queryable } from '../../../shared/src/record/db';
import { RetryableError, toError } from '../../../shared/src/errors';
import type { AlertData, CameraStatusEvent, VerdictCreated } from '../../../shared/src/events';
import {
  acknowledge,
  applyAlertEvent,
  markObserved,
  markUnobserved,
  type AlertEventKind,
  type DashboardIncident,
} from '../core/incidents';
import { INCIDENT_COLUMNS, incidentRowValues, type CameraPlace } from '../core/record-row';

const COLS = INCIDENT_COLUMNS.join(', ');
const PARAMS = INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const SETS = INCIDENT_COLUMNS.slice(1)
  .map((c, i) => `${c} = $${i + 2}`)
  .join(', ');

interface PrevRow {
  doc: DashboardIncident;
  search_text: string;
  clip_paths: string[];
  site: string;
  area: string;
  zones: string[];
}

/** What `alert()` records: the event's id, kind and data, when it arrived, and where its camera is. */
type AlertArgs = [eventId: string, kind: AlertEventKind, data: AlertData, receivedAt: string, place: CameraPlace];

/**
 * Writes the system of record as events arrive (issue #25). Every write is idempotent on its
 * CloudEvent id, so a redelivery changes nothing; a database error becomes a RetryableError, so
 * the event is answered 503 and the Broker delivers it again: nothing is lost while Postgres is down.
 */
export class RecordWriter {
  constructor(private readonly db: RecordDb) {}

  /** Stores an alert event and the incident's new state; false when this event id is already recorded. */
  async alert(...args: AlertArgs): Promise<boolean> {
    return this.retryable(`alert ${args[0]}`, (tx) => this.applyAlert(tx, ...args));
  }

  private async applyAlert(tx: Queryable, ...[eventId, kind, data, receivedAt, place]: AlertArgs): Promise<boolean> {
    if ((await tx.query('SELECT 1 FROM incident_events WHERE event_id = $1', [eventId])).length > 0) return false;
    const input = { eventId, kind, data, receivedAt };
    const created = applyAlertEvent(undefined, input).record;
    const inserted = await tx.query(
      `INSERT INTO incidents (${COLS}) VALUES (${PARAMS}) ON CONFLICT (incident_id) DO NOTHING RETURNING incident_id`,
      incidentRowValues(created, place),
    );
    if (inserted.length === 0) {
      const [prev] = await tx.query<PrevRow>(
        'SELECT doc, search_text, clip_paths, site, area, zones FROM incidents WHERE incident_id = $1 FOR UPDATE',
        [data.incidentId],
      );
      if (!prev) throw new RetryableError(`incident ${data.incidentId} vanished while recording ${eventId}`);
      // the dashboard's reducer, on the recorded state: one set of ordering rules for Redis and the record
      const next = applyAlertEvent({ ...prev.doc, history: [] }, input).record;
      const keptPlace = prev.site || prev.area || prev.zones.length ? prev : place;
      await tx.query(
        `UPDATE incidents SET ${SETS}, updated_at = now() WHERE incident_id = $1`,
        incidentRowValues(next, keptPlace, { searchText: prev.search_text, clipPaths: prev.clip_paths }),
      );
    }
    await tx.query(
      `INSERT INTO incident_events (event_id, incident_id, kind, status, severity, summary, clip_path, analyzed_at, at, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        eventId,
        data.incidentId,
        kind,
        data.status,
        data.severity,
        data.summary,
        data.clipPath,
        data.analyzedAt,
        receivedAt,
        // why it resolved, when it was not the engine's clean clips (issue #28.4: `unobserved`)
        data.reason ?? null,
      ],
    );
    return true;
  }

  /**
   * An incident marked unobserved (its camera's last verdict at `since`) or observed again (issue
   * #28.4): the doc's `unobservedSince` and a transition row whose note says why. False when the
   * record has no such open incident or nothing changes.
   */
  async observation(
    incidentId: string,
    mark: { readonly kind: 'unobserved'; readonly since: string } | { readonly kind: 'observed' },
    at: string,
  ): Promise<boolean> {
    return this.retryable(`${mark.kind} ${incidentId}`, async (tx) => {
      const [row] = await tx.query<{ doc: DashboardIncident }>(
        'SELECT doc FROM incidents WHERE incident_id = $1 FOR UPDATE',
        [incidentId],
      );
      if (!row) return false;
      const prev: DashboardIncident = { ...row.doc, history: [] };
      const next = mark.kind === 'unobserved' ? markUnobserved(prev, mark.since) : markObserved(prev);
      if (next === prev) return false;
      const { history: _h, ...doc } = next;
      await tx.query('UPDATE incidents SET doc = $2, updated_at = now() WHERE incident_id = $1', [
        incidentId,
        JSON.stringify(doc),
      ]);
      const note =
        mark.kind === 'unobserved' ? `no verdict from camera ${prev.cameraId} since ${mark.since}` : 'verdicts again';
      await tx.query(
        `INSERT INTO incident_events (event_id, incident_id, kind, at, note) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_id) DO NOTHING`,
        [`${mark.kind}:${incidentId}:${at}`, incidentId, mark.kind, at, note],
      );
      return true;
    });
  }

  /** Keeps the summary of a non-safe verdict (safe ones are only counted, in Redis). */
  async verdict(eventId: string, v: VerdictCreated): Promise<boolean> {
    if (v.status === 'safe') return false;
    return this.retryable(`verdict ${eventId}`, async (tx) => {
      const rows = await tx.query(
        `INSERT INTO verdicts (event_id, job_id, camera_id, status, hazards, summary, clip_path, analyzed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [eventId, v.jobId, v.cameraId, v.status, v.hazards.map((h) => h.type), v.summary, v.clipPath, v.analyzedAt],
      );
      return rows.length > 0;
    });
  }

  /** camera.offline / camera.online, for the reports' online time. */
  async camera(eventId: string, c: CameraStatusEvent): Promise<boolean> {
    return this.retryable(`camera ${eventId}`, async (tx) => {
      const rows = await tx.query(
        `INSERT INTO camera_events (event_id, camera_id, status, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [eventId, c.cameraId, c.status, c.at],
      );
      return rows.length > 0;
    });
  }

  /**
   * Acknowledges an incident in the record (the first acknowledgement wins, as in Redis), with an
   * optional note. Undefined when the record has no such incident.
   */
  async acknowledge(
    incidentId: string,
    at: string,
    by: string,
    note: string | undefined,
  ): Promise<DashboardIncident | undefined> {
    return this.retryable(`acknowledge ${incidentId}`, async (tx) => {
      const [row] = await tx.query<{ doc: DashboardIncident }>(
        'SELECT doc FROM incidents WHERE incident_id = $1 FOR UPDATE',
        [incidentId],
      );
      if (!row) return undefined;
      const next = acknowledge({ ...row.doc, history: [] }, at, by);
      if (next.acknowledgedAt === row.doc.acknowledgedAt) return row.doc;
      const { history: _h, ...rest } = next;
      const doc = rest as DashboardIncident; // the record keeps transitions as rows, not in the doc
      await tx.query(
        `UPDATE incidents SET acknowledged_at = $2, acknowledged_by = $3, ack_note = $4, doc = $5, updated_at = now()
         WHERE incident_id = $1`,
        [incidentId, at, by, note ?? null, JSON.stringify(doc)],
      );
      await tx.query(
        `INSERT INTO incident_events (event_id, incident_id, kind, at, actor, note) VALUES ($1, $2, 'acknowledged', $3, $4, $5)`,
        [`ack:${incidentId}`, incidentId, at, by, note ?? null],
      );
      return doc;
    });
  }

  private async retryable<T>(what: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (err) {
      throw new RetryableError(`record: ${what} not written (${toError(err).message}); retry the event`, {
        cause: err,
      });
    }
  }
}
