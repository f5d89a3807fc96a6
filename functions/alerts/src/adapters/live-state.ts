import type { Logger } from 'pino';
import type { KedaScalingSettings } from '../../../shared/src/scaling';
import { applyLiveness, planWatchdogEvents } from '../core/camera-liveness';
import { chooseThumb, mergeCameras, type CameraView, type ThumbChoice } from '../core/cameras';
import type { CameraWatchdog } from './camera-watchdog';
import type { IncidentObserver } from './incident-observer';
import { buildCounters, countersChanged, type Counters } from '../core/counters';
import type { DashboardIncident } from '../core/incidents';
import { scanLatestClips } from './latest-clips';
import type { AlertStore, StoredVerdict, StoreUpdate } from './redis-store';
import type { SseHub, SseMessage } from './sse-hub';

/** An incident as listed (history left out; `GET /api/incidents/:id` has it). */
export type DashboardIncidentSummary = Omit<DashboardIncident, 'history'> & {
  readonly historyCount: number;
  /** Clip of the earliest event (the one that raised it): the feed's thumbnail, extracted once per incident. */
  readonly thumbClip: string;
};

/** Body of `GET /api/state` and of the `state` SSE event sent on connect. */
export interface DashboardState {
  readonly serverTime: string;
  readonly cameras: readonly CameraView[];
  /** Newest first (by openedAt), at most {@link FEED_LIMIT}: open ones first, then the newest. */
  readonly incidents: readonly DashboardIncidentSummary[];
  /** Incidents stored in all; page through them with `GET /api/incidents?offset=&limit=`. */
  readonly incidentsTotal: number;
  /** Newest first. */
  readonly verdicts: readonly StoredVerdict[];
  readonly counters: Counters;
}

export const FEED_LIMIT = 200;
const VERDICT_LIMIT = 30;

export interface LiveStateOptions {
  readonly store: AlertStore;
  readonly hub: SseHub;
  readonly clipsDir: string;
  readonly keda: KedaScalingSettings;
  readonly expectedCameras: number;
  readonly clipFreshMs: number;
  readonly pollMs: number;
  /** ALERTS_THUMB_INTERVAL_MS. */
  readonly thumbIntervalMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Dead-capture detection (issue #28.2): CAMERA_OFFLINE_SECONDS + margin, and who announces it. */
  readonly liveness?: {
    readonly staleAfterMs: number;
    readonly watchdog?: CameraWatchdog;
    /** The enabled cameras in the registry (undefined: every camera listed counts). */
    readonly activeCameras?: () => Promise<ReadonlySet<string> | undefined>;
  };
  /** Open incidents whose camera gives no verdict: unobserved, then resolved (issue #28.4). */
  readonly observer?: IncidentObserver;
}

export function summarize(rec: DashboardIncident): DashboardIncidentSummary {
  const { history, ...rest } = rec;
  const first = history.find((h) => h.clipPath !== '');
  return { ...rest, historyCount: history.length, thumbClip: first?.clipPath ?? rec.clipPath };
}

/**
 * Keeps the slow-moving part of the dashboard (cameras, latest clips, counters) fresh by polling
 * every `pollMs` — once per process, not per browser — and pushes what changed; forwards
 * store updates (from Redis pub/sub, so every replica's browsers see every event) to the hub.
 */
export class LiveState {
  private cameras: CameraView[] = [];
  private counters: Counters | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly thumbs = new Map<string, ThumbChoice>();
  private refreshing: Promise<void> | undefined;
  private soon: NodeJS.Timeout | undefined;
  private lastRefreshAt = 0;
  private again = false;
  private readonly now: () => number;

  constructor(private readonly opts: LiveStateOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.opts.pollMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = undefined;
    this.soon = undefined;
  }

  /** Refresh after an update, at most every 500 ms (at 100 cameras verdicts arrive ~20/s). */
  private refreshSoon(): void {
    if (this.soon || this.timer === undefined) return;
    const wait = Math.max(0, this.lastRefreshAt + 500 - this.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.refresh();
    }, wait);
  }

