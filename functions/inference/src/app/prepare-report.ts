import type { Logger } from 'pino';
import type { PrepareEvent } from '../adapters/claim';
import type { InferenceMetrics } from '../adapters/metrics';

/** Where a job's model clip came from (issue #13 part 1). */
export type ModelClipSource = 'capture' | 'fallback';

/** The metrics glue of the prepare step, shared by the pull loop (events) and the push path (direct calls). */
export interface PrepareReport {
  /** Counts one job's model-clip source; a fallback reason is logged once. */
  readonly countSource: (source: ModelClipSource, reason?: string) => void;
  /** One event of the preparer (prepared or dead-lettered). */
  readonly report: (e: PrepareEvent) => void;
}

export function createPrepareReport(metrics: InferenceMetrics, logger: Logger): PrepareReport {
  // Once per fallback reason in the log; every one in the counter (issue #13 part 1).
  const loggedFallbacks = new Set<string>();
  const countSource = (source: ModelClipSource, reason?: string) => {
    metrics.modelClip.inc({ source, reason: source === 'capture' ? '' : (reason ?? 'absent') });
    if (source === 'fallback' && reason && !loggedFallbacks.has(reason)) {
      loggedFallbacks.add(reason);
      logger.info(
        { reason },
        'a job has no usable capture-made model clip: making one here (logged once per reason; see safetyhanta_inference_model_clip_total)',
      );
    }
  };
  const report = (e: PrepareEvent) => {
    if (e.type === 'dead') metrics.deadLetters.inc({ reason: e.label });
    if (e.type === 'prepared') {
      metrics.prepare.observe(e.prepareMs / 1000);
      metrics.queueWait.observe(e.queueWaitMs / 1000);
      countSource(e.source, e.reason);
    }
  };
  return { countSource, report };
}
