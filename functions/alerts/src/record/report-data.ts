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
    // the window's events, and the last one before it per camera (its state when the window opened).
    // The cameras are found by a loose index scan (a recursive CTE stepping from one camera_id to the
    // next on camera_events_camera_at, PostgreSQL wiki "Loose indexscan"), and each one's last event
    // before the window by one backward probe of the same index: ~200 probes, where a DISTINCT ON over
    // all earlier events read 73 k rows (0.17 s at 1 M incidents) and, lacking an ORDER BY of its own,
    // kept each camera's first event instead of its last.
    db.query<CameraEventRow>(
      `WITH RECURSIVE cams AS (
         SELECT min(camera_id) AS c FROM camera_events
         UNION ALL
         SELECT (SELECT min(camera_id) FROM camera_events WHERE camera_id > cams.c) FROM cams WHERE cams.c IS NOT NULL)
       SELECT camera_id AS "cameraId", status, at FROM camera_events WHERE at >= $1 AND at < $2
       UNION ALL
       SELECT last.camera_id, last.status, last.at FROM cams CROSS JOIN LATERAL (
         SELECT camera_id, status, at FROM camera_events WHERE camera_id = cams.c AND at < $1 ORDER BY at DESC LIMIT 1) last
       ORDER BY 1, 3`,
      [w.from, w.to],
    ),
  ]);
  return { incidents, actions, cameraEvents };
}
