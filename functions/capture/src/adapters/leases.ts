import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toError } from '../../../shared/src/errors';
import type { RedisKeys } from '../../../shared/src/keys';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';
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
  /** Stop recording the camera; awaited before a surplus lease is handed back. */
  onLose: (cameraId: string) => Promise<void> | void;
}

/** The lease scripts: each returns 0 when the lease is not ours (lost / already gone). */
const loadLeaseScripts = luaScripts('capture', path.join(__dirname, 'lua'), {
  'renew-1': lua({ keys: ['lease'], args: ['replicaId', 'ttlMs'], reply: luaReply.number }),
  'release-1': lua({ keys: ['lease'], args: ['replicaId'], reply: luaReply.number }),
});

/**
 * Lease mode: every TTL/3 renew our leases (only if still ours), drop cameras whose lease
 * another replica holds now, and claim free ones (SET NX PX) up to CAPTURE_MAX_CAMERAS.
 * A replica that dies stops renewing; after the TTL its cameras are free for the others.
 */
export class LeaseManager {
  private readonly owned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private claiming = true;
  private readonly scripts: ReturnType<typeof loadLeaseScripts>;

  constructor(private readonly opts: LeaseManagerOptions) {
    this.scripts = loadLeaseScripts(opts.redis);
  }

  ownedCameras(): string[] {
    return [...this.owned];
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
    const { redis, keys, replicaId, ttlSeconds, maxCameras, logger } = this.opts;
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
      logger.info({ cameraId: cam, share }, 'more cameras than our share: handing one back');
      this.owned.delete(cam);
      await this.opts.onLose(cam);
      await this.release(cam);
    }
    const offset = replicaOffset(replicaId, cameras.length);
    for (const cam of claimCandidates(cameras, this.owned, share, offset)) {
      if (this.stopped || this.owned.size >= share) return;
      if ((await redis.set(keys.cameraLease(cam), replicaId, 'PX', ttlMs, 'NX')) !== 'OK') continue;
      this.owned.add(cam);
      logger.info({ cameraId: cam }, 'lease acquired');
      this.opts.onAcquire(cam);
    }
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
    await Promise.all([...this.owned].map((cam) => this.release(cam)));
    await this.opts.redis.zrem(this.replicasKey(), this.opts.replicaId).catch(() => 0);
    this.owned.clear();
  }
}
