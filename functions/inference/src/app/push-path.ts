import type { ClipJob } from '../../../shared/src/clip-job';
import { verifyClipJob } from '../../../shared/src/clip-identity';
import { UnavailableError } from '../../../shared/src/errors';
import type { VerdictCreated } from '../../../shared/src/events';
import { prepareJob, type OverlayLookup, type PrepareSettings } from '../adapters/prepare';
import type { PrepareReport } from './prepare-report';
import { processJob, type JobProcessorDeps } from './process-job';

/** What one pushed clip answers: the verdict, or the replay marker of a job committed before. */
export type PushAnswer = VerdictCreated | { jobId: string; replayed: true };

/**
 * The push path (Knative Eventing `clip.captured`): the SAME per-job function as the pull loop,
 * without the queue. Bounded (issue #18.7): past `bound` clips in flight it throws
 * UnavailableError (→ 503) so the Trigger redelivers later, instead of starting one ffmpeg per
 * event; vLLM down is 503 too (no request is held open).
 */
export function createPushPath(
  job: JobProcessorDeps,
  d: { settings: PrepareSettings; overlayOf: OverlayLookup; prepared: PrepareReport; bound: number },
): (clip: ClipJob) => Promise<PushAnswer> {
  let inFlight = 0;
  return async (clip) => {
    if (inFlight >= d.bound)
      throw new UnavailableError(
        `inference is busy (${inFlight} pushed clips in flight, INFERENCE_PUSH_CONCURRENCY=${d.bound}); redeliver later`,
      );
    inFlight += 1;
    try {
      // a job from the network must be the clip it names: id from the clip itself, camera = its folder (issue #18.1)
      await verifyClipJob(d.settings.clipsDir, clip);
      const r = await processJob(
        job,
        clip,
        async () => {
          const started = performance.now();
          const p = await prepareJob(clip, d.settings, d.overlayOf);
          job.metrics.prepare.observe((performance.now() - started) / 1000);
          d.prepared.countSource(p.source, p.reason);
          return { media: p.media, thumbs: p.thumbs, zones: p.zones };
        },
        { waitWhileDown: false },
      );
      return r.replayed ? { jobId: r.jobId, replayed: true } : r.verdict;
    } finally {
      inFlight -= 1;
    }
  };
}
