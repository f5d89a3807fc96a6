import type { RecordDb } from '../../../shared/src/record/db';
import { checkTransition } from '../core/actions';
import type { ActionStatus } from '../core/record-filter';
import type { Actor, AuditLog } from './audit-log';

export type WorkflowResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 409; error: string };

const notFound = (what: string): WorkflowResult<never> => ({ ok: false, status: 404, error: `no ${what}` });

/**
 * The operators' changes to the record: assignment, legal hold, corrective actions. Each change
 * and its audit entry are one transaction: there is no change without its entry.
 */
export class Workflow {
  constructor(
    private readonly db: RecordDb,
    private readonly audit: AuditLog,
  ) {}

  async assign(incidentId: string, owner: string, who: Actor): Promise<WorkflowResult<{ owner: string }>> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ owner: string | null }>(
        'UPDATE incidents SET owner = $2, updated_at = now() WHERE incident_id = $1 RETURNING owner',
        [incidentId, owner],
      );
      if (rows.length === 0) return notFound(`incident ${incidentId}`);
      await tx.query(
        `INSERT INTO incident_events (event_id, incident_id, kind, actor, note)
         VALUES ('assign:' || gen_random_uuid(), $1, 'assigned', $2, $3)`,
        [incidentId, who.name, owner],
      );
      await this.audit.write(who, { action: 'incident.assign', target: incidentId, detail: { owner } }, tx);
      return { ok: true, value: { owner } };
    });
  }

  /** Legal hold keeps the incident's clips (capture's retention) and the record (the retention job). */
  async hold(
    incidentId: string,
    hold: boolean,
    reason: string,
    who: Actor,
  ): Promise<WorkflowResult<{ legalHold: boolean; clipPaths: string[] }>> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ clip_paths: string[] }>(
        'UPDATE incidents SET legal_hold = $2, updated_at = now() WHERE incident_id = $1 RETURNING clip_paths',
        [incidentId, hold],
      );
      const row = rows[0];
      if (!row) return notFound(`incident ${incidentId}`);
      await tx.query(
        `INSERT INTO incident_events (event_id, incident_id, kind, actor, note)
         VALUES ('hold:' || gen_random_uuid(), $1, $2, $3, $4)`,
        [incidentId, hold ? 'hold' : 'release', who.name, reason],
      );
      await this.audit.write(
        who,
        { action: hold ? 'incident.hold' : 'incident.release', target: incidentId, detail: { reason } },
        tx,
      );
      return { ok: true, value: { legalHold: hold, clipPaths: row.clip_paths } };
    });
  }

  async createAction(
    incidentId: string,
    a: { text: string; owner: string; due: string },
    who: Actor,
  ): Promise<WorkflowResult<{ actionId: string }>> {
    return this.db.transaction(async (tx) => {
      const exists = await tx.query('SELECT 1 FROM incidents WHERE incident_id = $1', [incidentId]);
      if (exists.length === 0) return notFound(`incident ${incidentId}`);
      const [row] = await tx.query<{ action_id: string }>(
        `INSERT INTO actions (incident_id, text, owner, due_at, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING action_id::text`,
        [incidentId, a.text, a.owner, a.due, who.name],
      );
      const actionId = row?.action_id ?? '';
      await tx.query('INSERT INTO action_events (action_id, to_status, actor) VALUES ($1, $2, $3)', [
        actionId,
        'open',
        who.name,
      ]);
      await this.audit.write(
        who,
        { action: 'action.create', target: incidentId, detail: { actionId, text: a.text, owner: a.owner, due: a.due } },
        tx,
      );
      return { ok: true, value: { actionId } };
    });
  }

  async transition(
    actionId: string,
    to: ActionStatus,
    comment: string | undefined,
    who: Actor,
  ): Promise<WorkflowResult<{ actionId: string; from: ActionStatus; to: ActionStatus }>> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: ActionStatus; incident_id: string }>(
        'SELECT status, incident_id FROM actions WHERE action_id = $1 FOR UPDATE',
        [actionId],
      );
      if (!row) return notFound(`action ${actionId}`);
      const check = checkTransition(row.status, to, comment);
      if (!check.ok) return check;
      await tx.query(
        `UPDATE actions SET status = $2, updated_at = now(),
           closed_at = CASE WHEN $2 = 'verified' THEN now() ELSE NULL END,
           closed_comment = CASE WHEN $2 = 'verified' THEN $3 ELSE closed_comment END
         WHERE action_id = $1`,
        [actionId, to, comment ?? null],
      );
      await tx.query(
        'INSERT INTO action_events (action_id, from_status, to_status, actor, comment) VALUES ($1, $2, $3, $4, $5)',
        [actionId, row.status, to, who.name, comment ?? null],
      );
      await this.audit.write(
        who,
        {
          action: 'action.transition',
          target: row.incident_id,
          detail: { actionId, from: row.status, to, ...(comment ? { comment } : {}) },
        },
        tx,
      );
      return { ok: true, value: { actionId, from: row.status, to } };
    });
  }
}
