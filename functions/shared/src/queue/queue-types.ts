import type { Logger } from 'pino';
import type { RedisKeys } from '../keys';
import type { ClipJob } from '../clip-job';

export interface ClipQueueOptions {
  keys: RedisKeys;
  /** Claims before a job is dead-lettered. */
  maxAttempts: number;
  /** A consumer whose heartbeat is older than this is presumed dead. */
  heartbeatTtlSeconds: number;
  /** Cap on pending jobs (drop-oldest, into the dead list with a reason); undefined = no cap. */
  maxLength?: number | undefined;
  /** How long an enqueued job id is remembered, so enqueueing the same clip twice is a no-op. */
  dedupTtlSeconds?: number;
  logger?: Logger;
}

/** A job a consumer holds. `raw` is the exact queue entry: ack/nack need it byte-for-byte. */
export interface ClaimedJob {
  raw: string;
  /** 1-based claim count (stored beside the job; the JSON's own `attempt` is the producer's). */
  attempt: number;
  /** The parsed job, or the reason it fails the schema (then dead-letter it). */
  parsed: { ok: true; job: ClipJob } | { ok: false; reason: string };
}

export interface DeadLetter {
  job: string;
  reason: string;
  at: string;
  consumer?: string;
  attempts?: number;
}

export interface EnqueueResult {
  enqueued: boolean;
  /** Jobs dropped (oldest first) because the queue hit QUEUE_MAX_LENGTH; they are in the dead list. */
  dropped: string[];
  /** Set when the id was already taken by a job with another path: refused, nothing queued (issue #18.1). */
  conflictPath?: string;
}
