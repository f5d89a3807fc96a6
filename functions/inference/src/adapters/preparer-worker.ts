import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { toError } from '../../../shared/src/errors';
import { redisKeys } from '../../../shared/src/keys';
import { createLogger } from '../../../shared/src/logger';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { ClipQueue } from '../../../shared/src/queue';
import { claimAndPrepare, type PrepareEvent } from './claim';
import type { PreparedJob } from '../core/job-source';
import type { PrepareSettings } from './prepare';
import { registryOverlayLookup } from './zone-overlay';
import { sleep } from '../../../shared/src/async';

/** Everything the preparer thread needs; it never reads process.env. */
export interface PreparerWorkerData {
  redisUrl: string;
  redisPrefix: string;
  consumerId: string;
  maxAttempts: number;
  heartbeatTtlSeconds: number;
  /** Initial bound on prepared-and-untaken jobs; the main thread moves it with the concurrency limit ('ahead'). */
  prepareAhead: number;
  /** PREPARE_WORKERS: lanes claiming and preparing at once (each one ffmpeg at most). */
  lanes: number;
  claimTimeoutSeconds: number;
  settings: PrepareSettings;
  logLevel: string;
}

/** main → worker */
export type ToWorker = { type: 'consumed' } | { type: 'stop' } | { type: 'ahead'; n: number };
/** worker → main */
export type FromWorker =
  | { type: 'job'; job: PreparedJob }
  | { type: 'event'; event: PrepareEvent }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

const port = parentPort;
if (!port) throw new Error('preparer-worker must run in a worker thread');
const data = workerData as PreparerWorkerData;
const logger = createLogger('inference-preparer', data.logLevel);
// Its own connection: the main thread's commands never wait behind a blocking claim.
const redis = logRedisErrors(new Redis(data.redisUrl, { maxRetriesPerRequest: null }), logger, 'inference-preparer');
const keys = redisKeys(data.redisPrefix);
const queue = new ClipQueue(redis, {
  keys,
  maxAttempts: data.maxAttempts,
  heartbeatTtlSeconds: data.heartbeatTtlSeconds,
  logger,
});
const overlayOf = registryOverlayLookup(redis, keys);

/** Prepared and not yet taken by the main thread, plus claims being prepared right now. */
let outstanding = 0;
let preparing = 0;
let ahead = data.prepareAhead;
let stopping = false;
let wakers: (() => void)[] = [];
const send = (m: FromWorker) => port.postMessage(m);
const wakeAll = () => {
  const w = wakers;
  wakers = [];
  for (const f of w) f();
};

port.on('message', (m: ToWorker) => {
  if (m.type === 'consumed') outstanding -= 1;
  if (m.type === 'stop') stopping = true;
  if (m.type === 'ahead') ahead = Math.max(1, m.n);
  wakeAll();
});

/**
 * One lane (issue #13 part 2: PREPARE_WORKERS of them, so fallback decodes run in parallel).
 * Backpressure: a lane claims only while prepared + preparing < the bound the main thread set
 * (the current concurrency limit): clips nobody can start soon stay in the Redis list, where KEDA sees them.
 */
async function lane(): Promise<void> {
  while (!stopping) {
    if (outstanding + preparing >= ahead) {
      await new Promise<void>((resolve) => wakers.push(resolve));
      continue;
    }
    preparing += 1;
    let job: PreparedJob | null = null;
    try {
      job = await claimAndPrepare(
        queue,
        data.consumerId,
        data.settings,
        data.claimTimeoutSeconds,
        (event) => send({ type: 'event', event }),
        logger,
        data.maxAttempts,
        overlayOf,
      );
    } catch (err) {
      logger.error({ err: toError(err).message }, 'claiming failed; trying again in 1 s');
      await sleep(1000);
    } finally {
      preparing -= 1;
    }
    if (job) {
      outstanding += 1;
      send({ type: 'job', job });
    } else wakeAll();
  }
}

async function loop(): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, data.lanes) }, () => lane()));
}

loop()
  .catch((err) => send({ type: 'failed', error: toError(err).message }))
  .finally(async () => {
    await queue.close();
    redis.disconnect();
    send({ type: 'stopped' });
  });
