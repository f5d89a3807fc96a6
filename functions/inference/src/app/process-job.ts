import type { FewShotSender } from '../adapters/fewshot-sender';
import type { FewShotForm } from '../core/prompt-kit';
import type { Zone } from '../../../shared/src/camera-registry/schema';
import type { Logger } from 'pino';
import type { ClipJob } from '../../../shared/src/clip-job';
import { computeBackoffMs, sleep } from '../../../shared/src/cloudevents';
import { errorKind, toError } from '../../../shared/src/errors';
import type { VerdictCreated } from '../../../shared/src/events';
import type { HealthGate } from '../adapters/health-gate';
import type { InferenceMetrics } from '../adapters/metrics';
import { VllmUnavailableError, type VllmClient } from '../adapters/vllm-client';
import type { PreparedMedia } from '../core/media';
import type { PromptKit } from '../core/prompt-kit';
import { judge, type Judgement } from './judge';
import type { GateState } from '../adapters/gate-state';
import { decideUnchanged, type GateOptions } from '../core/unchanged-gate';
import { commitVerdict, publishAll, replayIfDone, type OutcomeDeps, type StoredEvent } from './outcome';

export interface JobProcessorDeps {
  client: VllmClient;
  gate: HealthGate;
  prompt: PromptKit;
  outcome: OutcomeDeps;
  metrics: InferenceMetrics;
  logger: Logger;
  /** Each model answer's latency (the pull loop's adaptive concurrency listens). */
  onModelLatency?: (ms: number) => void;
  /** The unchanged-scene gate (UNCHANGED_GATE=true); absent = every clip is judged. */
  unchanged?: { state: GateState; options: GateOptions } | undefined;
  /** Few-shot media once, then by uuid reference (issue #27.4); absent = media in every request. */
  fewShot?: FewShotSender | undefined;
}

/** What a prepare hands to processJob: the media and, when made, the gate's thumbnails. */
export interface JobInput {
  media: PreparedMedia;
  thumbs?: readonly Uint8Array[] | undefined;
  /** The zones drawn into `media` (prepare.ts): the prompt describes exactly these (issue #26.9). */
  zones?: readonly Zone[] | undefined;
}

/** How the caller wants server outages handled. */
export interface ProcessOptions {
  /**
   * Pull loop: while vLLM is down, wait for /health and resend (the job holds its claim; attempt
   * not counted), and retry a failing publish with backoff. Push path: fail at once with a
   * "retry later" error (HTTP 503), so Knative redelivers and no request is held open.
   */
  waitWhileDown: boolean;
  /** Fired on shutdown: stop waiting (for /health, for the sink). */
  stopWaiting?: AbortSignal;
  /** Fired after the shutdown grace: abort the request in flight. */
  abort?: AbortSignal;
}

export type JobResult = { jobId: string; replayed: true } | { jobId: string; replayed: false; verdict: VerdictCreated };

/**
 * THE per-job function, shared by the pull loop (model-loop.ts) and the push path (the
 * `clip.captured` handler, start-inference.ts): (replay if already committed) → media →
 * model → store verdict + incidents → publish. Failures are thrown with their `kind`; the
 * caller applies errors.ts failurePolicy (queue: retry / release / dead-letter; HTTP: 422 / 503).
 */
export async function processJob(
  d: JobProcessorDeps,
  job: ClipJob,
  input: JobInput | (() => Promise<JobInput>),
  o: ProcessOptions,
): Promise<JobResult> {
  // Entry point of every job, pulled or pushed: the place for checks that must hold for both
  // (the shared clip-identity check of issue #18.1 goes here, before anything is replayed or decoded).
  if ((await replayIfDone(d.outcome, job.id)) !== null) return { jobId: job.id, replayed: true };
  const m = typeof input === 'function' ? await input() : input;
  const skip = await unchangedSkip(d, job, m);
  if (skip) {
    const verdict = await store(d, job, skip, o);
    d.metrics.gateSkipped.inc();
    return { jobId: job.id, replayed: false, verdict };
  }
  const judgement = await ask(d, job, m, o);
  const verdict = await store(d, job, judgement, o);
  await recordJudged(d, job, judgement, m);
  return { jobId: job.id, replayed: false, verdict };
}

