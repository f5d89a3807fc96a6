import type { RecordDb } from '../../../shared/src/record/db';

/** One replica at a time runs the job (a session advisory lock; the others skip this round). */
const RETENTION_LOCK = 7_244_250_026;

export interface RetentionResult {
  /** False when another replica held the lock. */
  readonly ran: boolean;
  readonly incidents: number;
  readonly verdicts: number;
  readonly cameraEvents: number;
  readonly feedback: number;
  readonly auditEntries: number;
  /** Clip paths of every incident on legal hold (re-asserted in Redis for capture's retention). */
  readonly heldClips: string[];
}

const NOT_RUN: RetentionResult = {
  ran: false,
  incidents: 0,
  verdicts: 0,
  cameraEvents: 0,
  feedback: 0,
  auditEntries: 0,
  heldClips: [],
};

/**
 * The record's retention by class (docs/records.md "Retention"): incidents — with their transitions
 * and corrective actions (ON DELETE CASCADE) — resolved longer than `days` ago and not on legal hold;
 * non-safe verdict summaries, camera events and operator feedback (unless about a held incident)
 * older than `days`; notification deliveries older than `days` whose incident is gone; audit entries
 * older than `days` (the table's trigger lets the job delete only entries older than 5 years, whatever
 * `days` says).
 * Clips are not touched here: capture's retention deletes them, and keeps the held ones.
 */
export async function runRecordRetention(db: RecordDb, days: number, now: Date): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db.session(async (conn) => {
    const [lock] = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RETENTION_LOCK]);
    if (!lock?.ok) return NOT_RUN;
    try {
      const count = async (sql: string): Promise<number> => (await conn.query(sql, [cutoff])).length;
      const incidents = await count(
        `DELETE FROM incidents WHERE NOT legal_hold AND state = 'resolved' AND coalesce(resolved_at, opened_at) < $1
         RETURNING incident_id`,
      );
      const verdicts = await count('DELETE FROM verdicts WHERE analyzed_at < $1 RETURNING event_id');
      const cameraEvents = await count('DELETE FROM camera_events WHERE at < $1 RETURNING event_id');
      // notification deliveries go with their incident (kept while it is kept: on hold, or not yet old)
      await conn.query(
        `DELETE FROM notification_deliveries d WHERE d.at < $1
         AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.incident_id = d.incident_id)`,
        [cutoff],
      );
      // feedback on an incident on legal hold (or on a verdict of one of its clips) stays with it
      const feedback = await count(
        `DELETE FROM feedback f WHERE at < $1 AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.legal_hold
           AND ((f.target_kind = 'incident' AND f.target_id = i.incident_id) OR f.clip_path = ANY(i.clip_paths)))
         RETURNING id`,
      );
      await conn.exec('BEGIN');
      let auditEntries: number;
      try {
        await conn.query("SELECT set_config('safetyhanta.retention', 'on', true)"); // this transaction only
        // never asks for an entry younger than 5 years (the trigger would refuse the whole statement)
        auditEntries = await count(
          "DELETE FROM audit_log WHERE at < $1 AND at < now() - interval '1826 days' RETURNING id",
        );
        await conn.exec('COMMIT');
      } catch (err) {
        await conn.exec('ROLLBACK');
        throw err;
      }
      const held = await conn.query<{ clip: string }>(
        'SELECT DISTINCT unnest(clip_paths) AS clip FROM incidents WHERE legal_hold',
      );
      return {
        ran: true,
        incidents,
        verdicts,
        cameraEvents,
        feedback,
        auditEntries,
        heldClips: held.map((h) => h.clip),
      };
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
    }
  });
}
