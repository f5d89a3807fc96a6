import type { Severity, VerdictStatus } from '../../../shared/src/verdict';
import type { DashboardIncident } from './incidents';
import { maxSeverity } from './incidents';

/** What the dashboard knows about one camera. */
export interface CameraView {
  readonly cameraId: string;
  /** `unknown` until capture reports it (or an event arrives). */
  readonly status: 'online' | 'offline' | 'unknown';
  /** When the status was last reported (ISO). */
  readonly statusAt?: string;
  readonly reason?: string;
  readonly owner?: string;
  /** Newest finished clip (ISO). */
  readonly lastClipAt?: string;
  /** Newest clip on the volume, relative to CLIPS_DIR (the thumbnail is taken from it). */
  readonly latestClip?: string;
  /** Clip the tile's thumbnail shows: the latest one, advanced at most every ALERTS_THUMB_INTERVAL_MS. */
  readonly thumbClip?: string;
  /** Latest verdict for this camera. */
  readonly lastVerdict?: { readonly status: VerdictStatus; readonly analyzedAt: string; readonly summary: string };
  readonly openIncidents: number;
  /** Worst severity among its open incidents. */
  readonly severity?: Severity;
  /** Offline because nothing was heard from capture for too long, whatever it last said (camera-liveness.ts). */
  readonly stale?: boolean;
}

/** A status report, from capture's camera hash or a camera.* CloudEvent. */
export interface StatusReport {
  readonly status: 'online' | 'offline';
  readonly atMs: number;
  readonly lastClipAtMs?: number;
  readonly owner?: string;
  readonly reason?: string;
}

/** Inputs of {@link mergeCameras}, all already read from Redis / the clip volume. */
export interface CameraSources {
  /** Capture's `safety:cameras` hash (parsed leniently) and camera.* events we received. */
  readonly reports: ReadonlyMap<string, readonly StatusReport[]>;
  readonly latestClips: ReadonlyMap<string, { readonly path: string; readonly mtimeMs: number }>;
  readonly lastVerdicts: ReadonlyMap<
    string,
    { readonly status: VerdictStatus; readonly analyzedAt: string; readonly summary: string }
  >;
  readonly openIncidents: readonly DashboardIncident[];
  /** NUM_STREAMS: cam1…camN are always shown, so a camera that never reported is visible as missing. */
  readonly expectedCameras: number;
  /** Without any status report, a camera whose newest clip is younger than this counts as online. */
  readonly clipFreshMs: number;
  readonly now: number;
}

const toMs = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

/**
 * Reads one entry of capture's camera hash leniently (its JSON is capture's to evolve):
 * needs `status` online/offline; time from `at`/`updatedAt`/`since`, else `lastClipAt`.
 */
export function parseStatusReport(json: string): StatusReport | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || (raw.status !== 'online' && raw.status !== 'offline'))
    return undefined;
  const lastClipAtMs = toMs(raw.lastClipAt);
  const atMs = toMs(raw.atMs) ?? toMs(raw.at) ?? toMs(raw.updatedAt) ?? toMs(raw.since) ?? lastClipAtMs ?? 0;
  return {
    status: raw.status,
    atMs,
    ...(lastClipAtMs !== undefined ? { lastClipAtMs } : {}),
    ...(typeof raw.owner === 'string' ? { owner: raw.owner } : {}),
    ...(typeof raw.reason === 'string' ? { reason: raw.reason } : {}),
  };
}

/** The clip a camera's thumbnail shows, and since when. */
export interface ThumbChoice {
  readonly path: string;
  readonly sinceMs: number;
}

/**
 * Throttles thumbnail changes (pure): keep showing the previous clip until `intervalMs` has
 * passed, then jump to the latest. Extraction costs a process spawn per clip, so at 100 cameras
 * and 5 s clips an unthrottled grid would spend most of a core on thumbnails.
 */
export function chooseThumb(
  prev: ThumbChoice | undefined,
  latest: string | undefined,
  now: number,
  intervalMs: number,
): ThumbChoice | undefined {
  if (!latest) return prev;
  if (!prev || prev.path === latest) return prev ?? { path: latest, sinceMs: now };
  return now - prev.sinceMs >= intervalMs ? { path: latest, sinceMs: now } : prev;
}

/** Natural order: cam2 before cam10. */
export function compareCameraIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Merges every source into one view per camera, naturally sorted (pure). */
export function mergeCameras(src: CameraSources): CameraView[] {
  const ids = new Set<string>();
  for (let i = 1; i <= src.expectedCameras; i++) ids.add(`cam${i}`);
  for (const m of [src.reports, src.latestClips, src.lastVerdicts]) for (const id of m.keys()) ids.add(id);
  for (const inc of src.openIncidents) ids.add(inc.cameraId);

  return [...ids].sort(compareCameraIds).map((cameraId) => {
    const reports = src.reports.get(cameraId) ?? [];
    const latest = reports.reduce<StatusReport | undefined>(
      (best, r) => (!best || r.atMs > best.atMs ? r : best),
      undefined,
    );
    const clip = src.latestClips.get(cameraId);
    const lastClipMs = Math.max(clip?.mtimeMs ?? 0, ...reports.map((r) => r.lastClipAtMs ?? 0));
    const open = src.openIncidents.filter((i) => i.cameraId === cameraId);
    const severity = open.reduce<Severity | undefined>(
      (s, i) => (s ? maxSeverity(s, i.severity) : i.severity),
      undefined,
    );
    const verdict = src.lastVerdicts.get(cameraId);
    return {
      cameraId,
      status: latest?.status ?? (clip && src.now - clip.mtimeMs < src.clipFreshMs ? 'online' : 'unknown'),
      ...(latest && latest.atMs > 0 ? { statusAt: new Date(latest.atMs).toISOString() } : {}),
      ...(latest?.reason ? { reason: latest.reason } : {}),
      ...(latest?.owner ? { owner: latest.owner } : {}),
      ...(lastClipMs > 0 ? { lastClipAt: new Date(lastClipMs).toISOString() } : {}),
      ...(clip ? { latestClip: clip.path } : {}),
      ...(verdict ? { lastVerdict: verdict } : {}),
      openIncidents: open.length,
      ...(severity ? { severity } : {}),
    };
  });
}
