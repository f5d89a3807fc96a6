import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys';

/** What the local stack's autoscaler reports (scripts/stack/replicas.ts writes `stackReplicas`). */
export interface LocalReplicas {
  readonly desired: number;
  readonly running: number;
  /** the last change and why */
  readonly reason: string;
}

/**
 * The pipeline's numbers, read the same way for the dashboard (alerts) and the `npm start` panel
 * (scripts/stack/status.ts), so a label always means one number.
 */
export interface PipelineReadings {
  /** LLEN of the clip queue: what KEDA's list trigger reads. */
  readonly queueDepth: number;
  /** ZCARD of the claimed set: claimed and not yet acked (KEDA's in-flight trigger). */
  readonly inFlight: number;
  /** LLEN of the dead-letter list. */
  readonly deadLetters: number;
  /** The queue's `enqueued` counter (clips ever enqueued under this prefix). */
  readonly clipsEnqueued: number;
  /** SCARD of the dashboard's open incidents (alerts stores them from the `alert.*` events). */
  readonly openIncidents: number;
  /** `npm start`'s inference replicas, when a local stack runs. */
  readonly localReplicas: LocalReplicas | undefined;
}

/** The keys the readings come from (all of keys.ts's names; alerts passes its shared `redisKeys`). */
export type PipelineKeys = Pick<
  RedisKeys,
  'clips' | 'claimed' | 'dead' | 'queueStats' | 'alertsOpen' | 'stackReplicas'
>;

/** Reads every pipeline number at once (parallel commands, not a transaction: each number is current). */
export async function readPipeline(redis: Redis, keys: PipelineKeys): Promise<PipelineReadings> {
  const [queueDepth, inFlight, deadLetters, enqueued, openIncidents, replicas] = await Promise.all([
    redis.llen(keys.clips),
    redis.zcard(keys.claimed),
    redis.llen(keys.dead),
    redis.hget(keys.queueStats, 'enqueued'),
    redis.scard(keys.alertsOpen),
    redis.get(keys.stackReplicas),
  ]);
  return {
    queueDepth,
    inFlight,
    deadLetters,
    clipsEnqueued: Number(enqueued ?? 0) || 0,
    openIncidents,
    localReplicas: parseLocalReplicas(replicas),
  };
}

/** The local stack's replica status, or undefined when absent or unreadable. */
export function parseLocalReplicas(raw: string | null): LocalReplicas | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v.desired !== 'number' || typeof v.running !== 'number') return undefined;
    return {
      desired: v.desired,
      running: v.running,
      reason: typeof v.reason === 'string' ? v.reason.slice(0, 300) : '',
    };
  } catch {
    return undefined;
  }
}
