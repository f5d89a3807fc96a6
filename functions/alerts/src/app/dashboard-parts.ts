import type { Redis } from 'ioredis';
import { CameraWatchdog } from '../adapters/camera-watchdog';
import { IncidentObserver } from '../adapters/incident-observer';
import type { EventRecorder } from './record-wiring';
import { SessionRevocations } from '../adapters/session-revocations';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { Publisher } from '../../../shared/src/cloudevents';
import type { Config } from '../../../shared/src/config';
import { EventType } from '../../../shared/src/events';
import type { FunctionAppOptions } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { createHttpAuth } from '../adapters/auth-http';
import { FeedbackStore } from '../adapters/feedback-store';
import type { FeedbackRecorder } from '../record/feedback-log';
import { LiveState } from '../adapters/live-state';
import type { AlertsMetrics } from '../adapters/metrics';
import { OidcVerifier } from '../adapters/oidc-keys';
import type { AlertStore } from '../adapters/redis-store';
import type { SseHub } from '../adapters/sse-hub';
import { loadStaticAssets } from '../adapters/static-assets';
import { ackLinkRoutes } from '../http/ack-link-routes';
import { notificationRoutes } from '../http/notification-routes';
import { notifyRulesRoutes } from '../http/notify-rules-routes';
import { chainRoutes, withAckLinks } from '../http/chain';
import { ThumbnailCache } from '../adapters/thumbnails';
import { RenditionCache } from '../adapters/renditions';
import type { AuthSettings } from '../core/auth';
import { cameraRoutes } from '../http/camera-routes';
import { coverageRoutes } from '../http/coverage-routes';
import { CameraCoverage } from '../adapters/camera-coverage';
import { CoverageStore } from '../../../shared/src/coverage-store';
import { dashboardRoutes } from '../http/routes';
import { redisGate } from '../http/redis-gate';
import type { Request, Response } from '../../../shared/src/http';

/** The KEDA settings the dashboard's "replicas KEDA would choose" uses (KEDA_* variables). */
export function kedaSettings(alerts: Config['alerts']) {
  return {
    listLength: alerts.kedaListLength,
    activationListLength: alerts.kedaActivationListLength,
    minReplicas: alerts.kedaMinReplicas,
    maxReplicas: alerts.kedaMaxReplicas,
    inFlightLength: alerts.kedaInFlightLength,
    activationInFlightLength: alerts.kedaActivationInFlightLength,
  };
}

/** The dashboard's live snapshot: polled counters, cameras and clips, pushed to the SSE hub. */
export function createLiveState(
  config: Config,
  d: { store: AlertStore; hub: SseHub; logger: Logger; shared: SharedParts; record?: EventRecorder | undefined },
): LiveState {
  const { common, alerts } = config;
  const { store, hub, logger, shared } = d;
  // two clip lengths past capture's own offline timer: a live capture always speaks first
  const staleAfterMs = (config.capture.offlineSeconds + 2 * common.segmentSeconds) * 1000;
  return new LiveState({
    store,
    hub,
    logger,
    clipsDir: common.clipsDir,
    pollMs: alerts.pollMs,
    thumbIntervalMs: alerts.thumbIntervalMs,
    expectedCameras: common.numStreams,
    clipFreshMs: 3 * common.segmentSeconds * 1000,
    liveness: {
      staleAfterMs,
      watchdog: new CameraWatchdog({ store, publisher: shared.publisher, logger }),
      activeCameras: async () => {
        const entries = await shared.cameraRegistry.list();
        return entries.length === 0 ? undefined : new Set(entries.filter((c) => c.enabled).map((c) => c.id));
      },
    },
    // a camera silent as long as the watchdog's offline margin leaves its open incidents unobserved
    observer: new IncidentObserver({
      store,
      publisher: shared.publisher,
      record: d.record,
      logger,
      unobservedAfterMs: staleAfterMs,
      resolveAfterMs: alerts.unobservedResolveSeconds * 1000,
      startedAtMs: Date.now(),
    }),
    keda: kedaSettings(alerts),
  });
}

/** What the record, the live state and the routes share: one publisher, one camera registry, one thumbnail cache. */
export interface SharedParts {
  readonly publisher: Publisher;
  readonly cameraRegistry: CameraRegistry;
  readonly thumbs: ThumbnailCache;
  readonly coverage: CameraCoverage;
}

/**
 * A camera registry write publishes `camera.updated`, so capture and inference apply it at once
 * (they also poll).
 */
