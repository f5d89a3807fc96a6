import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { toError } from '../../../shared/src/errors';
import { redisKeys } from '../../../shared/src/keys';
import { createLogger } from '../../../shared/src/logger';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import { ClipQueue } from '../../../shared/src/queue';
import { claimAndPrepare, type PrepareEvent, type PreparedJob } from './claim';
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
  prepareAhead: number;
  claimTimeoutSeconds: number;
  settings: PrepareSettings;
  logLevel: string;
}

/** main → worker */
export type ToWorker = { type: 'consumed' } | { type: 'stop' };
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

let outstanding = 0;
let stopping = false;
let wake: (() => void) | undefined;
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'consumed') outstanding -= 1;
  if (m.type === 'stop') stopping = true;
  wake?.();
});

/** Backpressure: claim only while fewer than PREPARE_AHEAD prepared jobs wait in the main thread. */
async function loop(): Promise<void> {
  while (!stopping) {
    if (outstanding >= data.prepareAhead) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
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
    }
    if (job) {
      outstanding += 1;
      send({ type: 'job', job });
    }
  }
}

loop()
  .catch((err) => send({ type: 'failed', error: toError(err).message }))
  .finally(async () => {
    await queue.close();
    redis.disconnect();
    send({ type: 'stopped' });
  });