/** The gate's decision (core/unchanged-gate.ts): a `safe` judgement that repeats the last judged clip, or undefined = ask the model. */
async function unchangedSkip(d: JobProcessorDeps, job: ClipJob, m: JobInput): Promise<Judgement | undefined> {
  const g = d.unchanged;
  if (!g || !m.thumbs || m.thumbs.length === 0) return undefined;
  const last = await g.state.lastJudged(job.cameraId);
  // the incident check reads the engine state only when the cheaper rules could allow a skip
  const incidentOpen =
    last?.status === 'safe'
      ? Object.keys((await d.outcome.store.loadCamera(job.cameraId)).state.incidents).length > 0
      : false;
  const decision = decideUnchanged({ thumbs: m.thumbs, at: Date.parse(job.startedAt), last, incidentOpen }, g.options);
  if (!decision.skip) return undefined;
  d.logger.debug(
    { jobId: job.id, repeats: decision.repeats, difference: decision.difference },
    'unchanged scene: skipped',
  );
  return {
    status: 'safe',
    hazards: [],
    summary: `Unchanged scene: the same as clip ${decision.repeats}, judged safe; no model request.`,
    usage: [],
    modelMs: 0,
    skipped: { repeats: decision.repeats },
  };
}

/**
 * A judged clip becomes the camera's gate reference — whatever its status (a non-safe one
 * stops skips) and with no thumbnails too (then nothing can be compared: the next clip is judged).
 * If recording fails the entry is dropped, so the gate never compares against a stale safe clip.
 */
async function recordJudged(d: JobProcessorDeps, job: ClipJob, j: Judgement, m: JobInput): Promise<void> {
  const g = d.unchanged;
  if (!g) return;
  try {
    await g.state.recordJudged(job.cameraId, {
      jobId: job.id,
      status: j.status,
      at: Date.parse(job.startedAt),
      thumbs: [...(m.thumbs ?? [])],
    });
  } catch (err) {
    d.logger.warn({ jobId: job.id, err: toError(err).message }, 'could not record the gate reference; dropping it');
    await g.state.forget(job.cameraId).catch(() => undefined);
  }
}

/** Asks the model. With waitWhileDown, a request that finds vLLM down waits for /health and is sent again. */
async function ask(d: JobProcessorDeps, job: ClipJob, m: JobInput, o: ProcessOptions): Promise<Judgement> {
  const build = (form: FewShotForm) => d.prompt.body(job.cameraId, m.media, m.zones, form);
  for (;;) {
    if (o.waitWhileDown) await d.gate.waitHealthy(o.stopWaiting);
    else if (!d.gate.healthy)
      throw new VllmUnavailableError('vLLM is not healthy yet; redeliver later', { label: 'unavailable' });
    // A per-request signal: openai-node never removes the listener it adds to the signal it is
    // given, so passing a long-lived signal would leak one listener per request.
    const request = new AbortController();
    const onStop = () => request.abort(o.abort?.reason);
    o.abort?.addEventListener('abort', onStop, { once: true });
    try {
      const send = (body: Record<string, unknown>) => judge(d.client, body, request.signal, d.prompt.language);
      const j = d.fewShot ? await d.fewShot.send(build, send) : await send(build('full'));
      d.metrics.recordJudgement(j);
      d.onModelLatency?.(j.modelMs);
      return j;
    } catch (err) {
      if (errorKind(err) !== 'unavailable' || !o.waitWhileDown || o.abort?.aborted) throw err;
      d.metrics.vllmWaits.inc();
      d.logger.warn({ jobId: job.id, err: toError(err).message }, 'vLLM unavailable; the job waits for /health');
      d.gate.markDown();
    } finally {
      o.abort?.removeEventListener('abort', onStop);
    }
  }
}

/**
 * Commits, then publishes. With waitWhileDown a sink outage keeps the job here, retrying the
 * publish with backoff (the events stay in memory, so nothing depends on the replay record
 * living long enough); otherwise the error goes to the caller (a redelivery replays the events).
 */
async function store(d: JobProcessorDeps, job: ClipJob, j: Judgement, o: ProcessOptions): Promise<VerdictCreated> {
  let committed: { verdict: VerdictCreated; events: StoredEvent[] } | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      committed ??= await commitVerdict(d.outcome, job, j, new Date());
      await publishAll(d.outcome, committed.events);
      const clipEnd = Date.parse(job.startedAt) + job.durationMs;
      d.metrics.clipToVerdict.observe(Math.max(0, Date.now() - clipEnd) / 1000);
      return committed.verdict;
    } catch (err) {
      const e = toError(err);
      if (!o.waitWhileDown || errorKind(e) === 'unrecoverable' || o.stopWaiting?.aborted) throw e;
      d.logger.warn({ jobId: job.id, err: e.message, attempt }, 'storing/publishing the verdict failed; retrying');
      await sleep(computeBackoffMs(Math.min(attempt, 5)), o.stopWaiting);
    }
  }
}
