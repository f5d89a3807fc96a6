import type { Queryable } from '../../../shared/src/record/db';

/** Who did something, from where: the authenticated identity and the peer address. */
export interface Actor {
  readonly name: string;
  readonly role: string;
  readonly address: string;
}

/**
 * What happened. Views: `view.clip`, `view.thumbnail`, `view.incident`, `view.history`, `view.audit`,
 * `export.csv`, `export.bundle`, `view.report`. Changes: `incident.acknowledge`, `incident.assign`,
 * `incident.hold`, `incident.release`, `action.create`, `action.transition`, `feedback.write`, `camera.write` …
 */
export interface AuditEntry {
  readonly action: string;
  /** What it concerned: a clip path, an incident id, `report:daily:2026-12-06` … */
  readonly target: string;
  readonly detail?: Record<string, unknown>;
}

export interface AuditRow {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly address: string;
  readonly action: string;
  readonly target: string;
  readonly detail: Record<string, unknown> | null;
}

/** The append-only audit log (the database refuses UPDATE and DELETE: migrations/001_record.sql). */
export class AuditLog {
  constructor(private readonly db: Queryable) {}

  async write(actor: Actor, entry: AuditEntry, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      'INSERT INTO audit_log (actor, role, address, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        actor.name.slice(0, 200),
        actor.role,
        actor.address.slice(0, 100),
        entry.action,
        entry.target.slice(0, 1000),
        entry.detail ? JSON.stringify(entry.detail) : null,
      ],
    );
  }

  /** Newest first; filters by target (exact), actor, action, time. */
  async list(f: {
    target?: string | undefined;
    actor?: string | undefined;
    action?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<AuditRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown): string => (params.push(v), `$${params.length}`);
    const conds: string[] = [];
    if (f.target !== undefined) conds.push(`target = ${p(f.target)}`);
    if (f.actor !== undefined) conds.push(`actor = ${p(f.actor)}`);
    if (f.action !== undefined) conds.push(`action = ${p(f.action)}`);
    if (f.from !== undefined) conds.push(`at >= ${p(f.from)}`);
    if (f.to !== undefined) conds.push(`at < ${p(f.to)}`);
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    return this.db.query<AuditRow>(
      `SELECT id::text AS id, at, actor, role, address, action, target, detail FROM audit_log ${where}
       ORDER BY at DESC, id DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
      params,
    );
  }

  /** Every entry about an incident or one of its clips, oldest first (the evidence bundle's trail). */
  async trailOf(incidentId: string, clipPaths: readonly string[]): Promise<AuditRow[]> {
    return this.db.query<AuditRow>(
      `SELECT id::text AS id, at, actor, role, address, action, target, detail FROM audit_log
       WHERE target = $1 OR target = ANY($2) ORDER BY at, id`,
      [incidentId, [...clipPaths]],
    );
  }
}
