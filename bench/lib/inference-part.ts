import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys } from '../../functions/shared/src/keys';
import { ClipQueue } from '../../functions/shared/src/queue';
import type { BenchContext } from '../run';
import { MAINS, startPart, type PartProcess } from '../../test/support';

/**
 * Inference as its own process for a benchmark run: the run's environment, its Redis prefix and
 * clips folder, vLLM at `vllmUrl`, no CloudEvent sink, on 127.0.0.1:`port`, warnings only. The
 * caller waits for /healthz and stops it.
 */
export function startBenchInference(
  ctx: BenchContext,
  o: { prefix: string; clipsDir: string; vllmUrl: string; port: number },
): PartProcess {
  return startPart('inference', MAINS.inference, {
    ...ctx.env,
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: o.prefix,
    CLIPS_DIR: o.clipsDir,
    VLLM_BASE_URL: o.vllmUrl,
    K_SINK: undefined,
    PORT: String(o.port),
    BIND_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
}

/** A fresh `bench-<tag>-…` prefix on the run's Redis and the clip queue under it (3 attempts, 30 s heartbeat). */
export function benchQueue(ctx: BenchContext, tag: string) {
  const prefix = `bench-${tag}-${randomUUID()}`;
  const keys = redisKeys(prefix);
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  return { prefix, keys, redis, queue };
}
