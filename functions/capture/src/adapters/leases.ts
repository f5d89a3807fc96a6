import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toError } from '../../../shared/src/errors';
import type { RedisKeys } from '../../../shared/src/keys';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';
import { sleep } from '../../../shared/src/async';
import { claimWindowMs, handoffStep, handOffOnStop, otherLiveReplicas, type HandoffStep } from '../core/handoff';
import { claimCandidates, fairShare, renewIntervalMs, replicaOffset, surplus } from '../core/leases';

export interface LeaseManagerOptions {
  redis: Redis;
  keys: RedisKeys;
  replicaId: string;
  ttlSeconds: number;
  maxCameras: number;
  /** The cameras to share out: fixed, or read every round (the camera registry: added cameras start, removed ones stop). */
  cameras: readonly string[] | (() => Promise<readonly string[]>);
  logger: Logger;
  onAcquire: (cameraId: string) => void;
  /** Stop recording the camera; awaited before a lease is released, or once a hand-over ends. */
  onLose: (cameraId: string) => Promise<void> | void;
  /**
   * Make-before-break hand-over bound (CAPTURE_HANDOFF_TIMEOUT_SECONDS × 1000): a camera given up
   * (surplus, or on stop while another replica is live) keeps recording until its new owner has a
   * clip, at most this long. 0 = release and stop at once (the old behaviour). @default 0
   */
  handoffTimeoutMs?: number;
  /** How often a hand-over looks at Redis. @default 250 */
  handoffPollMs?: number;
}

/** The lease scripts: each returns 0 when the lease is not ours (lost / already gone). */
const loadLeaseScripts = luaScripts('capture', path.join(__dirname, 'lua'), {
  'renew-1': lua({ keys: ['lease'], args: ['replicaId', 'ttlMs'], reply: luaReply.number }),
  'release-1': lua({ keys: ['lease'], args: ['replicaId'], reply: luaReply.number }),
  'handoff-2': lua({ keys: ['lease', 'marker'], args: ['replicaId'], reply: luaReply.number }),
  'recorded-2': lua({ keys: ['lease', 'marker'], args: ['replicaId', 'ttlMs'], reply: luaReply.number }),
});

/**
 * Lease mode: every TTL/3 renew our leases (only if still ours), drop cameras whose lease
 * another replica holds now, and claim free ones (SET NX PX) up to CAPTURE_MAX_CAMERAS.
 * A replica that dies stops renewing; after the TTL its cameras are free for the others.
 */
export class LeaseManager {
  private readonly owned = new Set<string>();
  /** Cameras whose lease we freed while our recorder keeps running until the new owner records (core/handoff.ts). */
  private readonly handing = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private claiming = true;
  private heartbeated = false;
  private readonly scripts: ReturnType<typeof loadLeaseScripts>;

  constructor(private readonly opts: LeaseManagerOptions) {
    this.scripts = loadLeaseScripts(opts.redis);
  }

  ownedCameras(): string[] {
    return [...this.owned];
  }

