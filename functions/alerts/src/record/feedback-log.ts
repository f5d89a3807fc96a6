import type { Queryable, RecordDb } from '../../../shared/src/record/db';
import { RetryableError, toError } from '../../../shared/src/errors';
import type { FeedbackKind, FeedbackRecord, FeedbackTarget } from '../../../shared/src/feedback';
import type { Actor, AuditLog } from './audit-log';

/** One row of the record's feedback table (migrations/002_feedback.sql), as the API and the bundle show it. */
export interface FeedbackEntry {
  readonly id: string;
  readonly op: 'given' | 'withdrawn';
  readonly targetKind: 'incident' | 'verdict';
  readonly targetId: string;
  readonly kind: FeedbackKind;
  readonly hazards: string[];
  readonly cameraId: string;
  readonly clipPath: string;
  readonly predicted: FeedbackRecord['predicted'] | null;
  readonly actor: string;
  readonly note: string | null;
  readonly at: string;
}

/** What the feedback routes hand the record (absent with RECORD_DIR=off). */
export interface FeedbackRecorder {
  given(rec: FeedbackRecord, actor: Actor): Promise<void>;
  withdrawn(target: FeedbackTarget, kind: FeedbackKind, actor: Actor): Promise<void>;
}

/**
 * Operator feedback in the system of record (issue #25 item 2): every mark and every withdrawal,
 * each written with its audit entry in one transaction. Redis stays the live set; this is the
 * 5-year history. A database error becomes a RetryableError (the route answers 503 before it
 * touches Redis, so the two never disagree about a mark the record lacks).
 */
export class FeedbackLog implements FeedbackRecorder {
  constructor(
    private readonly db: RecordDb,
    private readonly audit: AuditLog,
  ) {}

  async given(rec: FeedbackRecord, actor: Actor): Promise<void> {
    await this.write('feedback.give', rec.target, actor, async (tx) => {
      await tx.query(
        `INSERT INTO feedback (op, target_kind, target_id, kind, hazards, camera_id, clip_path, predicted, actor, note, at)
         VALUES ('given', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          rec.target.kind,
          rec.target.id,
          rec.kind,
          rec.hazards,
          rec.cameraId,
          rec.clipPath,
          JSON.stringify(rec.predicted),
          actor.name,
          rec.note ?? null,
          rec.at,
        ],
      );
      return { clipPath: rec.clipPath, detail: { kind: rec.kind, hazards: rec.hazards, clipPath: rec.clipPath } };
    });
  }

  async withdrawn(target: FeedbackTarget, kind: FeedbackKind, actor: Actor): Promise<void> {
    await this.write('feedback.withdraw', target, actor, async (tx) => {
      // the withdrawn mark's clip and camera, so the row is found from the clip like the mark was
      const [row] = await tx.query<{ clip_path: string }>(
        `INSERT INTO feedback (op, target_kind, target_id, kind, camera_id, clip_path, actor)
         SELECT 'withdrawn', $1, $2, $3, coalesce(g.camera_id, ''), coalesce(g.clip_path, ''), $4
         FROM (SELECT 1) one LEFT JOIN LATERAL (
           SELECT camera_id, clip_path FROM feedback
           WHERE target_kind = $1 AND target_id = $2 AND kind = $3 AND op = 'given' ORDER BY at DESC, id DESC LIMIT 1
         ) g ON true
         RETURNING clip_path`,
        [target.kind, target.id, kind, actor.name],
      );
      return { clipPath: row?.clip_path ?? '', detail: { kind } };
    });
  }

  /** An incident's feedback, oldest first: marks on the incident, and on a verdict of one of its clips. */
  async ofIncident(incidentId: string, clipPaths: readonly string[]): Promise<FeedbackEntry[]> {
    return this.db.query<FeedbackEntry>(
      `SELECT id::text AS id, op, target_kind AS "targetKind", target_id AS "targetId", kind, hazards,
         camera_id AS "cameraId", clip_path AS "clipPath", predicted, actor, note, at
       FROM feedback
       WHERE (target_kind = 'incident' AND target_id = $1) OR (target_kind = 'verdict' AND clip_path = ANY($2))
       ORDER BY at, id`,
      [incidentId, [...clipPaths]],
    );
  }

  private async write(
    action: string,
    target: FeedbackTarget,
    actor: Actor,
    insert: (tx: Queryable) => Promise<{ clipPath: string; detail: Record<string, unknown> }>,
  ): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const { clipPath, detail } = await insert(tx);
        // the audit target is what the bundle's trail looks for: the incident id, or a verdict's clip
        const on = target.kind === 'incident' ? target.id : clipPath || `verdict:${target.id}`;
        await this.audit.write(actor, { action, target: on, detail: { ...detail, target } }, tx);
      });
    } catch (err) {
      throw new RetryableError(`record: feedback not written (${toError(err).message})`, { cause: err });
    }
  }
}
