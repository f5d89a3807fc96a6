import fs from 'node:fs/promises';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Config } from '../../../shared/src/config';
import { Publisher } from '../../../shared/src/cloudevents';
import { toError } from '../../../shared/src/errors';
import { redisReady, serveFunction, type Readiness, type ServedFunction } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { createLogger } from '../../../shared/src/logger';
import { createRegistry } from '../../../shared/src/metrics';
import { ClipQueue } from '../../../shared/src/queue';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { ZoneOverlayFiles } from '../../../shared/src/zones/overlay-file';
import { zonesHash } from '../../../shared/src/zones/render';
import { CameraHealth } from '../adapters/camera-health';
import { seedRegistry } from '../adapters/seed-registry';
import { LeaseManager } from '../adapters/leases';
import { CameraRecorder, type RecorderStatus } from '../adapters/recorder';
import { RetentionSweeper, type SweepResult } from '../adapters/retention';
import { cameraId, cameraUrl } from '../core/recorder-args';
import { cameraTarget, sameTarget, type CameraTarget } from '../core/camera-target';
import { sleep, within } from '../../../shared/src/async';
import { createCaptureHandler } from '../handler';
import { ClipIntake } from './intake';
import { createCaptureMetrics } from '../adapters/metrics';

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
  /** Runs one retention sweep now (also runs every RETENTION_INTERVAL_SECONDS). */
  sweepRetention(): Promise<SweepResult>;
  /** SIGINT to every recorder (last clips finalised and enqueued), release leases, close. Idempotent. */
  stop(): Promise<void>;
}

/** How long stop() waits for fire-and-forget publishes (publisher retries included) before giving up on them. */
const PUBLISH_DRAIN_MS = 5000;

/**
 * Starts a capture replica: recorders for the cameras it owns (CAMERA_INDEX, or Redis leases),
 * camera health, retention and the `capture` CloudEvent function.
 */
