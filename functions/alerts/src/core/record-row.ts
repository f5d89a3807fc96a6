import type { DashboardIncident } from './incidents';

/** Where a camera is (camera registry): copied onto each incident so the history can filter on it. */
export interface CameraPlace {
  readonly site: string;
  readonly area: string;
  /** The camera's zone names when the incident opened (alerts do not name a zone; docs/records.md). */
  readonly zones: readonly string[];
}

export const NO_PLACE: CameraPlace = { site: '', area: '', zones: [] };

/** The incidents row of the record, as the SQL writes it ($1 … in {@link INCIDENT_COLUMNS} order). */
export const INCIDENT_COLUMNS = [
  'incident_id',
  'camera_id',
  'site',
  'area',
  'zones',
  'hazard_type',
  'hazards',
  'severity',
  'state',
  'summary',
  'search_text',
  'clip_paths',
  'opened_at',
  'resolved_at',
  'acknowledged_at',
  'acknowledged_by',
  'doc',
] as const;

/** The search text: every distinct summary so far (newest appended), so a search finds any of them. */
export function searchText(previous: string, summary: string): string {
  if (summary === '' || previous.split('\n').includes(summary)) return previous;
  return previous === '' ? summary : `${previous}\n${summary}`;
}

/** The clip paths of an incident, each once, in arrival order. */
export function clipPaths(previous: readonly string[], clip: string): string[] {
  return clip === '' || previous.includes(clip) ? [...previous] : [...previous, clip];
}

/** An incident (without its history: transitions are rows of their own) as its record row's values. */
export function incidentRowValues(
  rec: DashboardIncident,
  place: CameraPlace,
  prev: { searchText: string; clipPaths: readonly string[] } = { searchText: '', clipPaths: [] },
): unknown[] {
  const { history: _history, ...doc } = rec;
  const hazards = [...new Set([rec.hazardType, ...rec.hazards.map((h) => h.type)])];
  return [
    rec.incidentId,
    rec.cameraId,
    place.site,
    place.area,
    [...place.zones],
    rec.hazardType,
    hazards,
    rec.peakSeverity,
    rec.state,
    rec.summary,
    searchText(prev.searchText, rec.summary),
    clipPaths(prev.clipPaths, rec.clipPath),
    rec.openedAt,
    rec.resolvedAt ?? null,
    rec.acknowledgedAt ?? null,
    rec.acknowledgedBy ?? null,
    JSON.stringify(doc),
  ];
}
