import os from 'node:os';
import fs from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClipJob } from '../../../shared/src/clip-job';
import { verifyClipJob } from '../../../shared/src/clip-identity';
import { Publisher } from '../../../shared/src/cloudevents';
import type { Config } from '../../../shared/src/config';
import { ConfigError, UnavailableError, toError } from '../../../shared/src/errors';
import type { CameraStatusEvent } from '../../../shared/src/events';
import { redisReady, serveFunction, type ServedFunction } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { createLogger } from '../../../shared/src/logger';
import { createRegistry } from '../../../shared/src/metrics';
import { ClipQueue, newConsumerId } from '../../../shared/src/queue';
import { loadFewShot } from '../adapters/fewshot';
import { HealthGate } from '../adapters/health-gate';
import type { PrepareEvent } from '../adapters/claim';
import { prepareJob, type PrepareSettings } from '../adapters/prepare';
import { GateState } from '../adapters/gate-state';
import { StateStore } from '../adapters/state-store';
import { VllmClient } from '../adapters/vllm-client';
import { parseCamerasFile } from '../core/camera-context';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { seedEntries } from '../../../shared/src/camera-registry/seed';
import { CameraContexts } from '../adapters/camera-contexts';
import { registryOverlayLookup } from '../adapters/zone-overlay';
import type { FewShotExample } from '../core/prompt';
import { createInferenceHandler } from '../handler';
import { InferenceMetrics } from '../adapters/metrics';
import { applyCameraEvent, type OutcomeDeps } from './outcome';
import { processJob, type JobProcessorDeps } from './process-job';
import { modelClipFps } from '../core/ffmpeg-args';
import { ModelLoop } from './model-loop';
import { createPromptKit, type PromptKit } from '../core/prompt-kit';
import type { JobSource } from '../core/job-source';
import { SequentialSource, ThreadSource } from '../adapters/thread-source';
import { metricsUrlOf, ServerQueue } from '../adapters/server-queue';
import { adaptiveLimit, fixedLimit, type ConcurrencyLimit } from '../core/concurrency';

/** Optional overrides for tests, the local stack and benchmarks. */
export interface InferenceDeps {
  logger?: Logger;
  registry?: Registry;
  /** Transport for vLLM and the sink. */
  fetch?: typeof fetch;
  /** Overrides INFERENCE_PIPELINE: preparer thread, or one job at a time (benchmark baseline). */
  pipeline?: 'thread' | 'sequential';
  /** Serve the CloudEvent/health/metrics HTTP surface on config.common.port. @default true */
  serveHttp?: boolean;
  /** Overrides INFERENCE_PULL. */
  pull?: boolean;
  /** Pre-loaded few-shot examples (default: loaded from FEWSHOT_DIR). */
  fewShot?: FewShotExample[];
  /**
   * Called when the pull loop cannot go on (the preparer thread died). main.ts exits 1 so the
   * pod restarts; the reaper returns the dead consumer's jobs. @default logs at fatal level
   */
  onFatal?: (err: Error) => void;
  /** Seconds a claim blocks before re-checking for shutdown. @default 1 */
  claimTimeoutSeconds?: number;
}

