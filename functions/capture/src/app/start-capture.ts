import fs from 'node:fs/promises';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CoverageStore } from '../../../shared/src/coverage-store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Config } from '../../../shared/src/config';
import { captureStartWarnings } from '../../../shared/src/config/capture';
import { serveFunction, type Readiness, type ServedFunction } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { createLogger } from '../../../shared/src/logger';
import { createRegistry } from '../../../shared/src/metrics';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import type { RecorderStatus } from '../adapters/recorder/types';
import type { SweepResult } from '../adapters/retention';
import { within } from '../../../shared/src/async';
import { createCaptureHandler } from '../handler';
import { CameraSet } from './camera-set';
import { startCameraSource } from './camera-source';
import { createCaptureParts } from './capture-parts';
import { captureReadiness } from './capture-readiness';
import { startRetentionTimer } from './retention-timer';

/** What the host process may inject (tests, the local stack). Everything has a default. */
export interface CaptureDeps {
  logger?: Logger;
  registry?: Registry;
  /** A shared Redis connection (it is not closed on stop). Default: a new one from REDIS_URL. */
  redis?: Redis;
  /** Serve the HTTP function on PORT (default true). */
  serve?: boolean;
}

/** A running capture replica. */
export interface CaptureHandle {
  readonly replicaId: string;
  /** The served function's base URL (when `serve`). */
  readonly url: string | undefined;
  readonly handler: HttpFunction;
  /** Cameras this replica records now. */
  cameras(): string[];
  recorders(): RecorderStatus[];
  readiness(): Promise<Readiness>;
  /** Runs one retention sweep now (also runs every CLIP_RETENTION_INTERVAL_SECONDS). */
  sweepRetention(): Promise<SweepResult>;
  /**
   * SIGINT to every recorder (last clips finalised and enqueued), release leases, close. Idempotent.
   * `handOver` (default true): in lease mode, with another live replica, first hand each camera over
   * while recording (core/handoff.ts); false = stop at once (Ctrl-C).
   */
  stop(opts?: { handOver?: boolean }): Promise<void>;
}

/** How long stop() waits for fire-and-forget publishes (publisher retries included) before giving up on them. */
const PUBLISH_DRAIN_MS = 5000;

/**
 * Starts a capture replica (wiring only): recorders for the cameras it owns (CAMERA_INDEX, or
 * Redis leases; app/camera-set.ts), camera health, retention and the `capture` CloudEvent function.
 */
export async function startCapture(config: Config, deps: CaptureDeps = {}): Promise<CaptureHandle> {
  const { common, capture: cc } = config;
  const logger = deps.logger ?? createLogger('capture', common.logLevel);
  // deprecated names/spellings first (docs/architecture.md §3.2), then unwise combinations
  for (const warning of [...config.warnings, ...captureStartWarnings(config)]) logger.warn(warning);
  const registry = deps.registry ?? createRegistry('capture');
  const redis =
    deps.redis ?? logRedisErrors(new Redis(common.redisUrl, { maxRetriesPerRequest: null }), logger, 'capture');
  const replicaId = cc.replicaId ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const keys = redisKeys(common.redisPrefix);
  await fs.mkdir(common.clipsDir, { recursive: true });

  const { metrics, queue, health, intake, retention } = createCaptureParts(config, {
    redis,
    keys,
    replicaId,
    registry,
    logger,
  });
  const cameraRegistry = new CameraRegistry(redis, keys, { logger });
  const coverage = new CoverageStore(redis, keys);
  const cameras = new CameraSet({
    config,
    replicaId,
    registry: cameraRegistry,
    health,
    intake,
    metrics,
    logger,
    coverage,
  });
  const leases = await startCameraSource(config, { redis, keys, replicaId, registry: cameraRegistry, cameras, logger });
  health.start();
  const retentionTimer = startRetentionTimer(
    { retention, cameras, replicaId, logger },
    cc.retentionIntervalSeconds * 1000,
  );
  const mode = leases ? 'lease' : `camera-index ${common.cameraIndex}`;
  const readiness = captureReadiness({
    redis,
    replicaId,
    mode,
    cameras,
    health,
    retention,
    leasesJoined: leases ? () => leases.joined() : undefined,
  });
  const handler = createCaptureHandler({
    actions: { clipRecorded: (data) => intake.take(data), cameraUpdated: async () => void (await leases?.tick()) },
    readiness,
    registry,
    logger,
  });
  let served: ServedFunction | undefined;
  if (deps.serve ?? true)
    served = await serveFunction('capture', handler, common.port, common.bindHost, {
      maxBodyBytes: common.maxBodyBytes,
    });
  logger.info({ replicaId, mode: leases ? 'lease' : 'camera-index', url: served?.url }, 'capture started');

  let stopping: Promise<void> | undefined;
  const stop = (opts: { handOver?: boolean } = {}) =>
    (stopping ??= (async () => {
      leases?.stopClaiming();
      retentionTimer.stop();
      // A rolling update with maxSurge 1 / maxUnavailable 0 starts the new pod and waits until it is
      // Ready before it scales the old ReplicaSet down, which SIGTERMs the old pod's main process
      // (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment,
      // https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination; a new Knative
      // revision likewise becomes Ready before the old one is scaled down). So another replica is live:
      // hand the cameras over while still recording (make-before-break, core/handoff.ts). Alone (Ctrl-C,
      // one replica, CAMERA_INDEX) this returns at once and the stop is as fast as before.
      // (bounded: a Redis outage must not hold the stop; cameras.stop() then stops every recorder)
      if (opts.handOver ?? true) await within(leases?.handOverAll(), cc.handoffTimeoutSeconds * 1000 + 3000, 0);
      await cameras.stop();
      // Redis may be down: never let shutdown hang on it (leases then simply expire)
      await within(leases?.stop(), 3000, undefined);
      // the last clips' clip.captured and the cameras' status events were sent without waiting: let them land (bounded: a dead sink must not hold the stop)
      const [published, recorded] = await Promise.all([intake.drain(PUBLISH_DRAIN_MS), health.stop(PUBLISH_DRAIN_MS)]);
      if (!published || !recorded)
        logger.warn({ boundMs: PUBLISH_DRAIN_MS }, 'stopping with CloudEvent publishes still in flight');
      await served?.close();
      await queue.close();
      if (!deps.redis)
        await within(
          redis.quit().catch(() => undefined),
          1000,
          undefined,
        ).finally(() => redis.disconnect());
      logger.info({ replicaId }, 'capture stopped');
    })());
  const recorders = () => cameras.statuses();
  return {
    replicaId,
    url: served?.url,
    handler,
    cameras: () => cameras.cameras(),
    recorders,
    readiness,
    sweepRetention: retentionTimer.sweepNow,
    stop,
  };
}