  /**
   * This replica has heartbeated in the replicas ZSET (its first round ran): the others count it, so a
   * replica stopping now hands its cameras over to it. Part of /readyz: a rolling update stops the
   * old pod only once the new one is Ready.
   */
  joined(): boolean {
    return this.heartbeated;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), renewIntervalMs(this.opts.ttlSeconds));
  }

  /** One round: renew, then claim. Rounds never overlap. */
  tick(): Promise<void> {
    this.ticking = this.ticking
      .then(() => this.round())
      .catch((err) => {
        this.opts.logger.warn({ err: toError(err).message }, 'lease round failed (Redis unreachable?)');
      });
    return this.ticking;
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    const { keys, replicaId, ttlSeconds, maxCameras, logger } = this.opts;
    const ttlMs = ttlSeconds * 1000;
    const cameras = typeof this.opts.cameras === 'function' ? await this.opts.cameras() : this.opts.cameras;
    const wanted = new Set(cameras);
    for (const cam of [...this.owned]) {
      if (wanted.has(cam)) continue;
      logger.info({ cameraId: cam }, 'camera removed or disabled: stopping its recorder');
      this.owned.delete(cam);
      await this.opts.onLose(cam);
      await this.release(cam);
    }
    for (const cam of [...this.owned]) {
      if ((await this.scripts.renew({ lease: keys.cameraLease(cam) }, { replicaId, ttlMs })) !== 0) continue;
      logger.warn({ cameraId: cam }, 'lease lost (expired or taken over): stopping this camera');
      this.owned.delete(cam);
      void Promise.resolve(this.opts.onLose(cam)).catch(() => undefined);
    }
    if (!this.claiming) return;
    const share = fairShare(cameras.length, await this.liveReplicas(ttlMs), maxCameras);
    for (const cam of surplus([...this.owned], share)) {
      logger.info({ cameraId: cam, share }, 'more cameras than our share: handing one over');
      await this.giveUp(cam, false);
    }
    const offset = replicaOffset(replicaId, cameras.length);
    // a camera we are handing over still records here: never claim it back in the meantime
    const busy = new Set([...this.owned, ...this.handing.keys()]);
    for (const cam of claimCandidates(cameras, busy, share + this.handing.size, offset)) {
      if (this.stopped || this.owned.size >= share) return;
      if (!(await this.claim(cam))) continue;
      this.owned.add(cam);
      logger.info({ cameraId: cam }, 'lease acquired');
      this.opts.onAcquire(cam);
    }
  }

  /**
   * The recorder of `cam` handed its first clip to the intake: if we hold the lease, say so in the
   * hand-over marker (a replica handing the camera over to us stops its recorder on seeing it).
   */
  async recorded(cam: string): Promise<void> {
    const { keys, replicaId, ttlSeconds } = this.opts;
    // kept a few lease TTLs: long enough for the old owner's next look, short enough to vanish by itself
    await this.scripts
      .recorded(
        { lease: keys.cameraLease(cam), marker: keys.cameraHandoff(cam) },
        { replicaId, ttlMs: ttlSeconds * 3000 },
      )
      .catch((err: unknown) =>
        this.opts.logger.warn({ cameraId: cam, err: toError(err).message }, 'hand-over marker not written'),
      );
  }

  /**
   * Gives a camera up. With a hand-over bound: frees the lease but keeps recording until the new
   * owner has a clip (or the bound passes, or nobody claims it), then stops our recorder
   * (make-before-break). A surplus camera nobody took is kept unless we are `stopping`. Returns once
   * the lease is freed; the rest goes on in `handing`.
   */
  private async giveUp(cam: string, stopping: boolean): Promise<void> {
    const { keys, replicaId, logger } = this.opts;
    const timeoutMs = this.opts.handoffTimeoutMs ?? 0;
    this.owned.delete(cam);
    if (timeoutMs <= 0) {
      await this.opts.onLose(cam);
      await this.release(cam);
      return;
    }
    const freed = await this.scripts
      .handoff({ lease: keys.cameraLease(cam), marker: keys.cameraHandoff(cam) }, { replicaId })
      .catch(() => 0);
    if (freed === 0) {
      // not ours any more (or Redis is down): nothing to hand over
      await this.opts.onLose(cam);
      return;
    }
    const started = Date.now();
    const done = this.awaitTaker(cam, started, timeoutMs).then(async (step) => {
      const ms = Date.now() - started;
      if (step.why !== 'recorded' && !stopping && this.claiming && !this.stopped) {
        // a surplus camera nobody took: keep it (our recorder never stopped)
        if (await this.claim(cam)) {
          this.owned.add(cam);
          logger.info({ cameraId: cam, why: step.why, ms }, 'hand-over: nobody took the camera; keeping it');
          return;
        }
      }
      logger[step.why === 'recorded' ? 'info' : 'warn'](
        { cameraId: cam, why: step.why, ms },
        step.why === 'recorded'
          ? 'hand-over: the new owner records the camera; stopping ours'
          : 'hand-over: no clip from a new owner in time; stopping ours (a gap unless the new recorder already runs)',
      );
      await this.opts.onLose(cam);
    });
    const tracked = done
      .catch((err: unknown) => {
        logger.warn({ cameraId: cam, err: toError(err).message }, 'hand-over failed; stopping the recorder');
        return this.opts.onLose(cam);
      })
      .finally(() => this.handing.delete(cam));
    this.handing.set(cam, tracked);
  }

  /** Polls the camera's lease and hand-over marker until core/handoff.ts says stop. */
  private async awaitTaker(
    cam: string,
    started: number,
    timeoutMs: number,
  ): Promise<Extract<HandoffStep, { action: 'stop' }>> {
    const { redis, keys } = this.opts;
    const window = claimWindowMs(renewIntervalMs(this.opts.ttlSeconds));
    for (;;) {
      const [holder, recordedBy] = await redis
        .mget(keys.cameraLease(cam), keys.cameraHandoff(cam))
        .catch(() => [null, null] as (string | null)[]);
      const step = handoffStep(
        { holder: holder ?? undefined, recordedBy: recordedBy ?? undefined },
        { elapsedMs: Date.now() - started, timeoutMs, claimWindowMs: window },
      );
      if (step.action === 'stop') return step;
      await sleep(this.opts.handoffPollMs ?? 250);
    }
  }

  /**
   * Shutdown (SIGTERM in a rolling update): when another live replica can take our cameras, hand
   * each over while recording (make-before-break) and resolve once every one is handed over or
   * given up (bounded by the hand-over timeout). Alone, or with the hand-over off, it returns at
   * once and stop() releases the leases as before. Call after stopClaiming().
   * @returns how many cameras were handed over
   */
  async handOverAll(): Promise<number> {
    const { redis, replicaId, ttlSeconds, logger } = this.opts;
    const timeoutMs = this.opts.handoffTimeoutMs ?? 0;
    await this.ticking; // a round in flight may still claim or renew
    const key = this.replicasKey();
    const heartbeats = await redis.zrange(key, '0', '-1', 'WITHSCORES').catch(() => [] as string[]);
    const pairs: [string, number][] = [];
    for (let i = 0; i + 1 < heartbeats.length; i += 2) pairs.push([heartbeats[i]!, Number(heartbeats[i + 1])]);
    const others = otherLiveReplicas(pairs, replicaId, Date.now(), claimWindowMs(renewIntervalMs(ttlSeconds)));
    const owned = [...this.owned];
    if (!handOffOnStop({ leaseMode: true, timeoutMs, owned: owned.length, otherLive: others.length })) {
      await Promise.all([...this.handing.values()]);
      return 0;
    }
    // out of the fair share first: the taker's next round counts one replica less and claims all
    await redis.zrem(key, replicaId).catch(() => 0);
    logger.info({ cameras: owned, to: others, timeoutMs }, 'stopping: handing the cameras over while recording');
    for (const cam of owned) await this.giveUp(cam, true);
    await Promise.all([...this.handing.values()]);
    return owned.length;
  }

  /** SET NX PX: the lease on `cam` is ours if nobody holds it. */
  private async claim(cam: string): Promise<boolean> {
    const { redis, keys, replicaId, ttlSeconds } = this.opts;
    return (await redis.set(keys.cameraLease(cam), replicaId, 'PX', ttlSeconds * 1000, 'NX')) === 'OK';
  }

  /** Heartbeats this replica in the replicas ZSET and counts the live ones (seen within a TTL). */
  private async liveReplicas(ttlMs: number): Promise<number> {
    const { redis, replicaId } = this.opts;
    const key = this.replicasKey();
    const now = Date.now();
    const res = await redis
      .multi()
      .zadd(key, now, replicaId)
      .zremrangebyscore(key, '-inf', now - ttlMs)
      .zcard(key)
      .exec();
    this.heartbeated = true;
    return Number(res?.[2]?.[1] ?? 1);
  }

  private replicasKey(): string {
    return this.opts.keys.cameraReplicas;
  }

  private async release(cam: string): Promise<void> {
    await this.scripts
      .release({ lease: this.opts.keys.cameraLease(cam) }, { replicaId: this.opts.replicaId })
      .catch(() => 0);
  }

  /** Shutdown, first step: keep renewing what we hold (recorders are finalising) but claim nothing new. */
  stopClaiming(): void {
    this.claiming = false;
  }

  /** Stops renewing and deletes our leases so another replica can take the cameras at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.handing.values()]);
    await Promise.all([...this.owned].map((cam) => this.release(cam)));
    await this.opts.redis.zrem(this.replicasKey(), this.opts.replicaId).catch(() => 0);
    this.owned.clear();
  }
}
