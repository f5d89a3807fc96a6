import os from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { toError } from '../../../shared/src/errors';
import type { ClipQueue } from '../../../shared/src/queue';
import type { OverlayLookup, PrepareSettings } from '../adapters/prepare';
import { metricsUrlOf, ServerQueue } from '../adapters/server-queue';
import { SequentialSource, ThreadSource } from '../adapters/thread-source';
import { adaptiveLimit, fixedLimit, type ConcurrencyLimit } from '../core/concurrency';
import type { JobSource } from '../core/job-source';
import { ModelLoop } from './model-loop';
import type { PrepareReport } from './prepare-report';
import type { JobProcessorDeps } from './process-job';

/** What the pull path needs beyond the per-job deps. */
export interface PullPathDeps {
  readonly queue: ClipQueue;
  readonly consumerId: string;
  readonly settings: PrepareSettings;
  readonly overlayOf: OverlayLookup;
  readonly prepared: PrepareReport;
  readonly pipeline: 'thread' | 'sequential';
  readonly claimTimeoutSeconds: number;
  /** VLLM_BASE_URL: its /metrics feeds the adaptive limit (vllm:num_requests_waiting). */
  readonly vllmBaseUrl: string;
  readonly fetch?: typeof fetch | undefined;
  /** The loop cannot go on (the preparer thread died). */
  readonly onFatal: (err: Error) => void;
}

/** A running pull path (KEDA-scaled): preparer → model loop, plus the heartbeat and reaper timers. */
export interface PullPath {
  readonly limit: ConcurrencyLimit;
  stop(graceMs: number): Promise<void>;
}

/** Fixed INFERENCE_CONCURRENCY override (1 for the sequential baseline), or AIMD from 4 up to INFERENCE_MAX_CONCURRENCY (issue #13 part 3). */
function concurrencyLimit(config: Config, pipeline: PullPathDeps['pipeline']): ConcurrencyLimit {
  const ic = config.inference;
  if (pipeline === 'sequential') return fixedLimit(1);
  if (ic.concurrency !== undefined) return fixedLimit(ic.concurrency);
  return adaptiveLimit({
    min: 1,
    max: ic.maxConcurrency,
    initial: Math.min(4, ic.maxConcurrency),
    latencyBudgetMs: ic.latencyBudgetMs,
  });
}

function jobSource(config: Config, d: PullPathDeps, prepareAhead: number, lanes: number, logger: Logger): JobSource {
  const { common, queue: qc } = config;
  if (d.pipeline === 'sequential')
    return new SequentialSource(
      d.queue,
      d.consumerId,
      d.settings,
      d.claimTimeoutSeconds,
      d.prepared.report,
      logger,
      qc.maxAttempts,
      d.overlayOf,
    );
  return new ThreadSource(
    {
      redisUrl: common.redisUrl,
      redisPrefix: common.redisPrefix,
      consumerId: d.consumerId,
      maxAttempts: qc.maxAttempts,
      heartbeatTtlSeconds: qc.heartbeatTtlSeconds,
      prepareAhead,
      lanes,
      claimTimeoutSeconds: d.claimTimeoutSeconds,
      settings: d.settings,
      logLevel: common.logLevel,
    },
    d.prepared.report,
    logger,
  );
}

/** Starts the pull loop: claims from the queue, prepares ahead, keeps `limit` model requests in flight. */
export async function startPullPath(config: Config, job: JobProcessorDeps, d: PullPathDeps): Promise<PullPath> {
  const { queue: qc, inference: ic } = config;
  const { logger } = job;
  await d.queue.heartbeat(d.consumerId);
  const limit = concurrencyLimit(config, d.pipeline);
  const serverQueue = limit.adaptive
    ? new ServerQueue(metricsUrlOf(d.vllmBaseUrl), ic.serverMetricsIntervalMs, logger, d.fetch)
    : undefined;
  serverQueue?.start();
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
  const loop = new ModelLoop({
    ...job,
    source: jobSource(config, d, prepareAhead, prepareWorkers, logger),
    queue: d.queue,
    consumerId: d.consumerId,
    limit,
    ...(serverQueue ? { serverWaiting: () => serverQueue.waiting } : {}),
    maxAttempts: qc.maxAttempts,
    onFatal: d.onFatal,
  });
  loop.start();
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<unknown>, what: string) =>
    timers.push(
      setInterval(() => void fn().catch((err) => logger.warn({ err: toError(err).message }, `${what} failed`)), ms),
    );
  every((qc.heartbeatTtlSeconds * 1000) / 3, () => d.queue.heartbeat(d.consumerId), 'heartbeat');
  every(qc.reaperIntervalSeconds * 1000, () => d.queue.reap(), 'reaper');
  return {
    limit,
    stop: async (graceMs) => {
      for (const t of timers) clearInterval(t);
      await loop.stop(graceMs);
      serverQueue?.stop();
    },
  };
}
