import { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../../shared/src/config';
import { ConfigError, toError } from '../../../shared/src/errors';
import { redactUrls } from '../../../shared/src/redact';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { redisKeys } from '../../../shared/src/keys';
import { redisReady, serveFunction } from '../../../shared/src/http';
import { createLogger, type Logger } from '../../../shared/src/logger';
import { createRegistry, type Registry } from '../../../shared/src/metrics';
import { createAlertsMetrics } from '../adapters/metrics';
import { LiveState } from '../adapters/live-state';
import { AlertStore, type StoreUpdate } from '../adapters/redis-store';
import { FeedbackStore } from '../adapters/feedback-store';
import { SseHub } from '../adapters/sse-hub';
import { loadStaticAssets } from '../adapters/static-assets';
import { alertKeys } from '../adapters/store-keys';
import { ThumbnailCache } from '../adapters/thumbnails';
import { createHttpAuth } from '../adapters/auth-http';
import { OidcVerifier } from '../adapters/oidc-keys';
import { boundSlowClients } from '../adapters/slow-clients';
import { SessionRevocations } from '../adapters/session-revocations';
import { CameraWatchdog } from '../adapters/camera-watchdog';
import { isLoopbackHost, resolveAuth } from '../core/auth';
import { createAlertsHandler } from '../handler';
import { dashboardRoutes } from '../http/routes';
import { cameraRoutes } from '../http/camera-routes';
import { ackLinkRoutes } from '../http/ack-link-routes';
import { notificationRoutes } from '../http/notification-routes';
import { chainRoutes, withAckLinks } from '../http/chain';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { Publisher } from '../../../shared/src/cloudevents';
import { EventType } from '../../../shared/src/events';
import type { Request, Response } from '../../../shared/src/http';
import { startRecord } from './record-wiring';

/** Optional overrides for {@link startAlerts} (tests and the local stack). */
export interface AlertsDeps {
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Port to listen on; defaults to `config.common.port` (0 = any free port). */
  readonly port?: number;
  /** Interface to bind. @default BIND_HOST (127.0.0.1) */
  readonly host?: string;
}

/** A running alerts function. */
export interface RunningAlerts {
  /** Base URL, e.g. `http://127.0.0.1:8080` (POST CloudEvents here; the dashboard is at `/`). */
  readonly url: string;
  readonly port: number;
  /** Closes browsers' streams, the HTTP server and the Redis connections. Idempotent. */
  stop(): Promise<void>;
}

type Routes = (req: Request, res: Response) => Promise<boolean>;
/** The record's routes (audit of views, history, exports, reports) first, then the dashboard's. */
const withRecord =
  (record: Routes | undefined, dashboard: Routes): Routes =>
  async (req, res) =>
    (record !== undefined && (await record(req, res))) || dashboard(req, res);

/**
 * Starts the alerts function: CloudEvent subscriber (POST /), dashboard (GET /), JSON API,
 * server-sent events, clips and thumbnails, on functions-framework.
 */
export async function startAlerts(config: Config, deps: AlertsDeps = {}): Promise<RunningAlerts> {
  const { common, alerts } = config;
  const logger = deps.logger ?? createLogger('alerts', common.logLevel);
  const host = deps.host ?? common.bindHost;
  const auth = resolveAuth(alerts, host);
  if (!auth.ok) throw new ConfigError([auth.reason]);
  if (auth.settings.mode === 'none')
    logger.warn(
      { host, allowedHosts: auth.settings.allowedHosts },
      isLoopbackHost(host)
        ? 'ALERTS_AUTH=none: no login; only loopback Host names (and ALERTS_ALLOWED_HOSTS) are served'
        : 'ALERTS_AUTH=none on an address beyond loopback: anyone who reaches it can watch clips and acknowledge incidents',
    );
  const registry = deps.registry ?? createRegistry('alerts');
  const m = createAlertsMetrics(registry);
  const redis = new Redis(common.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  const sub = new Redis(common.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  logRedisErrors(redis, logger, 'alerts');
  logRedisErrors(sub, logger, 'alerts-sub');
  const redisAt = redactUrls(common.redisUrl);
  try {
    await Promise.all([redis.connect(), sub.connect()]);
  } catch (err) {
    redis.disconnect();
    sub.disconnect();
    throw new Error(
      `cannot reach Redis at ${redisAt}: ${redactUrls(toError(err).message).replace(/\.$/, '')}. Start Redis or set REDIS_URL.`,
      { cause: err },
    );
  }

  const keys = alertKeys(common.redisPrefix);
  const store = new AlertStore(redis, keys, {
    recentVerdicts: alerts.recentVerdicts,
    maxIncidents: alerts.maxIncidents,
  });
  const hub = new SseHub({
    heartbeatMs: alerts.heartbeatMs,
    clientsGauge: m.sseClients,
    maxStreams: alerts.sseMaxStreams,
    maxPerClient: alerts.sseMaxPerClient,
  });
  // every registry write publishes camera.updated (capture and inference apply it at once; they also poll)
  const publisher = new Publisher({
    sink: common.kSink,
    maxRetries: config.publisher.maxRetries,
    timeoutMs: config.publisher.timeoutMs,
    logger,
    registry,
  });
  const cameraRegistry = new CameraRegistry(redis, redisKeys(common.redisPrefix), {
    logger,
    onChange: async (c) =>
      void (await publisher.publish({ type: EventType.cameraUpdated, cameraId: c.cameraId, data: { ...c } })),
  });
  const live = new LiveState({
    store,
    hub,
    clipsDir: common.clipsDir,
    pollMs: alerts.pollMs,
    thumbIntervalMs: alerts.thumbIntervalMs,
    logger,
    expectedCameras: common.numStreams,
    clipFreshMs: 3 * common.segmentSeconds * 1000,
    liveness: {
      // two clip lengths past capture's own offline timer: a live capture always speaks first
      staleAfterMs: (config.capture.offlineSeconds + 2 * common.segmentSeconds) * 1000,
      watchdog: new CameraWatchdog({ store, publisher, logger }),
      activeCameras: async () => {
        const entries = await cameraRegistry.list();
        return entries.length === 0 ? undefined : new Set(entries.filter((c) => c.enabled).map((c) => c.id));
      },
    },
    keda: {
      listLength: alerts.kedaListLength,
      activationListLength: alerts.kedaActivationListLength,
      minReplicas: alerts.kedaMinReplicas,
      maxReplicas: alerts.kedaMaxReplicas,
      inFlightLength: alerts.kedaInFlightLength,
      activationInFlightLength: alerts.kedaActivationInFlightLength,
    },
  });
  sub.on('message', (_channel: string, message: string) => {
    try {
      live.onUpdate(JSON.parse(message) as StoreUpdate);
    } catch (err) {
      logger.warn({ err: toError(err).message }, 'bad update message');
    }
  });
  await sub.subscribe(keys.updates);

  const thumbs = new ThumbnailCache({
    clipsDir: common.clipsDir,
    ffmpegPath: alerts.ffmpegPath,
    onExtract: () => m.thumbnails.inc(),
    timeoutMs: alerts.thumbTimeoutMs,
    maxWaiting: alerts.thumbQueue,
  });
  // read at scrape time: how close the thumbnail queue is to its bound (ALERTS_THUMB_QUEUE, 503 past it)
  new Gauge({
    name: 'safetyhanta_alerts_thumbnails_waiting',
    help: 'Thumbnail extractions waiting for an ffmpeg slot',
    registers: [registry],
    collect() {
      this.set(thumbs.queued);
    },
  });

  const assets = loadStaticAssets();
  // the system of record (issue #25): PostgreSQL at DATABASE_URL, else embedded PGlite
  const record = await startRecord(config, {
    redis,
    store,
    cameras: cameraRegistry,
    logger,
    legalHoldKey: redisKeys(common.redisPrefix).legalHoldClips,
    thumbnail: (clip) => thumbs.get(clip),
  }).catch(async (err: unknown) => {
    await Promise.allSettled([sub.quit(), redis.quit()]);
    throw err;
  });

  const oidc =
    alerts.eventsOidcAudience === undefined
      ? undefined
      : new OidcVerifier({ discoveryUrl: alerts.eventsOidcDiscoveryUrl, audience: alerts.eventsOidcAudience });
  const inner = createAlertsHandler({
    actions: { store, metrics: m, record: record?.recorder },
    logger,
    registry,
    readiness: async () => {
      const ok = await redisReady(redis);
      return { ready: ok, detail: { redis: ok ? 'ok' : `not answering at ${redisAt}` } };
    },
    routes: withAckLinks(
      ackLinkRoutes({
        store,
        secret: config.notify.linkSecret,
        logger,
        ...(record ? { onAcknowledged: (id, at, by, from) => record.acknowledgedByLink(id, at, by, from) } : {}),
      }),
      createHttpAuth(auth.settings, logger, {
        ...(oidc ? { events: oidc } : {}),
        revocations: new SessionRevocations(redis, redisKeys(common.redisPrefix)),
        onWrongToken: () => m.wrongTokens.inc(),
      }).wrap(
        chainRoutes(
          notificationRoutes({
            redis,
            keys: redisKeys(common.redisPrefix),
            store,
            assets,
            vapidPublicKey: config.notify.vapidPublicKey,
          }),
          withRecord(
            record?.routes,
            dashboardRoutes({
              clipsDir: common.clipsDir,
              store,
              live,
              hub,
              logger,
              assets,
              feedback: new FeedbackStore(redis, common.redisPrefix),
              cameras: cameraRoutes({ registry: cameraRegistry, logger }),
              thumbs,
            }),
          ),
        ),
      ),
    ),
  });

  live.start();
  const served = await serveFunction('alerts', inner, deps.port ?? common.port, host, {
    maxBodyBytes: common.maxBodyBytes,
  });
  boundSlowClients(served.server, {
    headersTimeoutMs: alerts.headersTimeoutMs,
    requestTimeoutMs: alerts.requestTimeoutMs,
  });
  // Counted on the server, not in the handler: functions-framework's body parser answers a
  // body that is not JSON with 400 before the handler runs.
  served.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && (req.url === '/' || req.url?.startsWith('/?')))
      res.on('finish', () => res.statusCode === 400 && m.rejected.inc());
  });
  logger.info(
    { url: served.url, clipsDir: common.clipsDir, prefix: common.redisPrefix, auth: auth.settings.mode },
    'alerts dashboard listening',
  );

  let stopping: Promise<void> | undefined;
  return {
    url: served.url,
    port: served.port,
    stop: () =>
      (stopping ??= (async () => {
        live.stop();
        hub.close();
        await served.close();
        await record?.stop();
        await Promise.allSettled([sub.quit(), redis.quit()]);
      })()),
  };
}
