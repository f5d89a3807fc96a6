import fs from 'node:fs/promises';
import { Redis } from 'ioredis';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import type { ClipJob } from '../../shared/src/clip-job';
import { redisKeys, type RedisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import { startInference, type InferenceHandle } from '../src/app/start-inference';
import { deleteKeysUnder, waitUntil } from '../../../test/support';
import { REDIS_URL, startSink, tempDir, testConfig, testEnv, verdicts, type Sink } from './helpers';

/**
 * The frame the inference integration suites share: one Redis client and one CloudEvent sink for
 * the file, and what a test starts (vllm-sims, clips folders, queues, inference) stopped after it,
 * newest first, so a failed test leaves nothing running into the next. Call it inside `describe`:
 * it registers the hooks.
 */
export function inferenceSuite() {
  const redis = new Redis(REDIS_URL);
  const cleanups: (() => Promise<unknown>)[] = [];
  let sink: Sink | undefined;
  const started = (): Sink => {
    if (!sink) throw new Error('the sink starts in beforeAll');
    return sink;
  };
  beforeAll(async () => {
    sink = await startSink();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await sink?.close();
    redis.disconnect();
  });
  return {
    redis,
    cleanups,
    get sink(): Sink {
      return started();
    },
    /** A vllm-sim on a free port, closed after the test. */
    sim: async (o: Parameters<typeof startVllmSim>[0] = {}): Promise<VllmSimHandle> => {
      const s = await startVllmSim({ port: 0, ...o });
      cleanups.push(() => s.close());
      return s;
    },
    /**
     * A clips folder (`inference-<label>-…`), the test config (testEnv + `over`; an `over` key
     * set to undefined is removed from the env), its keys and a queue (3 attempts, 3 s heartbeat);
     * the folder, the prefix's keys and the queue go after the test.
     */
    setup: async (label: string, over: Record<string, string | undefined>) => {
      const clipsDir = await tempDir(label);
      const env = testEnv({ CLIPS_DIR: clipsDir, K_SINK: started().url, ...(over as Record<string, string>) });
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete env[k];
      const config = testConfig(env);
      const keys = redisKeys(config.common.redisPrefix);
      const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 3 });
      cleanups.push(
        () => fs.rm(clipsDir, { recursive: true, force: true }),
        () => deleteKeysUnder(redis, config.common.redisPrefix),
        () => queue.close(),
      );
      return { clipsDir, config, keys, queue };
    },
    /** Enqueues `job` and waits until it has its verdict (`what` names the wait in a timeout). */
    judged: async (queue: ClipQueue, keys: RedisKeys, job: ClipJob, what = 'the verdict'): Promise<void> => {
      await queue.enqueue(job);
      await waitUntil(() => redis.exists(keys.verdictDone(job.id)), { timeoutMs: 20_000, what });
    },
    /** A test's only clip judged: its verdict's status and hazard types. */
    verdictOf: async (queue: ClipQueue, keys: RedisKeys, job: ClipJob) => {
      await queue.enqueue(job);
      await waitUntil(() => redis.exists(keys.verdictDone(job.id)), { timeoutMs: 20_000, what: 'the verdict' });
      const [v] = await verdicts(redis, keys.verdicts);
      return { status: v?.status, types: v?.hazards.map((h) => h.type) };
    },
    /**
     * Inference without its HTTP server unless `deps` asks for it, stopped after the test. Its claims
     * block 0.1 s, not the default 1 s: stop() waits for the blocking claim in flight to return (the
     * lanes re-check for shutdown between claims), which held every test's cleanup ≈ 1 s (up to 2 s
     * with a claim per lane). BLMOVE's timeout is a double in seconds since Redis 6.0
     * (https://redis.io/docs/latest/commands/blmove/); `deps` can still ask for another.
     */
    start: async (
      config: ReturnType<typeof testConfig>,
      deps: Parameters<typeof startInference>[1] = {},
    ): Promise<InferenceHandle> => {
      const h = await startInference(config, { serveHttp: false, claimTimeoutSeconds: 0.1, ...deps });
      cleanups.push(() => h.stop(2000));
      return h;
    },
  };
}
