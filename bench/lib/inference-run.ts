import { deleteKeysUnder } from '../../test/support';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRegistry } from '../../functions/shared/src/metrics';
import { parseConfig } from '../../functions/shared/src/config';
import type { ClipJob } from '../../functions/shared/src/clip-job';
import { redisKeys } from '../../functions/shared/src/keys';
import { createLogger } from '../../functions/shared/src/logger';
import { ClipQueue } from '../../functions/shared/src/queue';
import { startInference, type FewShotExample } from '../../functions/inference/src/index';
import { histogramMean } from './chat';
import type { SimProcess } from './sim-process';
import { sleep } from '../../functions/shared/src/async';

/** One pipeline run: `startInference` in this process against vllm-sim, `jobs` enqueued at once. */
export interface PipelineRunOptions {
  env: Record<string, string | undefined>;
  redisUrl: string;
  clipsDir: string;
  sim: SimProcess;
  fewShot: FewShotExample[];
  jobs: readonly ClipJob[];
  pipeline: 'thread' | 'sequential';
  concurrency: number;
  sampling: 'fps' | 'keyframes';
  timeoutMs?: number;
}

export interface PipelineRunResult {
  clips: number;
  seconds: number;
  clipsPerSecond: number;
  /** share of the run with no request running in vllm-sim (vllm:num_requests_running sampled from /metrics) */
  gpuIdleShare: number;
  meanPrepareS: number | undefined;
  meanModelS: number | undefined;
  meanQueueWaitS: number | undefined;
  statuses: Record<string, number>;
  dead: number;
}

export async function runPipeline(o: PipelineRunOptions): Promise<PipelineRunResult> {
  const prefix = `bench-${randomUUID()}`;
  const keys = redisKeys(prefix);
  const config = parseConfig({
    ...o.env,
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: prefix,
    CLIPS_DIR: o.clipsDir,
    VLLM_BASE_URL: o.sim.url,
    K_SINK: undefined,
    INFERENCE_CONCURRENCY: String(o.concurrency),
    VIDEO_SAMPLING: o.sampling,
    VIDEO_INPUT: 'video-frames',
    LOG_LEVEL: 'silent',
  });
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  const registry = createRegistry('bench-inference');
  const handle = await startInference(config, {
    logger: createLogger('bench', 'silent'),
    registry,
    pipeline: o.pipeline,
    serveHttp: false,
    fewShot: o.fewShot,
  });
  try {
    await o.sim.resetPrefixCache();
    const sampler = o.sim.sampleRunning();
    const started = performance.now();
    for (const job of o.jobs)
      await queue.enqueue({ ...job, startedAt: new Date(Date.now() - job.durationMs).toISOString() });
    const deadline = started + (o.timeoutMs ?? 300_000);
    let done = 0;
    let lastCheck = 0;
    while (performance.now() < deadline) {
      if (performance.now() - lastCheck > 50) {
        lastCheck = performance.now();
        done = (await redis.xlen(keys.verdicts)) + (await redis.llen(keys.dead));
        if (done >= o.jobs.length) break;
      }
      await sleep(10);
    }
    const seconds = (performance.now() - started) / 1000;
    const { idleShare } = await sampler.stop();
    if (done < o.jobs.length)
      throw new Error(`pipeline ${o.pipeline}: only ${done} of ${o.jobs.length} clips judged in time`);
    const statuses: Record<string, number> = {};
    for (const [, fields] of await redis.xrange(keys.verdicts, '-', '+')) {
      const v = fields[fields.indexOf('verdict') + 1];
      const status = v ? String((JSON.parse(v) as { status?: unknown }).status) : 'unknown';
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const text = await registry.metrics();
    return {
      clips: o.jobs.length,
      seconds,
      clipsPerSecond: o.jobs.length / seconds,
      gpuIdleShare: idleShare,
      meanPrepareS: histogramMean(text, 'safetyhanta_inference_prepare_seconds'),
      meanModelS: histogramMean(text, 'safetyhanta_inference_model_seconds'),
      meanQueueWaitS: histogramMean(text, 'safetyhanta_inference_queue_wait_seconds'),
      statuses,
      dead: await redis.llen(keys.dead),
    };
  } finally {
    await handle.stop(5000);
    await queue.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
}
