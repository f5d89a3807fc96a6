import type { Queryable } from '../../../shared/src/record/db';
import type { DashboardIncident } from '../core/incidents';
import { historyWhere, type ActionStatus, type HistoryFilter } from '../core/record-filter';

/**
 * Beyond this many matches the total is given as "more than". Counting stops at the cap, so its
 * cost grows with it: at 1 M incidents a cap of 10,000 made a common word's count read ~25 k wide
 * rows (0.3–0.6 s, BENCHMARKS.md "Record history search"); past 1,000 a person refines the filter.
 */
export const TOTAL_CAP = 1_000;

export interface RecordedAction {
  readonly actionId: string;
  readonly incidentId: string;
  readonly text: string;
  readonly owner: string;
  readonly dueAt: string;
  readonly status: ActionStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly closedAt: string | null;
  readonly closedComment: string | null;
  readonly overdue: boolean;
}

/** One incident of the history: the dashboard's fields plus what only the record has. */
export interface HistoryIncident extends DashboardIncident {
  readonly site: string;
  readonly area: string;
  readonly zones: readonly string[];
  readonly clipPaths: readonly string[];
  readonly owner: string | null;
  readonly ackNote: string | null;
  readonly legalHold: boolean;
  readonly openActions: number;
  readonly overdueActions: number;
}

interface Row {
  doc: DashboardIncident;
  site: string;
  area: string;
  zones: string[];
  clip_paths: string[];
  owner: string | null;
  ack_note: string | null;
  legal_hold: boolean;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  open_actions: string;
  overdue_actions: string;
}

const iso = (t: string | null): string | undefined => (t === null ? undefined : new Date(t).toISOString());

function toIncident(r: Row): HistoryIncident {
  const ackAt = iso(r.acknowledged_at);
  return {
    ...r.doc,
    history: [],
    ...(ackAt ? { acknowledgedAt: ackAt } : {}),
    ...(r.acknowledged_by ? { acknowledgedBy: r.acknowledged_by } : {}),
    site: r.site,
    area: r.area,
    zones: r.zones,
    clipPaths: r.clip_paths,
    owner: r.owner,
    ackNote: r.ack_note,
    legalHold: r.legal_hold,
    openActions: Number(r.open_actions),
    overdueActions: Number(r.overdue_actions),
  };
}

/** The history's columns of incident `i` (`now` is the parameter the overdue count compares with). */
const COLUMNS = (now: string) => `i.doc, i.site, i.area, i.zones, i.clip_paths, i.owner, i.ack_note, i.legal_hold,
  i.acknowledged_at, i.acknowledged_by,
  (SELECT count(*) FROM actions a WHERE a.incident_id = i.incident_id AND a.status IN ('open', 'in_progress')) AS open_actions,
  (SELECT count(*) FROM actions a WHERE a.incident_id = i.incident_id AND a.status IN ('open', 'in_progress') AND a.due_at < ${now}) AS overdue_actions`;
const SELECT = (now: string) => `SELECT ${COLUMNS(now)} FROM incidents i`;

/** Reads of the record: the history, one incident with everything about it, actions. */
export class RecordReader {
  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One page of the filtered history, newest first, and how many match (capped at {@link TOTAL_CAP}). */
  async search(f: HistoryFilter): Promise<{ incidents: HistoryIncident[]; total: number; totalCapped: boolean }> {
    const now = this.now();
    const { where, params } = historyWhere(f, now);
    const n = params.length;
    // One walk of the matches, newest first, serves both the capped count and the page (before, two
    // queries read the same rows twice). It selects only the key and the filter columns, so on a
    // covering index it is an index-only scan; the wide rows (the JSON doc) are then read by primary
    // key for the page alone. docs/records.md "Indexes, and why".
    const upTo = Math.max(TOTAL_CAP + 1, f.offset + f.limit);
    const rows = await this.db.query<Row & { total: string; page_at: string | null }>(
      `WITH m AS MATERIALIZED (
         SELECT i.incident_id, i.opened_at FROM incidents i ${where}
         ORDER BY i.opened_at DESC, i.incident_id DESC LIMIT $${n + 1}),
       page AS (SELECT incident_id, opened_at FROM m ORDER BY opened_at DESC, incident_id DESC LIMIT $${n + 2} OFFSET $${n + 3})
       SELECT t.total, r.* FROM (SELECT count(*) AS total FROM m) t
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS(`$${n + 4}`)}, p.opened_at AS page_at, p.incident_id AS page_id
         FROM page p JOIN incidents i ON i.incident_id = p.incident_id) r ON true
       ORDER BY r.page_at DESC, r.page_id DESC`,
      [...params, upTo, f.limit, f.offset, now.toISOString()],
    );
    const total = Math.min(Number(rows[0]?.total ?? 0), TOTAL_CAP + 1);
    const page = rows.filter((r) => r.page_at !== null);
    return { incidents: page.map(toIncident), total: Math.min(total, TOTAL_CAP), totalCapped: total > TOTAL_CAP };
  }

  async incident(id: string): Promise<HistoryIncident | undefined> {
    const rows = await this.db.query<Row>(`${SELECT('$2')} WHERE i.incident_id = $1`, [id, this.now().toISOString()]);
    return rows[0] ? toIncident(rows[0]) : undefined;
  }

  /** Every transition of an incident, oldest first: alert events and operators' changes. */
  async transitions(id: string): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT event_id AS "eventId", kind, status, severity, summary, clip_path AS "clipPath", analyzed_at AS "analyzedAt",
        at, actor, note FROM incident_events WHERE incident_id = $1 ORDER BY at, event_id`,
      [id],
    );
  }

  async actions(incidentId: string): Promise<RecordedAction[]> {
    return this.actionRows('WHERE incident_id = $1', [incidentId]);
  }

  async action(actionId: string): Promise<RecordedAction | undefined> {
    return (await this.actionRows('WHERE action_id = $1', [actionId]))[0];
  }

  /** The transitions of an incident's actions, oldest first. */
  async actionEvents(incidentId: string): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT e.action_id AS "actionId", e.from_status AS "from", e.to_status AS "to", e.at, e.actor, e.comment
       FROM action_events e JOIN actions a USING (action_id) WHERE a.incident_id = $1 ORDER BY e.at, e.id`,
      [incidentId],
    );
  }

  private async actionRows(where: string, params: unknown[]): Promise<RecordedAction[]> {
    const now = this.now();
    const rows = await this.db.query<Omit<RecordedAction, 'overdue'>>(
      `SELECT action_id::text AS "actionId", incident_id AS "incidentId", text, owner, due_at AS "dueAt", status,
        created_at AS "createdAt", created_by AS "createdBy", closed_at AS "closedAt", closed_comment AS "closedComment"
       FROM actions ${where} ORDER BY action_id`,
      params,
    );
    return rows.map((r) => ({
      ...r,
      dueAt: new Date(r.dueAt).toISOString(),
      overdue: (r.status === 'open' || r.status === 'in_progress') && Date.parse(r.dueAt) < now.getTime(),
    }));
  }
}
