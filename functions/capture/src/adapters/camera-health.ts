import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { InFlight } from '../../../shared/src/async';
import type { Publisher } from '../../../shared/src/cloudevents';
import { toError } from '../../../shared/src/errors';
import { EventType } from '../../../shared/src/events';
import type { RedisKeys } from '../../../shared/src/keys';
import {
  initialHealth,
  onClip,
  onTick,
  type CameraStatus,
  type HealthState,
  type Transition,
} from '../core/camera-health';
import type { CaptureMetrics } from './metrics';

export interface CameraHealthOptions {
  redis: Redis;
  keys: RedisKeys;
  publisher: Publisher;
  metrics: CaptureMetrics;
  logger: Logger;
  owner: string;
  offlineSeconds: number;
  /** Clip length: the first clip of a camera cannot arrive sooner. */
  segmentSeconds: number;
}

/** What `safety:cameras` holds per camera (docs/architecture.md §3.3). */
export interface CameraStatusRecord {
  status: CameraStatus;
  lastClipAt?: string | undefined;
  owner: string;
  since: string;
  reason?: string | undefined;
}

/**
 * Camera health for the cameras this replica records: status JSON in the `cameras` HASH,
 * `camera.offline` after CAMERA_OFFLINE_SECONDS without a clip, `camera.online` on recovery.
 */
export class CameraHealth {
  private readonly states = new Map<string, HealthState>();
  private timer: NodeJS.Timeout | undefined;
  /** When each camera entered its current status (ISO). */
  private readonly since = new Map<string, string>();
  /** Status writes and camera.* publishes still running (not awaited by clip()/tick(); awaited by stop()). */
  private readonly recording = new InFlight();

  constructor(private readonly opts: CameraHealthOptions) {}

  /** Starts watching a camera; its previous status (from another replica, or before a restart) carries over. */
  async watch(cameraId: string): Promise<void> {
    const raw = await this.opts.redis.hget(this.opts.keys.cameras, cameraId).catch(() => null);
    let previous: CameraStatus = 'unknown';
    try {
      if (raw) previous = (JSON.parse(raw) as CameraStatusRecord).status ?? 'unknown';
    } catch {
      // a foreign value: start fresh
    }
    this.states.set(cameraId, initialHealth(Date.now(), previous === 'offline' ? 'offline' : 'unknown'));
    this.updateGauge();
  }

  unwatch(cameraId: string): void {
    this.states.delete(cameraId);
    this.updateGauge();
  }

  clip(cameraId: string, at: number): void {
    const state = this.states.get(cameraId);
    if (!state) return;
    const r = onClip(state, at);
    this.states.set(cameraId, r.state);
    void this.recording.track(this.record(cameraId, r.state, r.transition, r.announce));
  }

  /** Checks every watched camera against the offline timer. */
  tick(now = Date.now()): void {
    for (const [cameraId, state] of this.states) {
      const r = onTick(state, now, this.opts.offlineSeconds * 1000, this.opts.segmentSeconds * 1000);
      if (!r.transition) continue;
      this.states.set(cameraId, r.state);
      void this.recording.track(this.record(cameraId, r.state, r.transition, true));
    }
  }

  start(intervalMs = Math.min(1000, (this.opts.offlineSeconds * 1000) / 4)): void {
    this.timer ??= setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops the offline timer and waits, at most `drainMs`, for status writes and publishes still running; false when some were cut off. */
  stop(drainMs = 5000): Promise<boolean> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.recording.drain(drainMs);
  }

  snapshot(): Record<string, CameraStatus> {
    return Object.fromEntries([...this.states].map(([id, s]) => [id, s.status]));
  }

  private updateGauge(): void {
    this.opts.metrics.camerasOnline.set([...this.states.values()].filter((s) => s.status === 'online').length);
  }

  private async record(cameraId: string, state: HealthState, transition: Transition, announce: boolean): Promise<void> {
    const { redis, keys, owner, publisher, logger } = this.opts;
    this.updateGauge();
    const now = new Date().toISOString();
    const lastClipAt = state.lastClipAt === undefined ? undefined : new Date(state.lastClipAt).toISOString();
    if (transition || !this.since.has(cameraId)) this.since.set(cameraId, now);
    const rec: CameraStatusRecord = {
      status: state.status,
      lastClipAt,
      owner,
      since: this.since.get(cameraId) ?? now,
      reason: transition?.reason,
    };
    try {
      await redis.hset(keys.cameras, cameraId, JSON.stringify(rec));
      if (!transition || !announce) return;
      logger[transition.to === 'offline' ? 'warn' : 'info'](
        { cameraId, reason: transition.reason },
        `camera ${transition.to}`,
      );
      await publisher.publish({
        type: transition.to === 'offline' ? EventType.cameraOffline : EventType.cameraOnline,
        cameraId,
        data: {
          cameraId,
          status: transition.to,
          at: now,
          ...(lastClipAt ? { lastClipAt } : {}),
          owner,
          reason: transition.reason,
        },
      });
    } catch (err) {
      logger.error({ cameraId, err: toError(err).message }, 'camera status not recorded/published');
    }
  }
}
