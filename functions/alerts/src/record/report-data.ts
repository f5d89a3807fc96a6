import type { Queryable } from '../../../shared/src/record/db';
import type { CameraEventRow, ReportActionRow, ReportIncidentRow } from '../core/report';
import type { ReportWindow } from '../core/report-window';

/** The record's rows behind one report (the window's incidents and camera events; the actions open now). */
export async function reportRows(
  db: Queryable,
  w: ReportWindow,
): Promise<{ incidents: ReportIncidentRow[]; actions: ReportActionRow[]; cameraEvents: CameraEventRow[] }> {
  const [incidents, actions, cameraEvents] = await Promise.all([
    db.query<ReportIncidentRow>(
      `SELECT incident_id AS "incidentId", camera_id AS "cameraId", hazard_type AS "hazardType", severity, summary,
         opened_at AS "openedAt", acknowledged_at AS "acknowledgedAt", resolved_at AS "resolvedAt",
         clip_paths[1] AS "thumbClip"
       FROM incidents WHERE opened_at >= $1 AND opened_at < $2 ORDER BY opened_at`,
      [w.from, w.to],
    ),
    // the actions open now, whatever the window: what the shift still has to do (overdue ones first)
    db.query<ReportActionRow>(
      `SELECT action_id::text AS "actionId", incident_id AS "incidentId", text, owner, due_at AS "dueAt", status
       FROM actions WHERE status IN ('open', 'in_progress') ORDER BY due_at LIMIT 500`,
    ),
    // the window's events, and the last one before it per camera (its state when the window opened)
    db.query<CameraEventRow>(
      `SELECT camera_id AS "cameraId", status, at FROM camera_events WHERE at >= $1 AND at < $2
       UNION ALL
       SELECT DISTINCT ON (camera_id) camera_id, status, at FROM camera_events WHERE at < $1
       ORDER BY 1, 3`,
      [w.from, w.to],
    ),
  ]);
  return { incidents, actions, cameraEvents };
}
