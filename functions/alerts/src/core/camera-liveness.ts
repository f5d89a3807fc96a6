import type { CameraView, StatusReport } from './cameras';

/**
 * Camera health that does not depend on the recorder reporting itself (issue #28.2). Only capture
 * ever wrote "offline", so when capture itself died (or crash-looped, or hung) every camera kept
 * its last "online" for ever and no offline alert was raised. Alerts judges instead: a camera
 * whose newest clip and newest status report from capture are both older than
 * CAMERA_OFFLINE_SECONDS plus a margin is offline, whatever it last said, and the watchdog raises
 * the same `camera.offline` event capture would have (the one notifications send to a phone).
 *
 * Why alerts runs the watchdog: it is not capture (whose death is the case to catch); it already
 * reads every source of camera health (capture's hash, camera.* events, the clip volume); it keeps
 * at least one replica for the dashboard, while inference may scale to zero with an empty queue.
 */

/** `owner` of the camera.* events the watchdog publishes (never counted as a sign of life). */
export const WATCHDOG_OWNER = 'alerts-watchdog';

/** Whether any recorder is heard from: `none-alive` is its own visible state on the dashboard. */
export type RecorderState = 'alive' | 'none-alive' | 'unknown';

export interface LivenessSources {
  readonly reports: ReadonlyMap<string, readonly StatusReport[]>;
  readonly latestClips: ReadonlyMap<string, { readonly mtimeMs: number }>;
  /** Cameras the registry says should record (enabled); undefined = every camera listed. */
  readonly active?: ReadonlySet<string> | undefined;
  /** CAMERA_OFFLINE_SECONDS + margin, in ms. */
  readonly staleAfterMs: number;
  readonly now: number;
}

/** Newest sign of life from capture: a clip on the volume, or capture's own report (not the watchdog's). */
export function lastHeardMs(cameraId: string, src: Pick<LivenessSources, 'reports' | 'latestClips'>): number {
  const own = (src.reports.get(cameraId) ?? []).filter((r) => r.owner !== WATCHDOG_OWNER);
  return Math.max(
    0,
    src.latestClips.get(cameraId)?.mtimeMs ?? 0,
    ...own.map((r) => Math.max(r.atMs, r.lastClipAtMs ?? 0)),
  );
}

/**
 * Marks cameras nobody has heard from for too long as offline (pure). A camera already reported
 * offline keeps its report and reason; one never heard from stays `unknown`; a camera the
 * registry does not ask to record (disabled, deleted) is left as it is.
 */
export function applyLiveness(
  views: readonly CameraView[],
  src: LivenessSources,
): { views: CameraView[]; recorders: RecorderState } {
  let heard = 0;
  let fresh = 0;
  const out = views.map((v) => {
    if (src.active && !src.active.has(v.cameraId)) return v;
    const last = lastHeardMs(v.cameraId, src);
    if (last === 0) return v;
    heard++;
    const silentMs = src.now - last;
    if (silentMs <= src.staleAfterMs) {
      fresh++;
      return v;
    }
    if (v.status === 'offline') return v;
    return {
      ...v,
      status: 'offline' as const,
      stale: true,
      reason: `no clip and no report from capture for ${Math.round(silentMs / 1000)} s: is capture running?`,
    };
  });
  return { views: out, recorders: heard === 0 ? 'unknown' : fresh === 0 ? 'none-alive' : 'alive' };
}

/** A camera.* event the watchdog owes: deterministic id, so replicas and restarts publish it once. */
export interface WatchdogEvent {
  readonly id: string;
  readonly status: 'offline' | 'online';
  readonly cameraId: string;
  readonly lastClipAtMs?: number;
  readonly reason: string;
}

/**
 * What the watchdog must announce (pure): `offline` for a camera it just found stale, unless the
 * latest camera event already says so; `online` for a camera it had declared offline that is
 * heard from again (capture's restarted recorder starts from "unknown" and would not say so).
 * Ids derive from the silence being reported, so every replica computes the same id and
 * subscribers deduplicate (inference by its camera-event marker, alerts by `seen`).
 */
export function planWatchdogEvents(
  views: readonly CameraView[],
  src: Pick<LivenessSources, 'reports' | 'latestClips'>,
): WatchdogEvent[] {
  const events: WatchdogEvent[] = [];
  for (const v of views) {
    const reports = src.reports.get(v.cameraId) ?? [];
    const ours = reports.find((r) => r.owner === WATCHDOG_OWNER && r.status === 'offline');
    const last = lastHeardMs(v.cameraId, src);
    const clipMs = src.latestClips.get(v.cameraId)?.mtimeMs;
    if (v.stale && !ours)
      events.push({
        id: `watchdog-offline-${v.cameraId}-${last}`,
        status: 'offline',
        cameraId: v.cameraId,
        ...(clipMs ? { lastClipAtMs: clipMs } : {}),
        reason: v.reason ?? 'no sign of life from capture',
      });
    else if (!v.stale && v.status === 'online' && ours && last > ours.atMs)
      events.push({
        id: `watchdog-online-${v.cameraId}-${ours.atMs}`,
        status: 'online',
        cameraId: v.cameraId,
        ...(clipMs ? { lastClipAtMs: clipMs } : {}),
        reason: 'capture is heard from again',
      });
  }
  return events;
}
