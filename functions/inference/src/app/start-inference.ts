import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../../shared/src/config';
import { inferenceStartProblems } from '../../../shared/src/config/inference';
import { within } from '../../../shared/src/async';
import { ConfigError } from '../../../shared/src/errors';
import { redisAnswersWithin } from '../../../shared/src/redis-stop';
import { redisReady, serveFunction, type ServedFunction } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { createLogger } from '../../../shared/src/logger';
import { createRegistry } from '../../../shared/src/metrics';
import { ClipQueue, newConsumerId } from '../../../shared/src/queue';
import { registryOverlayLookup } from '../adapters/zone-overlay';
import type { FewShotExample } from '../core/prompt';
import { createInferenceHandler } from '../handler';
import { InferenceMetrics } from '../adapters/metrics';
import { createCameraActions } from './camera-actions';
import type { PromptKit } from '../core/prompt-kit';
import type { ConcurrencyLimit } from '../core/concurrency';
import { createJobDeps, prepareSettingsOf } from './job-deps';
import { createPrepareReport } from './prepare-report';
import { setUpPrompt } from './prompt-setup';
import { startPullPath, type PullPath } from './pull-path';
import { createPushPath } from './push-path';

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

/** GET /readyz: Redis answers, vLLM is healthy and the pull loop has not died. */
async function inferenceReadiness(
  redis: Redis,
  gate: { readonly healthy: boolean },
  prefixHash: string,
  limit: ConcurrencyLimit | undefined,
  fatalError: () => Error | undefined,
) {
  const redisOk = await redisReady(redis);
  const fatal = fatalError();
  return {
    ready: redisOk && gate.healthy && !fatal,
    detail: {
      redis: redis.status,
      vllm: gate.healthy ? 'healthy' : 'unhealthy: jobs wait',
      prefixHash,
      ...(limit ? { concurrency: { limit: limit.current, adaptive: limit.adaptive } } : {}),
      ...(fatal ? { fatal: fatal.message } : {}),
    },
  };
}

/**
 * Starts inference (wiring only): loads the few-shot prefix once, then (unless pull is off) the
 * pull path (app/pull-path.ts), the push path (app/push-path.ts) and the HTTP function.
 */
export async function startInference(config: Config, deps: InferenceDeps = {}): Promise<InferenceHandle> {
  const { common, queue: qc, inference: ic } = config;
  const problems = inferenceStartProblems(config);
  if (problems.length > 0 || !common.vllmBaseUrl) throw new ConfigError(problems);
  const vllmBaseUrl = common.vllmBaseUrl;
  const logger = deps.logger ?? createLogger('inference', common.logLevel);
  const registry = deps.registry ?? createRegistry('inference');
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
  const { prompt, contexts } = await setUpPrompt(config, { redis, keys, logger, fewShot: deps.fewShot });
  const io = { vllmBaseUrl, redis, keys, metrics, registry, logger, fetch: deps.fetch };
  const job = await createJobDeps(config, { ...io, prompt });
  const settings = prepareSettingsOf(config);
  const overlayOf = registryOverlayLookup(redis, keys);
  const prepared = createPrepareReport(metrics, logger);
  const pull = deps.pull ?? ic.pullLoop;
  const pipeline = deps.pipeline ?? ic.pipeline;
  let fatal: Error | undefined;
  const pullPath: PullPath | undefined = pull
    ? await startPullPath(config, job, {
        queue,
        consumerId,
        settings,
        overlayOf,
        prepared,
        pipeline,
        vllmBaseUrl,
        claimTimeoutSeconds: deps.claimTimeoutSeconds ?? 1,
        fetch: deps.fetch,
        onFatal: (err) => {
          fatal = err;
          logger.fatal({ err: err.message }, 'inference pull loop stopped');
          deps.onFatal?.(err);
        },
      })
    : undefined;
  const processClip = createPushPath(job, {
    settings,
    overlayOf,
    prepared,
    bound: ic.pushConcurrency ?? ic.concurrency ?? 4,
  });
  const readiness = () => inferenceReadiness(redis, job.gate, prompt.prefixHash, pullPath?.limit, () => fatal);

  let served: ServedFunction | undefined;
  if (deps.serveHttp ?? true) {
    const handler = createInferenceHandler({
      actions: { processClip, ...createCameraActions(contexts, job.outcome) },
      readiness,
      registry,
      logger,
    });
    served = await serveFunction('inference', handler, common.port, common.bindHost, {
      maxBodyBytes: common.maxBodyBytes,
    });
    logger.info({ url: served.url, consumerId, pipeline, pull }, 'inference listening');
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 20_000) =>
    (stopping ??= (async () => {
      contexts.stop();
      // Redis unreachable (#28.9): nothing can be acked or released anyway (the reaper returns the
      // claims later), so waiting for it only held a rolling restart for its whole grace period
      const redisUp = await redisAnswersWithin(redis, 1000);
      const grace = redisUp ? graceMs : Math.min(graceMs, 2000);
      await within(pullPath?.stop(grace), grace + 2000, undefined);
      job.gate.stop();
      await served?.close();
      if (pull && redisUp)
        await within(
          queue.retire(consumerId).catch(() => undefined),
          2000,
          undefined,
        );
      await queue.close();
      redis.disconnect();
      logger.info({ consumerId }, 'inference stopped');
    })());
  return { consumerId, prefixHash: prompt.prefixHash, url: served?.url, registry, prompt, stop };
}
