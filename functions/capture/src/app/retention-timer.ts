import type { Logger } from 'pino';
import { toError } from '../../../shared/src/errors';
import type { RetentionSweeper, SweepResult } from '../adapters/retention';
import type { CameraSet } from './camera-set';

/** The retention round of one replica (CLIP_RETENTION_INTERVAL_SECONDS), and a sweep on demand. */
export interface RetentionTimer {
  /** Recovers staging, then sweeps now (tests, operators). */
  readonly sweepNow: () => Promise<SweepResult>;
  readonly stop: () => void;
}

/**
 * Every interval: every replica finishes its own cameras' staging leftovers; one replica per
 * interval (the one that wins the retention lock) sweeps CLIPS_DIR.
 */
export function startRetentionTimer(
  d: { retention: RetentionSweeper; cameras: CameraSet; replicaId: string; logger: Logger },
  intervalMs: number,
): RetentionTimer {
  const timer = setInterval(() => {
    void (async () => {
      await d.cameras.recoverStaging();
      await d.retention.sweepIfLockWon(d.replicaId, intervalMs);
    })().catch((err) => d.logger.warn({ err: toError(err).message }, 'retention sweep failed'));
  }, intervalMs);
  return {
    sweepNow: async () => {
      await d.cameras.recoverStaging();
      return d.retention.sweep();
    },
    stop: () => clearInterval(timer),
  };
}
