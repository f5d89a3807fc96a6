import { failurePolicy } from '../../../shared/src/errors';
import type { ClipQueue } from '../../../shared/src/queue';

/** What settling a failed job did with it. */
export type Settlement =
  | { readonly outcome: 'released' }
  | { readonly outcome: 'retried' }
  | { readonly outcome: 'dead-lettered'; readonly reason: string };

/** A job this consumer claimed: its raw queue entry and the attempt the claim counted. */
export interface ClaimedEntry {
  readonly raw: string;
  readonly attempt: number;
}

/**
 * THE one place a failed job's fate is decided, for the preparer (claim.ts) and the model loop
 * (app/model-loop.ts) alike; errors.ts `failurePolicy` says what kind of failure it is:
 * - shutting down (`stopping`), or the failure says "unavailable" (vLLM down): release, front of
 *   the queue, attempt not counted — unless the job is dead for good;
 * - unrecoverable: dead-letter with the failure's own reason;
 * - retryable on the last attempt (QUEUE_MAX_ATTEMPTS): dead-letter with the failure's own reason and
 *   the attempt count, rather than the next claim's generic "failed N attempts";
 * - retryable otherwise: back to the queue, attempt counted.
 */
export async function settleFailedJob(
  queue: Pick<ClipQueue, 'release' | 'retry' | 'deadLetter'>,
  consumerId: string,
  claimed: ClaimedEntry,
  err: Error,
  ctx: { readonly maxAttempts: number; readonly stopping: boolean },
): Promise<Settlement> {
  const policy = failurePolicy(err);
  if (policy === 'release' || (ctx.stopping && policy !== 'dead-letter')) {
    await queue.release(consumerId, claimed.raw);
    return { outcome: 'released' };
  }
  if (policy === 'dead-letter' || claimed.attempt >= ctx.maxAttempts) {
    const reason =
      policy === 'dead-letter'
        ? `${err.name}: ${err.message}`
        : `${err.name}: ${err.message} (attempt ${claimed.attempt} of QUEUE_MAX_ATTEMPTS=${ctx.maxAttempts})`;
    await queue.deadLetter(consumerId, claimed.raw, reason);
    return { outcome: 'dead-lettered', reason };
  }
  await queue.retry(consumerId, claimed.raw);
  return { outcome: 'retried' };
}
