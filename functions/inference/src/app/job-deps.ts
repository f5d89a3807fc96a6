import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Publisher } from '../../../shared/src/cloudevents';
import type { Config } from '../../../shared/src/config';
import { FewShotSender } from '../adapters/fewshot-sender';
import type { RedisKeys } from '../../../shared/src/keys';
import { GateState } from '../adapters/gate-state';
import { HealthGate } from '../adapters/health-gate';
import type { InferenceMetrics } from '../adapters/metrics';
import type { PrepareSettings } from '../adapters/prepare';
import { StateStore } from '../adapters/state-store';
import { VllmClient } from '../adapters/vllm-client';
import type { PromptKit } from '../core/prompt-kit';
import type { OutcomeDeps } from './outcome';
import type { JobProcessorDeps } from './process-job';

/** What the wiring hands in: the shared connections and the prompt. */
export interface JobDepsIo {
  /** VLLM_BASE_URL, checked set by inferenceStartProblems. */
  readonly vllmBaseUrl: string;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly prompt: PromptKit;
  readonly metrics: InferenceMetrics;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly fetch?: typeof fetch | undefined;
}

/**
 * Builds what judging one job needs, shared by the pull loop and the push path: the vLLM client
 * and its /health gate (started), the publisher, the incident engine's store and policy, and
 * the unchanged-scene gate (issue #13 part 4) when UNCHANGED_GATE is true.
 */
export async function createJobDeps(config: Config, io: JobDepsIo): Promise<JobProcessorDeps & { gate: HealthGate }> {
  const { common, queue: qc, inference: ic } = config;
  const { redis, keys, metrics, logger } = io;
  const withFetch = io.fetch ? { fetch: io.fetch } : {};
  const client = new VllmClient({
    baseUrl: io.vllmBaseUrl,
    apiKey: ic.apiKey,
    timeoutMs: ic.requestTimeoutMs,
    maxRetries: ic.maxRetries,
    logger,
    ...withFetch,
  });
  const gate = new HealthGate(client, ic.healthIntervalMs, logger);
  await gate.start();
  const publisher = new Publisher({
    sink: common.kSink,
    maxRetries: config.publisher.maxRetries,
    timeoutMs: config.publisher.timeoutMs,
    logger,
    registry: io.registry,
    ...withFetch,
  });
  const store = new StateStore(redis, keys, {
    verdictsMaxLen: qc.verdictsMaxLen,
    replayTtlSeconds: ic.replayTtlSeconds,
  });
  const outcome: OutcomeDeps = {
    store,
    publisher,
    keys,
    model: common.vllmModel,
    metrics,
    logger,
    markerTtl: { safeSeconds: ic.safeMarkerTtlHours * 3600, otherSeconds: ic.markerTtlDays * 86_400 },
    policy: {
      confirmK: ic.confirmK,
      confirmN: ic.confirmN,
      resolveAfter: ic.resolveAfter,
      cooldownMs: ic.cooldownSeconds * 1000,
      // the alerts function resolves a silent camera's incidents after offline + 2 clips + resolve
      // seconds (issue #28.4, functions/alerts/src/core/observation.ts); the engine follows when the
      // camera returns, one clip length sooner, so clock skew and delivery lag never leave an
      // incident open here that alerts has resolved (closing first is safe: its resolve resolves it there)
      unobservedResolveMs:
        (config.capture.offlineSeconds + common.segmentSeconds + config.alerts.unobservedResolveSeconds) * 1000,
    },
  };
  const unchanged = ic.unchangedGate
    ? {
        state: new GateState(redis, keys),
        options: { threshold: ic.unchangedThreshold, maxSkipMs: ic.unchangedMaxSkipSeconds * 1000 },
      }
    : undefined;
  const fewShot = new FewShotSender({ enabled: ic.fewShotByReference, resends: metrics.fewShotResends, logger });
  return { client, gate, prompt: io.prompt, outcome, metrics, logger, unchanged, fewShot };
}

/** How a job's clip is turned into model input, from the configuration (pull and push alike). */
export function prepareSettingsOf(config: Config): PrepareSettings {
  const { common, inference: ic } = config;
  return {
    clipsDir: common.clipsDir,
    mode: ic.videoInput,
    sampling: ic.videoSampling,
    fps: ic.videoFps,
    maxSide: ic.videoMaxSide,
    maxClipSeconds: ic.maxClipSeconds ?? 3 * common.segmentSeconds,
  };
}
