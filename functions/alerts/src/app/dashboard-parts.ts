import type { Redis } from 'ioredis';
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
import { LiveState } from '../adapters/live-state';
import type { AlertsMetrics } from '../adapters/metrics';
import { OidcVerifier } from '../adapters/oidc-keys';
import type { AlertStore } from '../adapters/redis-store';
import type { SseHub } from '../adapters/sse-hub';
import { loadStaticAssets } from '../adapters/static-assets';
import { ThumbnailCache } from '../adapters/thumbnails';
import type { AuthSettings } from '../core/auth';
import { cameraRoutes } from '../http/camera-routes';
import { dashboardRoutes } from '../http/routes';

/** The dashboard's live snapshot: polled counters, cameras and clips, pushed to the SSE hub. */
export function createLiveState(config: Config, d: { store: AlertStore; hub: SseHub; logger: Logger }): LiveState {
  const { common, alerts } = config;
  return new LiveState({
    ...d,
    clipsDir: common.clipsDir,
    pollMs: alerts.pollMs,
    thumbIntervalMs: alerts.thumbIntervalMs,
    expectedCameras: common.numStreams,
    clipFreshMs: 3 * common.segmentSeconds * 1000,
    keda: {
      listLength: alerts.kedaListLength,
      activationListLength: alerts.kedaActivationListLength,
      minReplicas: alerts.kedaMinReplicas,
      maxReplicas: alerts.kedaMaxReplicas,
      inFlightLength: alerts.kedaInFlightLength,
      activationInFlightLength: alerts.kedaActivationInFlightLength,
    },
  });
}

/** What the dashboard routes read and write. */
export interface DashboardParts {
  readonly redis: Redis;
  readonly store: AlertStore;
  readonly live: LiveState;
  readonly hub: SseHub;
  readonly metrics: AlertsMetrics;
  readonly registry: Registry;
  readonly logger: Logger;
}

/**
 * Every HTTP route beside POST / (src/http/: page, JSON API, SSE, clips, thumbnails, feedback,
 * camera admin), behind the access check of issue #17. A camera registry write publishes
 * `camera.updated`, so capture and inference apply it at once (they also poll).
 */
export function createDashboardRoutes(
  config: Config,
  auth: AuthSettings,
  p: DashboardParts,
): NonNullable<FunctionAppOptions['routes']> {
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
      void (await publisher.publish({ type: EventType.cameraUpdated, cameraId: c.cameraId, data: { ...c } })),
  });
  const oidc =
    alerts.eventsOidcAudience === undefined
      ? undefined
      : new OidcVerifier({ discoveryUrl: alerts.eventsOidcDiscoveryUrl, audience: alerts.eventsOidcAudience });
  const thumbs = new ThumbnailCache({
    clipsDir: common.clipsDir,
    ffmpegPath: alerts.ffmpegPath,
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
  return createHttpAuth(auth, logger, oidc ? { events: oidc } : {}).wrap(
    dashboardRoutes({
      clipsDir: common.clipsDir,
      store: p.store,
      live: p.live,
      hub: p.hub,
      logger,
      assets: loadStaticAssets(),
      feedback: new FeedbackStore(p.redis, common.redisPrefix),
      cameras: cameraRoutes({ registry: cameraRegistry, logger }),
      thumbs,
    }),
  );
}
