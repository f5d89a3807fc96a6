import type { Redis } from 'ioredis';
import { redisReady, type Readiness } from '../../../shared/src/http';
import type { CameraHealth } from '../adapters/camera-health';
import type { RetentionSweeper } from '../adapters/retention';
import type { CameraSet } from './camera-set';

/** GET /readyz of capture: ready while Redis answers; the detail shows recorders, cameras and retention. */
export function captureReadiness(d: {
  redis: Redis;
  replicaId: string;
  /** 'lease' or `camera-index <n>`. */
  mode: string;
  cameras: CameraSet;
  health: CameraHealth;
  retention: RetentionSweeper;
  /** Lease mode: the first lease round heartbeated (a stopping replica hands its cameras only to one that did). */
  leasesJoined?: (() => boolean) | undefined;
}): () => Promise<Readiness> {
  return async () => {
    const redisOk = await redisReady(d.redis);
    const joined = d.leasesJoined?.() ?? true;
    const last = d.retention.last;
    return {
      ready: redisOk && joined,
      detail: {
        redis: redisOk ? 'ok' : 'unreachable: check REDIS_URL; clips stay in CLIPS_DIR until it returns',
        ...(joined ? {} : { leases: 'first lease round not done yet' }),
        replicaId: d.replicaId,
        mode: d.mode,
        recorders: d.cameras.statuses(),
        cameras: d.health.snapshot(),
        retention: last ? { at: last.at, bytes: last.bytesAfter, capBlocked: last.capBlocked } : undefined,
        ...(last?.capBlocked
          ? { warning: 'CLIPS_MAX_BYTES exceeded: only unverdicted clips remain; recording continues' }
          : {}),
      },
    };
  };
}