  /** Called with every update published by any replica. */
  onUpdate(update: StoreUpdate): void {
    if (update.type === 'incident') {
      this.opts.hub.broadcast({
        event: 'incident',
        data: { change: update.change, alert: update.alert, incident: summarize(update.record) },
      });
    } else if (update.type === 'verdict') {
      this.opts.hub.broadcast({ event: 'verdict', data: update.verdict });
    }
    this.refreshSoon();
  }

  /** Re-reads cameras and counters; coalesces concurrent calls into at most one extra run. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.lastRefreshAt = this.now();
    this.refreshing = this.compute()
      .catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'dashboard refresh failed'))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.refreshing;
  }

  private async compute(): Promise<void> {
    const { store, hub } = this.opts;
    const liveness = this.opts.liveness;
    const [open, reports, lastVerdicts, latestClips, active] = await Promise.all([
      store.openIncidents(),
      store.cameraReports(),
      store.lastVerdicts(),
      scanLatestClips(this.opts.clipsDir),
      liveness?.activeCameras?.().catch(() => undefined),
    ]);
    const now = this.now();
    const merged = mergeCameras({
      reports,
      latestClips,
      lastVerdicts,
      openIncidents: open,
      expectedCameras: this.opts.expectedCameras,
      clipFreshMs: this.opts.clipFreshMs,
      now,
    });
    const judged = liveness
      ? applyLiveness(merged, { reports, latestClips, active, staleAfterMs: liveness.staleAfterMs, now })
      : undefined;
    if (judged && liveness?.watchdog)
      await liveness.watchdog.announce(planWatchdogEvents(judged.views, { reports, latestClips }), new Date(now));
    await this.opts.observer?.review({ open, lastVerdicts, active, now });
    const cameras = (judged?.views ?? merged).map((c) => {
      const thumb = chooseThumb(this.thumbs.get(c.cameraId), c.latestClip, now, this.opts.thumbIntervalMs);
      if (!thumb) return c;
      this.thumbs.set(c.cameraId, thumb);
      return { ...c, thumbClip: thumb.path };
    });
    const online = cameras.filter((c) => c.status === 'online').length;
    const inputs = await store.counterInputs(now, open, { online, total: cameras.length });
    const built = buildCounters(inputs, this.opts.keda, new Date(now));
    const counters = judged ? { ...built, recorders: judged.recorders } : built;
    if (JSON.stringify(cameras) !== JSON.stringify(this.cameras)) {
      this.cameras = cameras;
      hub.broadcast({ event: 'cameras', data: cameras });
    }
    if (countersChanged(this.counters, counters)) hub.broadcast({ event: 'counters', data: counters });
    this.counters = counters;
  }

  /** The full state, read fresh (used by `GET /api/state` and on every SSE connect). */
  async snapshot(): Promise<DashboardState> {
    await this.refresh();
    const { store } = this.opts;
    const [incidents, verdicts, incidentsTotal] = await Promise.all([
      store.listIncidents(FEED_LIMIT),
      store.recentVerdicts(VERDICT_LIMIT),
      store.incidentCount(),
    ]);
    const counters = this.counters;
    if (!counters) throw new Error('dashboard counters unavailable (is Redis reachable?)');
    return {
      serverTime: new Date(this.now()).toISOString(),
      cameras: this.cameras,
      incidents: incidents.map(summarize),
      incidentsTotal,
      verdicts,
      counters,
    };
  }

  /** The initial SSE messages for a (re)connecting browser. */
  async initialMessages(): Promise<SseMessage[]> {
    return [{ event: 'state', data: await this.snapshot() }];
  }

  /** The clip a camera's tile currently shows (throttled latest), as last scanned. */
  latestClipOf(cameraId: string): string | undefined {
    return this.thumbs.get(cameraId)?.path;
  }
}