export async function startCapture(config: Config, deps: CaptureDeps = {}): Promise<CaptureHandle> {
  const { common, capture: cc } = config;
  const logger = deps.logger ?? createLogger('capture', common.logLevel);
  const registry = deps.registry ?? createRegistry('capture');
  const redis =
    deps.redis ?? logRedisErrors(new Redis(common.redisUrl, { maxRetriesPerRequest: null }), logger, 'capture');
  const replicaId = cc.replicaId ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const keys = redisKeys(common.redisPrefix);
  await fs.mkdir(common.clipsDir, { recursive: true });

  const metrics = createCaptureMetrics(registry);
  const queue = new ClipQueue(redis, {
    keys,
    maxAttempts: config.queue.maxAttempts,
    heartbeatTtlSeconds: config.queue.heartbeatTtlSeconds,
    maxLength: config.queue.maxLength,
    logger,
  });
  const publisher = new Publisher({
    sink: common.kSink,
    maxRetries: config.publisher.maxRetries,
    timeoutMs: config.publisher.timeoutMs,
    logger,
    registry,
  });
  const health = new CameraHealth({
    redis,
    keys,
    publisher,
    metrics,
    logger,
    owner: replicaId,
    offlineSeconds: cc.offlineSeconds,
    segmentSeconds: common.segmentSeconds,
  });
  if (cc.offlineSeconds <= common.segmentSeconds) {
    logger.warn(
      { offlineSeconds: cc.offlineSeconds, segmentSeconds: common.segmentSeconds },
      'CAMERA_OFFLINE_SECONDS ≤ SEGMENT_SECONDS: cameras will flap offline between clips; use at least 2 × SEGMENT_SECONDS',
    );
  }
  const intake = new ClipIntake({
    clipsDir: common.clipsDir,
    queue,
    publisher,
    metrics,
    logger,
    ffprobePath: cc.ffprobePath,
    onRecorderClip: (cam, at) => health.clip(cam, at),
  });
  const retention = new RetentionSweeper({
    redis,
    keys,
    clipsDir: common.clipsDir,
    clipRetentionSeconds: cc.clipRetentionSeconds,
    incidentRetentionDays: cc.incidentRetentionDays,
    maxBytes: cc.clipsMaxBytes,
    metrics,
    logger,
  });

  const recorders = new Map<string, CameraRecorder>();
  const recordingTarget = new Map<string, CameraTarget>();
  /** zonesHash each recorder was spawned with ('' = none): a change restarts it (new zones into the model clip). */
  const recordingZones = new Map<string, string>();
  const overlays = new ZoneOverlayFiles(common.clipsDir);
  const zonesOf = async (cam: string): Promise<{ overlayFile: string; zonesHash: string } | undefined> => {
    const zones = (await cameraRegistry.get(cam).catch(() => undefined))?.zones ?? [];
    recordingZones.set(cam, zones.length > 0 ? zonesHash(zones) : '');
    const overlayFile = await overlays.pathFor(zones);
    return overlayFile ? { overlayFile, zonesHash: zonesHash(zones) } : undefined;
  };
  let stopped = false;
  let starting: Promise<void> = Promise.resolve();

  const acquire = (cam: string, target: CameraTarget | undefined) => {
    if (stopped || recorders.has(cam) || !target || target.url === '') return;
    recordingTarget.set(cam, target);
    const rec = new CameraRecorder({
      cameraId: cam,
      url: target.url,
      clipsDir: common.clipsDir,
      transport: target.transport,
      timeoutSeconds: cc.rtspTimeoutSeconds,
      segmentSeconds: common.segmentSeconds,
      respawnMaxMs: cc.respawnMaxSeconds * 1000,
      ffmpegPath: cc.ffmpegPath,
      ffprobePath: cc.ffprobePath,
      replicaId,
      logger,
      metrics,
      onClip: (data, from) => intake.take(data, from),
      model:
        cc.modelClip === 'on'
          ? {
              sampling: config.inference.videoSampling,
              fps: config.inference.videoFps,
              maxSide: config.inference.videoMaxSide,
              zones: () => zonesOf(cam),
            }
          : undefined,
    });
    recorders.set(cam, rec);
    metrics.camerasOwned.set(recorders.size);
    // staggered: a start-up CPU spike makes the UDP RTSP server drop packets (docs/architecture.md §5)
    starting = starting.then(async () => {
      if (stopped || recorders.get(cam) !== rec) return;
      await health.watch(cam).catch(() => undefined);
      rec.start();
      await sleep(cc.staggerMs);
    });
  };
  const lose = (cam: string) => {
    const rec = recorders.get(cam);
    if (!rec) return;
    recorders.delete(cam);
    recordingTarget.delete(cam);
    recordingZones.delete(cam);
    metrics.camerasOwned.set(recorders.size);
    health.unwatch(cam);
    return rec.stop();
  };

  // Lease mode records what the camera registry lists (seeded from NUM_STREAMS/RTSP_URL_TEMPLATE
  // on first start), re-read every lease round: cameras added, disabled or re-pointed apply live.
  const cameraRegistry = new CameraRegistry(redis, keys, { logger });
  const directory = new Map<string, CameraTarget>();
  const targetOpts = { key: cc.credentialsKey, template: common.rtspUrlTemplate, transport: cc.rtspTransport };
  const enabledCameras = async (): Promise<string[]> => {
    const enabled = (await cameraRegistry.list()).filter((e) => e.enabled);
    directory.clear();
    for (const e of enabled) directory.set(e.id, cameraTarget(e, targetOpts));
    const hashes = new Map(enabled.map((e) => [e.id, (e.zones ?? []).length > 0 ? zonesHash(e.zones ?? []) : '']));
    for (const cam of [...recorders.keys()]) {
      const target = directory.get(cam);
      const drawn = recordingZones.get(cam);
      const zonesChanged = cc.modelClip === 'on' && drawn !== undefined && drawn !== hashes.get(cam);
      if (target === undefined || (sameTarget(target, recordingTarget.get(cam)) && !zonesChanged)) continue;
      logger.info({ cameraId: cam, zonesChanged }, 'camera URL, transport or zones changed: restarting its recorder');
      await lose(cam);
      acquire(cam, target);
    }
    return enabled.map((e) => e.id);
  };
  let leases: LeaseManager | undefined;
  if (common.cameraIndex !== undefined) {
    acquire(cameraId(common.cameraIndex + 1), {
      url: cameraUrl(common.rtspUrlTemplate, common.cameraIndex + 1),
      transport: cc.rtspTransport,
    });
  } else {
    await seedRegistry(cameraRegistry, config, logger);
    leases = new LeaseManager({
      redis,
      keys,
      replicaId,
      ttlSeconds: cc.leaseTtlSeconds,
      maxCameras: cc.maxCameras,
      cameras: enabledCameras,
      logger,
      // the directory was filled by the same round's enabledCameras(), just before it claims
      onAcquire: (cam) => acquire(cam, directory.get(cam)),
      onLose: (cam) => lose(cam),
    });
    leases.start();
  }
  health.start();

  const lockKey = keys.retentionLock;
  const recoverStaging = () => Promise.all([...recorders.values()].map((r) => r.recover()));
  const sweepRetention = async () => {
    await recoverStaging();
    return retention.sweep();
  };
  const retentionTimer = setInterval(() => {
    void (async () => {
      // every replica finishes its own cameras' leftovers; one replica per interval sweeps
      await recoverStaging();
      const won = await redis.set(
        lockKey,
        replicaId,
        'PX',
        Math.max(1000, cc.retentionIntervalSeconds * 1000 - 500),
        'NX',
      );
      if (won === 'OK') await retention.sweep();
    })().catch((err) => logger.warn({ err: toError(err).message }, 'retention sweep failed'));
  }, cc.retentionIntervalSeconds * 1000);

  const readiness = async (): Promise<Readiness> => {
    const redisOk = await redisReady(redis);
    const statuses = [...recorders.values()].map((r) => r.status());
    return {
      ready: redisOk,
      detail: {
        redis: redisOk ? 'ok' : 'unreachable: check REDIS_URL; clips stay in CLIPS_DIR until it returns',
        replicaId,
        mode: leases ? 'lease' : `camera-index ${common.cameraIndex}`,
        recorders: statuses,
        cameras: health.snapshot(),
        retention: retention.last
          ? { at: retention.last.at, bytes: retention.last.bytesAfter, capBlocked: retention.last.capBlocked }
          : undefined,
        ...(retention.last?.capBlocked
          ? { warning: 'CLIPS_MAX_BYTES exceeded: only unverdicted clips remain; recording continues' }
          : {}),
      },
    };
  };

  const handler = createCaptureHandler({
    actions: {
      clipRecorded: (data) => intake.take(data),
      cameraUpdated: async () => void (await leases?.tick()),
    },
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
  const stop = () =>
    (stopping ??= (async () => {
      stopped = true;
      leases?.stopClaiming();
      clearInterval(retentionTimer);
      await Promise.all(
        [...recorders.keys()].map(async (cam) => {
          const rec = recorders.get(cam);
          await rec?.stop();
        }),
      );
      await starting;
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

  return {
    replicaId,
    url: served?.url,
    handler,
    cameras: () => [...recorders.keys()],
    recorders: () => [...recorders.values()].map((r) => r.status()),
    readiness,
    sweepRetention,
    stop,
  };
}
