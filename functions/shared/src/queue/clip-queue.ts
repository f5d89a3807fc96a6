import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type ClipJob, parseClipJob } from '../clip-job';
import type { ClaimedJob, ClipQueueOptions, DeadLetter, EnqueueResult } from './queue-types';
import { queueCommands, type QueueCommands } from './scripts';
import { logRedisErrors } from '../redis-errors';

/**
 * The reliable clip queue on the `safety:clips` LIST (docs/architecture.md §3.3). Every state change is
 * one Lua script; claiming is BLMOVE pending → processing:<consumer> (RIGHT → LEFT), so a job
 * is always in exactly one list and a crashed consumer's jobs can be returned by the reaper.
 */
export class ClipQueue {
  private readonly cmd: QueueCommands;
  private blocking: Redis | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly opts: ClipQueueOptions,
  ) {
    this.cmd = queueCommands(redis);
  }

  /**
   * Adds a job (LPUSH). Idempotent per job id for `dedupTtlSeconds` (default 1 day); the id's
   * first path is remembered, and the same id with a different path is refused (`conflictPath`).
   */
  async enqueue(job: ClipJob): Promise<EnqueueResult> {
    const { keys, maxLength, dedupTtlSeconds = 86_400 } = this.opts;
    const res = await this.cmd.enqueue(
      { pending: keys.clips, dead: keys.dead, stats: keys.queueStats, marker: keys.enqueued(job.id) },
      {
        raw: JSON.stringify(job),
        dedupTtlSeconds,
        maxLength: maxLength ?? 0,
        now: new Date().toISOString(),
        path: job.path,
      },
    );
    if (res[0] === -1) {
      this.opts.logger?.warn(
        { id: job.id, path: job.path, storedPath: res[2] },
        'job id already taken by a clip with another path: refused',
      );
      return { enqueued: false, dropped: [], conflictPath: res[2] ?? '' };
    }
    const dropped = res.slice(2) as string[];
    if (dropped.length > 0) {
      this.opts.logger?.warn(
        { dropped: dropped.length, maxLength },
        'queue full: dropped the oldest jobs into the dead-letter list',
      );
    }
    return { enqueued: res[0] === 1, dropped };
  }

  /** Pushes a raw entry as-is, without schema or dedup (tests and tools that replay dead letters). */
  async enqueueRaw(raw: string): Promise<void> {
    await this.redis.lpush(this.opts.keys.clips, raw);
  }

  /**
   * Waits up to `timeoutSeconds` for a job and claims it for `consumerId`.
   * Returns null on timeout, or when the claimed job exceeded QUEUE_MAX_ATTEMPTS (it is dead-lettered).
   * Uses its own blocking connection so the shared one is never held up.
   */
  async claim(consumerId: string, timeoutSeconds: number): Promise<ClaimedJob | null> {
    const { keys } = this.opts;
    // a duplicate gets none of the original's listeners: without one, an outage floods stderr (issue #18.8)
    this.blocking ??= logRedisErrors(
      this.redis.duplicate(),
      this.opts.logger ?? { warn: () => undefined },
      'queue-blocking',
    );
    const raw = await this.blocking.blmove(keys.clips, keys.processing(consumerId), 'RIGHT', 'LEFT', timeoutSeconds);
    if (raw === null) return null;
    const attempt = await this.cmd.countAttempt(this.keysOf(consumerId), {
      raw,
      maxAttempts: this.opts.maxAttempts,
      now: new Date().toISOString(),
      consumerId,
    });
    if (attempt < 0) {
      this.opts.logger?.warn({ consumerId, attempts: -attempt }, 'job exceeded QUEUE_MAX_ATTEMPTS: dead-lettered');
      return null;
    }
    if (attempt === 0) {
      // reaped between BLMOVE and counting (this consumer's heartbeat had expired): it is queued again
      this.opts.logger?.warn({ consumerId }, 'claimed job was reaped before it was counted; left in the queue');
      return null;
    }
    return { raw, attempt, parsed: parseClipJob(raw) };
  }

  /** Done: the verdict is stored. Returns false when the job was no longer held (reaped). */
  async ack(consumerId: string, raw: string): Promise<boolean> {
    return (await this.cmd.ack(this.keysOf(consumerId), { raw })) === 1;
  }

  /** Failed this time: back of the queue; after QUEUE_MAX_ATTEMPTS claims the next claim dead-letters it. */
  retry(consumerId: string, raw: string): Promise<boolean> {
    return this.nack(consumerId, raw, 'retry');
  }

  /** Never tried (shutdown, server down): front of the queue, attempt not counted. */
  release(consumerId: string, raw: string): Promise<boolean> {
    return this.nack(consumerId, raw, 'release');
  }

  /** Hands a claimed job back (`nack-5.lua`); the mode says where it goes and whether the attempt counts. */
  private async nack(consumerId: string, raw: string, mode: 'retry' | 'release'): Promise<boolean> {
    return (await this.cmd.nack(this.keysOf(consumerId), { raw, mode })) === 1;
  }

  /** Every queue key a script may need for one consumer, named as the scripts name them (`./scripts`). */
  private keysOf(consumerId: string) {
    const { keys } = this.opts;
    return {
      pending: keys.clips,
      dead: keys.dead,
      stats: keys.queueStats,
      attempts: keys.attempts,
      claimed: keys.claimed,
      processing: keys.processing(consumerId),
      heartbeat: keys.consumerHeartbeat(consumerId),
      consumers: keys.consumers,
    };
  }

  /** Failed for good (schema, path guard, corrupt clip): to `safety:clips:dead` with the reason. */
  async deadLetter(consumerId: string, raw: string, reason: string): Promise<boolean> {
    const entry: DeadLetter = { job: raw, reason, at: new Date().toISOString(), consumer: consumerId };
    const moved = await this.cmd.deadLetter(this.keysOf(consumerId), { raw, entry: JSON.stringify(entry) });
    this.opts.logger?.warn({ consumerId, reason }, 'job dead-lettered');
    return moved === 1;
  }

  /** Marks the consumer alive for QUEUE_HEARTBEAT_TTL_SECONDS. Call at a fraction of the TTL. */
  async heartbeat(consumerId: string): Promise<void> {
    const { keys, heartbeatTtlSeconds } = this.opts;
    await this.redis
      .multi()
      .set(keys.consumerHeartbeat(consumerId), Date.now().toString(), 'EX', heartbeatTtlSeconds)
      .sadd(keys.consumers, consumerId)
      .exec();
  }

  /** Stops the heartbeat at once (graceful exit), so the reaper need not wait for the TTL. */
  async retire(consumerId: string): Promise<void> {
    await this.redis.del(this.opts.keys.consumerHeartbeat(consumerId));
  }

  /**
   * Returns the jobs of every consumer whose heartbeat expired to the front of the queue.
   * Safe to run from every consumer at once: each move is one atomic script. Then reconciles
   * the claimed set with the processing lists ({@link reconcileClaimed}).
   * @returns jobs returned, by consumer
   */
  async reap(): Promise<Record<string, number>> {
    const { keys } = this.opts;
    const cutoff = await this.redisTimeMs();
    const consumers = await this.redis.smembers(keys.consumers);
    const reaped: Record<string, number> = {};
    for (const consumerId of consumers) {
      const n = await this.cmd.reap(this.keysOf(consumerId), { consumerId });
      if (n > 0) {
        reaped[consumerId] = n;
        this.opts.logger?.warn({ consumerId, jobs: n }, 'consumer heartbeat expired: returned its jobs to the queue');
      }
    }
    await this.reconcileClaimed(cutoff);
    return reaped;
  }

  /**
   * Makes the claimed set (KEDA's in-flight trigger) agree with the processing lists, in one
   * script: drops ids no consumer holds (claimed before `cutoffMs`), adds held jobs that have
   * no id (a consumer that died between BLMOVE and counting the claim). The per-transition
   * writes keep it exact; this repairs what they cannot see (a consumer dying mid-claim,
   * a key edited by hand, a restore of an older snapshot of one key).
   * @param cutoffMs Redis time read before the consumers are listed (default: now)
   */
  async reconcileClaimed(cutoffMs?: number): Promise<{ removed: number; added: number }> {
    const { keys } = this.opts;
    const cutoff = cutoffMs ?? (await this.redisTimeMs());
    const consumers = await this.redis.smembers(keys.consumers);
    const lists = consumers.map((c) => keys.processing(c));
    const [removed, added] = await this.cmd.reconcileClaimed(
      { claimed: keys.claimed, processingLists: lists },
      { cutoffMs: cutoff },
    );
    if (removed > 0 || added > 0)
      this.opts.logger?.warn({ removed, added }, 'claimed set reconciled with the processing lists');
    return { removed, added };
  }

  /** ZCARD of the claimed set: jobs claimed and not yet acked/returned (what KEDA reads). */
  async claimedCount(): Promise<number> {
    return this.redis.zcard(this.opts.keys.claimed);
  }

  private async redisTimeMs(): Promise<number> {
    const [s, us] = await this.redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  async depth(): Promise<{ pending: number; dead: number }> {
    const { keys } = this.opts;
    const [pending, dead] = await Promise.all([this.redis.llen(keys.clips), this.redis.llen(keys.dead)]);
    return { pending, dead };
  }

  /** Jobs claimed and not yet acked, over all consumers known to the set. */
  async inFlight(): Promise<number> {
    const { keys } = this.opts;
    const consumers = await this.redis.smembers(keys.consumers);
    const lengths = await Promise.all(consumers.map((c) => this.redis.llen(keys.processing(c))));
    return lengths.reduce((a, b) => a + b, 0);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const entries = await this.redis.lrange(this.opts.keys.dead, 0, limit - 1);
    return entries.map((e) => JSON.parse(e) as DeadLetter);
  }

  async stats(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.opts.keys.queueStats);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** Closes the blocking connection (the shared one belongs to the caller). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const b = this.blocking;
      this.blocking = undefined;
      if (b) b.disconnect();
    })();
    return this.closing;
  }
}

/** A consumer id unique per process and start: `<host>-<pid>-<random>`. */
export function newConsumerId(prefix = os.hostname()): string {
  return `${prefix}-${process.pid}-${randomUUID().slice(0, 8)}`;
}