/** A running inference instance. */
export interface InferenceHandle {
  consumerId: string;
  prefixHash: string;
  /** HTTP surface URL, when served. */
  url: string | undefined;
  registry: Registry;
  prompt: PromptKit;
  /** Graceful stop: stop claiming, finish (or release after `graceMs`) in-flight jobs, retire. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts inference: loads the few-shot prefix once, then (unless pull is off) the preparer
 * and the model loop, the heartbeat and reaper timers, and the HTTP function.
 */
export async function startInference(config: Config, deps: InferenceDeps = {}): Promise<InferenceHandle> {
  const { common, queue: qc, inference: ic } = config;
  const logger = deps.logger ?? createLogger('inference', common.logLevel);
  const registry = deps.registry ?? createRegistry('inference');
  if (ic.confirmN < ic.confirmK)
    throw new ConfigError([
      `INCIDENT_CONFIRM_N=${ic.confirmN} is smaller than INCIDENT_CONFIRM_K=${ic.confirmK}: expected N ≥ K`,
    ]);
  if (!common.vllmBaseUrl)
    throw new Error(
      'VLLM_BASE_URL is not set: inference needs an OpenAI-compatible server (vLLM, or vllm-sim locally)',
    );
  const metrics = new InferenceMetrics(registry);
  const keys = redisKeys(common.redisPrefix);
  const redis = logRedisErrors(new Redis(common.redisUrl, { maxRetriesPerRequest: null }), logger, 'inference');
  const queue = new ClipQueue(redis, {
    keys,
    maxAttempts: qc.maxAttempts,
    heartbeatTtlSeconds: qc.heartbeatTtlSeconds,
    maxLength: qc.maxLength,
    logger,
  });
  const consumerId = newConsumerId('inference');

  const examples = deps.fewShot ?? (await loadFewShot(ic.fewshotDir));
  const cameras = ic.camerasFile ? parseCamerasFile(await fs.readFile(ic.camerasFile, 'utf8')) : undefined;
  // the registry (seeded once from today's configuration) gives each clip its camera's current context and zones
  const cameraRegistry = new CameraRegistry(redis, keys, { logger });
  await cameraRegistry
    .syncSeeded(
      seedEntries({ numStreams: common.numStreams, rtspUrlTemplate: common.rtspUrlTemplate, camerasFile: cameras }),
    )
    .catch((err) => logger.warn({ err: toError(err).message }, 'could not seed the camera registry'));
  const contexts = new CameraContexts({
    registry: cameraRegistry,
    language: ic.verdictLanguage,
    file: cameras,
    pollMs: 1000,
    logger,
  });
  await contexts.start();
  const overlayOf = registryOverlayLookup(redis, keys);
  const prompt = createPromptKit({
    examples,
    cameras,
    contextOf: (id) => contexts.contextOf(id),
    mode: ic.videoInput,
    language: ic.verdictLanguage,
    fps: modelClipFps(ic.videoSampling, ic.videoFps),
    model: common.vllmModel,
    maxTokens: ic.maxTokens,
  });
  logger.info(
    { prefixHash: prompt.prefixHash, examples: examples.map((e) => e.name), mode: ic.videoInput },
    'few-shot prefix ready',
  );

  const client = new VllmClient({
    baseUrl: common.vllmBaseUrl,
    apiKey: ic.apiKey,
    timeoutMs: ic.requestTimeoutMs,
    maxRetries: ic.maxRetries,
    logger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const gate = new HealthGate(client, ic.healthIntervalMs, logger);
  await gate.start();
  const publisher = new Publisher({
    sink: common.kSink,
    maxRetries: config.publisher.maxRetries,
    timeoutMs: config.publisher.timeoutMs,
    logger,
    registry,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
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
    },
  };
  const settings: PrepareSettings = {
    clipsDir: common.clipsDir,
    mode: ic.videoInput,
    sampling: ic.videoSampling,
    fps: ic.videoFps,
    maxSide: ic.videoMaxSide,
    maxClipSeconds: ic.maxClipSeconds ?? 3 * common.segmentSeconds,
  };
  // Once per fallback reason in the log; every one in the counter (issue #13 part 1).
  const loggedFallbacks = new Set<string>();
  const countSource = (source: 'capture' | 'fallback', reason?: string) => {
    metrics.modelClip.inc({ source, reason: source === 'capture' ? '' : (reason ?? 'absent') });
    if (source === 'fallback' && reason && !loggedFallbacks.has(reason)) {
      loggedFallbacks.add(reason);
      logger.info(
        { reason },
        'a job has no usable capture-made model clip: making one here (logged once per reason; see safetyhanta_inference_model_clip_total)',
      );
    }
  };
  // Unchanged-scene gate (issue #13 part 4), shared by the pull loop and the push path.
  const unchanged = ic.unchangedGate
    ? {
        state: new GateState(redis, keys),
        options: { threshold: ic.unchangedThreshold, maxSkipMs: ic.unchangedMaxSkipSeconds * 1000 },
      }
    : undefined;
  const report = (e: PrepareEvent) => {
    if (e.type === 'dead') metrics.deadLetters.inc({ reason: e.label });
    if (e.type === 'prepared') {
      metrics.prepare.observe(e.prepareMs / 1000);
      metrics.queueWait.observe(e.queueWaitMs / 1000);
      countSource(e.source, e.reason);
    }
  };

  // Pull loop (KEDA-scaled): preparer thread or sequential, then the model loop.
  const pull = deps.pull ?? ic.pullLoop;
  const pipeline = deps.pipeline ?? ic.pipeline;
  const claimTimeoutSeconds = deps.claimTimeoutSeconds ?? 1;
  let loop: ModelLoop | undefined;
  let serverQueue: ServerQueue | undefined;
  let pullLimit: ConcurrencyLimit | undefined;
  let fatal: Error | undefined;
  const timers: NodeJS.Timeout[] = [];
  if (pull) {
    await queue.heartbeat(consumerId);
    // Fixed INFERENCE_CONCURRENCY override, or AIMD from 4 up to INFERENCE_MAX_CONCURRENCY (issue #13 part 3).
    const limit: ConcurrencyLimit =
      pipeline === 'sequential'
        ? fixedLimit(1)
        : ic.concurrency !== undefined
          ? fixedLimit(ic.concurrency)
          : adaptiveLimit({
              min: 1,
              max: ic.maxConcurrency,
              initial: Math.min(4, ic.maxConcurrency),
              latencyBudgetMs: ic.latencyBudgetMs,
            });
    pullLimit = limit;
    if (limit.adaptive) {
      serverQueue = new ServerQueue(metricsUrlOf(common.vllmBaseUrl), ic.serverMetricsIntervalMs, logger, deps.fetch);
      serverQueue.start();
    }
    const prepareAhead = ic.prepareAhead ?? limit.current;
    const prepareWorkers = ic.prepareWorkers ?? os.availableParallelism();
    logger.info(
      {
        concurrency: limit.adaptive ? `adaptive 1..${ic.maxConcurrency}` : limit.current,
        latencyBudgetMs: ic.latencyBudgetMs,
        prepareWorkers,
        prepareAhead: ic.prepareAhead ?? 'the current limit',
      },
      'model loop concurrency',
    );
    const source: JobSource =
      pipeline === 'thread'
        ? new ThreadSource(
            {
              redisUrl: common.redisUrl,
              redisPrefix: common.redisPrefix,
              consumerId,
              maxAttempts: qc.maxAttempts,
              heartbeatTtlSeconds: qc.heartbeatTtlSeconds,
              prepareAhead,
              lanes: prepareWorkers,
              claimTimeoutSeconds,
              settings,
              logLevel: common.logLevel,
            },
            report,
            logger,
          )
        : new SequentialSource(
            queue,
            consumerId,
            settings,
            claimTimeoutSeconds,
            report,
            logger,
            qc.maxAttempts,
            overlayOf,
          );
    const onFatal = (err: Error) => {
      fatal = err;
      logger.fatal({ err: err.message }, 'inference pull loop stopped');
      deps.onFatal?.(err);
    };
    loop = new ModelLoop({
      source,
      queue,
      consumerId,
      client,
      gate,
      prompt,
      outcome,
      limit,
      unchanged,
      ...(serverQueue ? { serverWaiting: () => serverQueue?.waiting } : {}),
      maxAttempts: qc.maxAttempts,
      metrics,
      logger,
      onFatal,
    });
    loop.start();
    const every = (ms: number, fn: () => Promise<unknown>, what: string) =>
      timers.push(
        setInterval(() => void fn().catch((err) => logger.warn({ err: toError(err).message }, `${what} failed`)), ms),
      );
    every((qc.heartbeatTtlSeconds * 1000) / 3, () => queue.heartbeat(consumerId), 'heartbeat');
    every(qc.reaperIntervalSeconds * 1000, () => queue.reap(), 'reaper');
  }

  // Push path (Knative Eventing): the SAME per-job function as the pull loop, without the queue.
  // Bounded (issue #18.7): past INFERENCE_PUSH_CONCURRENCY it answers 503 so the Trigger redelivers
  // later, instead of starting one ffmpeg per event; vLLM down is 503 too (no request is held open).
  const jobDeps: JobProcessorDeps = { client, gate, prompt, outcome, metrics, logger, unchanged };
  const pushBound = ic.pushConcurrency ?? ic.concurrency ?? 4;
  let pushInFlight = 0;
  const processClip = async (job: ClipJob) => {
    if (pushInFlight >= pushBound)
      throw new UnavailableError(
        `inference is busy (${pushInFlight} pushed clips in flight, INFERENCE_PUSH_CONCURRENCY=${pushBound}); redeliver later`,
      );
    pushInFlight += 1;
    try {
      // a job from the network must be the clip it names: id from the clip itself, camera = its folder (issue #18.1)
      await verifyClipJob(settings.clipsDir, job);
      const r = await processJob(
        jobDeps,
        job,
        async () => {
          const started = performance.now();
          const p = await prepareJob(job, settings, overlayOf);
          metrics.prepare.observe((performance.now() - started) / 1000);
          countSource(p.source, p.reason);
          return { media: p.media, thumbs: p.thumbs };
        },
        { waitWhileDown: false },
      );
      return r.replayed ? { jobId: r.jobId, replayed: true } : r.verdict;
    } finally {
      pushInFlight -= 1;
    }
  };
  const cameraUpdated = async () => {
    await contexts.refresh(true);
    return { refreshed: true };
  };
  const cameraStatus = async (eventId: string, e: CameraStatusEvent) => {
    const events = await applyCameraEvent(
      outcome,
      eventId,
      { cameraId: e.cameraId, status: e.status, atMs: Date.parse(e.at) },
      new Date(),
    );
    return { alerts: events.map((x) => x.id) };
  };
  const readiness = async () => {
    const redisOk = await redisReady(redis);
    return {
      ready: redisOk && gate.healthy && !fatal,
      detail: {
        redis: redis.status,
        vllm: gate.healthy ? 'healthy' : 'unhealthy: jobs wait',
        prefixHash: prompt.prefixHash,
        ...(pullLimit ? { concurrency: { limit: pullLimit.current, adaptive: pullLimit.adaptive } } : {}),
        ...(fatal ? { fatal: fatal.message } : {}),
      },
    };
  };

  let served: ServedFunction | undefined;
  if (deps.serveHttp ?? true) {
    served = await serveFunction(
      'inference',
      createInferenceHandler({ actions: { processClip, cameraStatus, cameraUpdated }, readiness, registry, logger }),
      common.port,
      common.bindHost,
      { maxBodyBytes: common.maxBodyBytes },
    );
    logger.info({ url: served.url, consumerId, pipeline, pull }, 'inference listening');
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 20_000) =>
    (stopping ??= (async () => {
      for (const t of timers) clearInterval(t);
      contexts.stop();
      await loop?.stop(graceMs);
      gate.stop();
      serverQueue?.stop();
      await served?.close();
      if (pull) await queue.retire(consumerId).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      logger.info({ consumerId }, 'inference stopped');
    })());
  return { consumerId, prefixHash: prompt.prefixHash, url: served?.url, registry, prompt, stop };
}
