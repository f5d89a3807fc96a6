import type { Config } from '../../../shared/src/config';
import { toError } from '../../../shared/src/errors';
import { redactUrls } from '../../../shared/src/redact';
import { connectRedisClients } from '../../../shared/src/redis-connect';
import type { Redis } from 'ioredis';
import { redisReady, serveFunction } from '../../../shared/src/http';
import { createLogger, type Logger } from '../../../shared/src/logger';
import { createRegistry, type Registry } from '../../../shared/src/metrics';
import { countRejectedEvents, createAlertsMetrics } from '../adapters/metrics';
import { CoverageStore } from '../../../shared/src/coverage-store';
import { AlertStore, type StoreUpdate } from '../adapters/redis-store';
import { SseHub } from '../adapters/sse-hub';
import { alertKeys } from '../adapters/store-keys';
import { boundSlowClients } from '../adapters/slow-clients';
import { authSettingsFor } from './auth-settings';
import { createAlertsHandler } from '../handler';
import { createDashboardRoutes, createLiveState, createSharedParts } from './dashboard-parts';
import { startRecord, type RecordDeps } from './record-wiring';
import { redisKeys } from '../../../shared/src/keys';
import { closeRedis } from '../../../shared/src/redis-stop';

/** Optional overrides for {@link startAlerts} (tests and the local stack). */
export interface AlertsDeps {
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Port to listen on; defaults to `config.common.port` (0 = any free port). */
  readonly port?: number;
  /** Interface to bind. @default BIND_HOST (127.0.0.1) */
  readonly host?: string;
  /** Opens the system of record instead of openRecord (tests: a PGlite from a migrated template, test/support/record-db.ts). */
  readonly openRecord?: RecordDeps['openRecord'];
  /** How often notify's delivery attempts are copied into the record, ms (tests shorten it). @default 1000 */
  readonly deliveryCopyMs?: RecordDeps['deliveryCopyMs'];
}

/** A running alerts function. */
export interface RunningAlerts {
  /** Base URL, e.g. `http://127.0.0.1:8080` (POST CloudEvents here; the dashboard is at `/`). */
  readonly url: string;
  readonly port: number;
  /** Closes browsers' streams, the HTTP server and the Redis connections. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the alerts function (wiring only): CloudEvent subscriber (POST /), dashboard (GET /),
 * JSON API, server-sent events, clips and thumbnails, on functions-framework.
 */
/** Every store update on the pub/sub channel reaches the live state (SSE clients, the watchdogs). */
async function followStoreUpdates(
  sub: Redis,
  channel: string,
  onUpdate: (u: StoreUpdate) => void,
  logger: Logger,
): Promise<void> {
  sub.on('message', (_channel: string, message: string) => {
    try {
      onUpdate(JSON.parse(message) as StoreUpdate);
    } catch (err) {
      logger.warn({ err: toError(err).message }, 'bad update message');
    }
  });
  await sub.subscribe(channel);
}

/** Ready while Redis answers; the detail names where it was looked for (the URL without its password). */
function redisReadiness(redis: Redis, redisUrl: string) {
  const redisAt = redactUrls(redisUrl);
  return async () => {
    const ok = await redisReady(redis);
    return { ready: ok, detail: { redis: ok ? 'ok' : `not answering at ${redisAt}` } };
  };
}

export async function startAlerts(config: Config, deps: AlertsDeps = {}): Promise<RunningAlerts> {
  const { common, alerts } = config;
  const logger = deps.logger ?? createLogger('alerts', common.logLevel);
  const host = deps.host ?? common.bindHost;
  const auth = authSettingsFor(alerts, host, logger);
  const registry = deps.registry ?? createRegistry('alerts');
  const metrics = createAlertsMetrics(registry);
  // the command client times out (ALERTS_REDIS_TIMEOUT_MS): a frozen Redis gets the API a 503
  // (http/redis-gate.ts) instead of a hang (#28.9); the subscriber waits, as subscriptions do
  const [redis, sub] = await connectRedisClients(common.redisUrl, logger, ['alerts', 'alerts-sub'], {
    alerts: alerts.redisTimeoutMs,
  });
  const keys = alertKeys(common.redisPrefix);
  const store = new AlertStore(redis, keys, {
    recentVerdicts: alerts.recentVerdicts,
    maxIncidents: alerts.maxIncidents,
  });
  const hub = new SseHub({
    heartbeatMs: alerts.heartbeatMs,
    clientsGauge: metrics.sseClients,
    maxStreams: alerts.sseMaxStreams,
    maxPerClient: alerts.sseMaxPerClient,
  });
  const shared = createSharedParts(config, { redis, metrics, registry, logger });
  // the system of record (issue #25): PostgreSQL at DATABASE_URL, else embedded PGlite
  const record = await startRecord(config, {
    redis,
    store,
    cameras: shared.cameraRegistry,
    logger,
    legalHoldKey: redisKeys(common.redisPrefix).legalHoldClips,
    thumbnail: (clip) => shared.thumbs.get(clip),
    ...(deps.openRecord ? { openRecord: deps.openRecord } : {}),
    ...(deps.deliveryCopyMs !== undefined ? { deliveryCopyMs: deps.deliveryCopyMs } : {}),
  }).catch(async (err: unknown) => {
    await Promise.allSettled([sub.quit(), redis.quit()]);
    throw err;
  });
  const live = createLiveState(config, { store, hub, logger, shared, record: record?.recorder });
  await followStoreUpdates(sub, keys.updates, (u) => live.onUpdate(u), logger);

  const handler = createAlertsHandler({
    actions: {
      store,
      metrics,
      record: record?.recorder,
      coverage: new CoverageStore(redis, redisKeys(common.redisPrefix)),
    },
    logger,
    registry,
    readiness: redisReadiness(redis, common.redisUrl),
    routes: createDashboardRoutes(config, auth, {
      redis,
      store,
      live,
      hub,
      metrics,
      logger,
      shared,
      recordRoutes: record?.routes,
      feedbackRecord: record?.feedback,
      ...(record ? { onAcknowledgedByLink: (id, at, by, from) => record.acknowledgedByLink(id, at, by, from) } : {}),
    }),
  });

  live.start();
  const served = await serveFunction('alerts', handler, deps.port ?? common.port, host, {
    maxBodyBytes: common.maxBodyBytes,
  });
  boundSlowClients(served.server, {
    headersTimeoutMs: alerts.headersTimeoutMs,
    requestTimeoutMs: alerts.requestTimeoutMs,
  });
  countRejectedEvents(served.server, metrics);
  logger.info(
    { url: served.url, clipsDir: common.clipsDir, prefix: common.redisPrefix, auth: auth.mode },
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
        // bounded: with Redis unreachable a QUIT would wait for ever (#28.9)
        await Promise.all([closeRedis(sub), closeRedis(redis)]);
      })()),
  };
}
