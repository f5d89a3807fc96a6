import { percentile, type ReportWindow } from './report-window';

export interface ReportIncidentRow {
  readonly incidentId: string;
  readonly cameraId: string;
  readonly hazardType: string;
  readonly severity: string;
  readonly summary: string;
  readonly openedAt: string;
  readonly acknowledgedAt: string | null;
  readonly resolvedAt: string | null;
  readonly thumbClip: string | null;
}
export interface ReportActionRow {
  readonly actionId: string;
  readonly incidentId: string;
  readonly text: string;
  readonly owner: string;
  readonly dueAt: string;
  readonly status: string;
}
export interface CameraEventRow {
  readonly cameraId: string;
  readonly status: 'online' | 'offline';
  readonly at: string;
}

export interface ReportModel {
  readonly window: ReportWindow;
  readonly incidents: number;
  readonly cameras: string[];
  readonly hazards: string[];
  /** hazard → camera → count */
  readonly byHazardCamera: Record<string, Record<string, number>>;
  /** camera → 24 counts by local hour */
  readonly heatmap: Record<string, number[]>;
  readonly ackMinutes: { p50?: number | undefined; p90?: number | undefined; n: number };
  readonly closeMinutes: { p50?: number | undefined; p90?: number | undefined; n: number };
  readonly openActions: (ReportActionRow & { overdue: boolean })[];
  /** camera → fraction of the window online (0–1) */
  readonly online: Record<string, number>;
  readonly top: ReportIncidentRow[];
}

const SEVERITY_RANK: Record<string, number> = { danger: 1, warning: 0 };

/** How long each camera was online in the window, from its online/offline events (pure). */
export function onlineFractions(
  events: readonly CameraEventRow[],
  cameras: readonly string[],
  from: number,
  to: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cam of cameras) {
    const evs = events.filter((e) => e.cameraId === cam).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    // the state before the window is the last event before it; no event at all = never seen offline
    let state = [...evs].reverse().find((e) => Date.parse(e.at) <= from)?.status ?? 'online';
    let t = from;
    let online = 0;
    for (const e of evs.filter((x) => Date.parse(x.at) > from && Date.parse(x.at) < to)) {
      if (state === 'online') online += Date.parse(e.at) - t;
      state = e.status;
      t = Date.parse(e.at);
    }
    if (state === 'online') online += to - t;
    out[cam] = online / (to - from);
  }
  return out;
}

/** The report's numbers from the record's rows (pure). */
export function buildReport(
  window: ReportWindow,
  incidents: readonly ReportIncidentRow[],
  actions: readonly ReportActionRow[],
  cameraEvents: readonly CameraEventRow[],
  now: Date,
): ReportModel {
  const cameras = [...new Set([...incidents.map((i) => i.cameraId), ...cameraEvents.map((e) => e.cameraId)])].sort();
  const hazards = [...new Set(incidents.map((i) => i.hazardType))].sort();
  const byHazardCamera: Record<string, Record<string, number>> = {};
  const heatmap: Record<string, number[]> = Object.fromEntries(cameras.map((c) => [c, new Array<number>(24).fill(0)]));
  for (const i of incidents) {
    const row = (byHazardCamera[i.hazardType] ??= {});
    row[i.cameraId] = (row[i.cameraId] ?? 0) + 1;
    const hour = new Date(Date.parse(i.openedAt) + window.offsetMinutes * 60_000).getUTCHours();
    const cells = heatmap[i.cameraId];
    if (cells) cells[hour] = (cells[hour] ?? 0) + 1;
  }
  const minutes = (a: string, b: string | null) => (b === null ? undefined : (Date.parse(b) - Date.parse(a)) / 60_000);
  const ack = incidents.map((i) => minutes(i.openedAt, i.acknowledgedAt)).filter((x): x is number => x !== undefined);
  const close = incidents.map((i) => minutes(i.openedAt, i.resolvedAt)).filter((x): x is number => x !== undefined);
  const top = [...incidents]
    .sort(
      (a, b) =>
        (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
        (minutes(b.openedAt, b.resolvedAt) ?? Infinity) - (minutes(a.openedAt, a.resolvedAt) ?? Infinity),
    )
    .slice(0, 5);
  return {
    window,
    incidents: incidents.length,
    cameras,
    hazards,
    byHazardCamera,
    heatmap,
    ackMinutes: { p50: percentile(ack, 50), p90: percentile(ack, 90), n: ack.length },
    closeMinutes: { p50: percentile(close, 50), p90: percentile(close, 90), n: close.length },
    openActions: actions.map((a) => ({ ...a, overdue: Date.parse(a.dueAt) < now.getTime() })),
    online: onlineFractions(cameraEvents, cameras, Date.parse(window.from), Date.parse(window.to)),
    top,
  };
}