export function createSharedParts(
  config: Config,
  p: { redis: Redis; metrics: AlertsMetrics; registry: Registry; logger: Logger },
): SharedParts {
  const { common, alerts } = config;
  const { logger } = p;
  const publisher = new Publisher({
    sink: common.kSink,
    maxRetries: config.publisher.maxRetries,
    timeoutMs: config.publisher.timeoutMs,
    logger,
    registry: p.registry,
  });
  const cameraRegistry = new CameraRegistry(p.redis, redisKeys(common.redisPrefix), {
    logger,
    onChange: async (c) =>
      // a trigger only (capture and inference re-read the registry): no entry, so no URL, in an event
      // that brokers, dead-letter sinks and "K_SINK unset" logs may keep (issue #26.2)
      void (await publisher.publish({
        type: EventType.cameraUpdated,
        cameraId: c.cameraId,
        data: { cameraId: c.cameraId, change: c.change, at: c.at },
      })),
  });
  const thumbs = new ThumbnailCache({
    clipsDir: common.clipsDir,
    ffmpegPath: config.tools.ffmpegPath,
    onExtract: () => p.metrics.thumbnails.inc(),
    timeoutMs: alerts.thumbTimeoutMs,
    maxWaiting: alerts.thumbQueue,
  });
  // read at scrape time: how close the thumbnail queue is to its bound (ALERTS_THUMB_QUEUE, 503 past it)
  new Gauge({
    name: 'safetyhanta_alerts_thumbnails_waiting',
    help: 'Thumbnail extractions waiting for an ffmpeg slot',
    registers: [p.registry],
    collect() {
      this.set(thumbs.queued);
    },
  });
  // coverage (issue #26.7): verdict windows kept by the handler, marks by capture
  const coverage = new CameraCoverage(new CoverageStore(p.redis, redisKeys(common.redisPrefix)), async () =>
    (await cameraRegistry.list()).map((c) => c.id),
  );
  coverage.register(p.registry);
  return { publisher, cameraRegistry, thumbs, coverage };
}

/** What the dashboard routes read and write. */
export interface DashboardParts {
  readonly redis: Redis;
  readonly store: AlertStore;
  readonly live: LiveState;
  readonly hub: SseHub;
  readonly metrics: AlertsMetrics;
  readonly logger: Logger;
  readonly shared: SharedParts;
  /** The record's routes (audit of views, history, exports, reports), tried before the dashboard's. */
  readonly recordRoutes?: Routes | undefined;
  /** Operator feedback into the record (its feedback table and audit log), before Redis. */
  readonly feedbackRecord?: FeedbackRecorder | undefined;
  /** An acknowledgement through a signed link, for the record and its audit log (issue #24). */
  readonly onAcknowledgedByLink?: (incidentId: string, at: string, recipient: string, address: string) => Promise<void>;
}

type Routes = (req: Request, res: Response) => Promise<boolean>;

/**
 * Every HTTP route beside POST / (src/http/: page, JSON API, SSE, clips, thumbnails, feedback,
 * camera admin, the record's), behind the access check of issue #17.
 */
export function createDashboardRoutes(
  config: Config,
  auth: AuthSettings,
  p: DashboardParts,
): NonNullable<FunctionAppOptions['routes']> {
  const { common, alerts } = config;
  const { logger, shared } = p;
  const oidc =
    alerts.eventsOidcAudience === undefined
      ? undefined
      : new OidcVerifier({ discoveryUrl: alerts.eventsOidcDiscoveryUrl, audience: alerts.eventsOidcAudience });
  const assets = loadStaticAssets();
  const dashboard = dashboardRoutes({
    clipsDir: common.clipsDir,
    store: p.store,
    live: p.live,
    hub: p.hub,
    logger,
    assets,
    feedback: new FeedbackStore(p.redis, common.redisPrefix),
    feedbackRecord: p.feedbackRecord,
    cameras: cameraRoutes({ registry: shared.cameraRegistry, logger, credentialsKey: config.capture.credentialsKey }),
    thumbs: shared.thumbs,
    renditions: new RenditionCache({
      clipsDir: common.clipsDir,
      ffmpegPath: config.tools.ffmpegPath,
      onExtract: () => p.metrics.renditions.inc(),
    }),
  });
  const record = p.recordRoutes;
  // with Redis down the API answers 503 at once (#28.9), before the login check reads Redis too
  // issue #24: the Notifications page, incident page and PWA behind the login; the signed acknowledge
  // links before it (their token is the credential)
  const notifications = notificationRoutes({
    redis: p.redis,
    keys: redisKeys(common.redisPrefix),
    store: p.store,
    assets,
    vapidPublicKey: config.notify.vapidPublicKey,
  });
  const rulesEditor = notifyRulesRoutes({ redis: p.redis, keys: redisKeys(common.redisPrefix), assets });
  const ackLinks = ackLinkRoutes({
    store: p.store,
    secret: config.notify.linkSecret,
    logger,
    ...(p.onAcknowledgedByLink ? { onAcknowledged: p.onAcknowledgedByLink } : {}),
  });
  return redisGate(
    p.redis,
    withAckLinks(
      ackLinks,
      createHttpAuth(auth, logger, {
        ...(oidc ? { events: oidc } : {}),
        revocations: new SessionRevocations(p.redis, redisKeys(common.redisPrefix)),
        onWrongToken: () => p.metrics.wrongTokens.inc(),
      }).wrap(
        chainRoutes(
          notifications,
          coverageRoutes(shared.coverage),
          // after the record's routes, whose change audit writes this editor's entries
          async (req, res) =>
            (record !== undefined && (await record(req, res))) || (await rulesEditor(req, res)) || dashboard(req, res),
        ),
      ),
    ),
  );
}
