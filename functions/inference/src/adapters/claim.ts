import type { Logger } from 'pino';
import { failureLabel, toError, type FailureLabel } from '../../../shared/src/errors';
import type { ClipQueue } from '../../../shared/src/queue';
import type { PreparedJob } from '../core/job-source';
import { prepareJob, type OverlayLookup, type PrepareSettings } from './prepare';
import { settleFailedJob } from './settle';

/** Side effects worth a metric, reported by whoever prepares (possibly another thread). */
export type PrepareEvent =
  | { type: 'dead'; reason: string; label: FailureLabel }
  | { type: 'retry'; reason: string }
  | {
      type: 'prepared';
      prepareMs: number;
      queueWaitMs: number;
      /** capture's model clip used as is, or made here (reason: absent, sampling, fps, size, path, header, …). */
      source: 'capture' | 'fallback';
      reason?: string | undefined;
    };

/**
 * Claims one job and prepares it. A job that fails the schema, the path guard, or decoding
 * (corrupt/empty clip) is dead-lettered with the reason — the guard runs before the file is
 * opened; other failures go back to the queue (attempt counted). Null when nothing was ready.
 */
export async function claimAndPrepare(
  queue: ClipQueue,
  consumerId: string,
  settings: PrepareSettings,
  claimTimeoutSeconds: number,
  report: (e: PrepareEvent) => void,
  logger: Logger,
  maxAttempts = Number.POSITIVE_INFINITY,
  overlayOf?: OverlayLookup,
): Promise<PreparedJob | null> {
  const claimed = await queue.claim(consumerId, claimTimeoutSeconds);
  if (!claimed) return null;
  const claimedAt = Date.now();
  if (!claimed.parsed.ok) {
    await queue.deadLetter(consumerId, claimed.raw, claimed.parsed.reason);
    report({ type: 'dead', reason: claimed.parsed.reason, label: 'schema' });
    return null;
  }
  const job = claimed.parsed.job;
  const started = performance.now();
  try {
    const p = await prepareJob(job, settings, overlayOf);
    const prepareMs = performance.now() - started;
    const clipEnd = Date.parse(job.startedAt) + job.durationMs;
    report({
      type: 'prepared',
      prepareMs,
      queueWaitMs: Math.max(0, claimedAt - clipEnd),
      source: p.source,
      reason: p.reason,
    });
    return {
      raw: claimed.raw,
      attempt: claimed.attempt,
      job,
      media: p.media,
      thumbs: p.thumbs,
      zones: p.zones,
      claimedAt,
      prepareMs,
    };
  } catch (err) {
    // the kind travels as plain data: this may run in the preparer thread (errors.ts errorKind)
    const e = toError(err);
    const settled = await settleFailedJob(queue, consumerId, claimed, e, { maxAttempts, stopping: false });
    if (settled.outcome === 'dead-lettered') report({ type: 'dead', reason: e.message, label: failureLabel(e) });
    else report({ type: 'retry', reason: e.message });
    if (settled.outcome === 'retried')
      logger.warn({ jobId: job.id, err: e.message }, 'preparing a clip failed; returned to the queue');
    return null;
  }
}
