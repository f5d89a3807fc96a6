import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Publisher } from '../../../shared/src/cloudevents';
import type { Config } from '../../../shared/src/config';
import type { RedisKeys } from '../../../shared/src/keys';
import { ClipQueue } from '../../../shared/src/queue';
import { CameraHealth } from '../adapters/camera-health';
import { createCaptureMetrics, type CaptureMetrics } from '../adapters/metrics';
import { RetentionSweeper } from '../adapters/retention';
import { ClipIntake } from './intake';

/** The services of one capture replica that do not depend on which cameras it records. */
export interface CaptureParts {
  readonly metrics: CaptureMetrics;
  readonly queue: ClipQueue;
  readonly health: CameraHealth;
  readonly intake: ClipIntake;
  readonly retention: RetentionSweeper;
}

/**
 * Builds the queue, the publisher, camera health, the clip intake (which tells camera health
 * about each recorder clip) and the retention sweeper, from the configuration.
 */
export function createCaptureParts(
  config: Config,
  io: { redis: Redis; keys: RedisKeys; replicaId: string; registry: Registry; logger: Logger },
): CaptureParts {
  const { common, capture: cc } = config;
  const { redis, keys, registry, logger } = io;
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
    owner: io.replicaId,
    offlineSeconds: cc.offlineSeconds,
    segmentSeconds: common.segmentSeconds,
  });
  const intake = new ClipIntake({
    clipsDir: common.clipsDir,
    queue,
    publisher,
    metrics,
    logger,
    ffprobePath: config.tools.ffprobePath,
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
  return { metrics, queue, health, intake, retention };
}
