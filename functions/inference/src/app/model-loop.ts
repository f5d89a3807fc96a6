import type { Logger } from 'pino';
import { computeBackoffMs, sleep } from '../../../shared/src/cloudevents';
import { isUnrecoverable, toError } from '../../../shared/src/errors';
import type { ClipQueue } from '../../../shared/src/queue';
import type { PreparedJob } from '../adapters/claim';
import type { HealthGate } from '../adapters/health-gate';
import { VllmUnavailableError, type VllmClient } from '../adapters/vllm-client';
import { judge, type Judgement } from './judge';
import { reasonClass, type InferenceMetrics } from '../adapters/metrics';
import { commitVerdict, publishAll, replayIfDone, type OutcomeDeps, type StoredEvent } from './outcome';
import type { PromptKit } from '../core/prompt-kit';
import type { JobSource } from '../core/job-source';

export interface ModelLoopDeps {
  source: JobSource;
  queue: ClipQueue;
  consumerId: string;
  client: VllmClient;
  gate: HealthGate;
  prompt: PromptKit;
  outcome: OutcomeDeps;
  /** Requests in flight (vLLM batches them). */
  concurrency: number;
  metrics: InferenceMetrics;
  logger: Logger;
  /** The source ended without a stop (the preparer thread died): the process should restart. */
  onFatal: (err: Error) => void;
}

class Stopping extends Error {}

/**
 * The main loop: takes prepared jobs and keeps up to `concurrency` model requests in flight.
 * Per job: (replay if already committed) → model → store verdict + incidents → publish → ack.
 */
export class ModelLoop {
  private readonly inFlight = new Set<Promise<void>>();
  /** Fired after the grace period: aborts requests still in flight. */
  private readonly abort = new AbortController();
  /** Fired at once on stop: jobs still waiting for vLLM's /health give up and are released. */
  private readonly stopWaiting = new AbortController();
  private stopping = false;
  private slotFreed: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly d: ModelLoopDeps) {}

  start(): void {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.inFlight.size >= this.d.concurrency) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      const job = await this.d.source.take();
      if (!job) {
        if (!this.stopping) this.d.onFatal(new Error('the preparer stopped unexpectedly; no more jobs can be claimed'));
        break;
      }
      if (this.stopping) {
        await this.d.queue.release(this.d.consumerId, job.raw);
        break;
      }
      const p = this.handle(job).finally(() => {
        this.inFlight.delete(p);
        this.d.metrics.inFlight.set(this.inFlight.size);
        this.slotFreed?.();
      });
      this.inFlight.add(p);
      this.d.metrics.inFlight.set(this.inFlight.size);
    }
  }

  /**
   * SIGTERM path: stop taking, release prepared-but-unstarted jobs (front of the queue, attempt
   * not counted), let in-flight jobs finish for `graceMs`, then abort and release the rest.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.stopWaiting.abort(new Stopping('shutting down'));
    this.slotFreed?.();
    const leftover = await this.d.source.stop();
    for (const job of leftover) await this.d.queue.release(this.d.consumerId, job.raw);
    await this.running;
    const timer = setTimeout(() => this.abort.abort(new Stopping('shutting down')), graceMs);
    await Promise.allSettled([...this.inFlight]);
    clearTimeout(timer);
  }

  private async handle(p: PreparedJob): Promise<void> {
    const log = this.d.logger.child({ jobId: p.job.id, cameraId: p.job.cameraId });
    try {
      await this.process(p, log);
    } catch (err) {
      // Only the queue's own commands can land here (Redis gone for good): the job stays in this
      // consumer's processing list and is reaped once the pod is restarted.
      log.error({ err: toError(err).message }, 'could not ack, release or retry a job');
    }
  }

  private async process(p: PreparedJob, log: Logger): Promise<void> {
    const { queue, consumerId } = this.d;
    try {
      if ((await replayIfDone(this.d.outcome, p.job.id)) !== null) {
        log.info('verdict already stored (redelivery): events replayed, acking');
        await queue.ack(consumerId, p.raw);
        return;
      }
      const judgement = await this.ask(p);
      await this.store(p, judgement);
      await queue.ack(consumerId, p.raw);
    } catch (err) {
      const e = toError(err);
      if (e instanceof Stopping || this.abort.signal.aborted || (this.stopping && !isUnrecoverable(e))) {
        await queue.release(consumerId, p.raw);
        log.info('released an unfinished job for another consumer');
      } else if (isUnrecoverable(e)) {
        await queue.deadLetter(consumerId, p.raw, `${e.name}: ${e.message}`);
        this.d.metrics.deadLetters.inc({ reason: reasonClass(e.message) });
      } else {
        log.warn({ err: e.message }, 'job failed; back to the queue');
        await queue.retry(consumerId, p.raw);
      }
    }
  }

  /** Waits for a healthy vLLM and asks; a request that finds vLLM down waits and is sent again. */
  private async ask(p: PreparedJob): Promise<Judgement> {
    const body = this.d.prompt.body(p.job.cameraId, p.media);
    for (;;) {
      await this.d.gate.waitHealthy(this.stopWaiting.signal);
      // A per-request signal: openai-node never removes the listener it adds to the signal it is
      // given, so passing the loop's long-lived signal would leak one listener per request.
      const request = new AbortController();
      const onStop = () => request.abort(this.abort.signal.reason);
      this.abort.signal.addEventListener('abort', onStop, { once: true });
      try {
        const j = await judge(this.d.client, body, request.signal, this.d.prompt.language);
        this.d.metrics.recordJudgement(j);
        return j;
      } catch (err) {
        if (!(err instanceof VllmUnavailableError) || this.abort.signal.aborted) throw err;
        this.d.metrics.vllmWaits.inc();
        this.d.logger.warn({ jobId: p.job.id, err: err.message }, 'vLLM unavailable; the job waits for /health');
        this.d.gate.markDown();
      } finally {
        this.abort.signal.removeEventListener('abort', onStop);
      }
    }
  }

  /**
   * Commits, then publishes; a sink outage keeps the job here, retrying the publish with backoff
   * (the events stay in memory, so nothing depends on the replay record living long enough).
   */
  private async store(p: PreparedJob, j: Judgement): Promise<void> {
    let events: StoredEvent[] | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        events ??= (await commitVerdict(this.d.outcome, p.job, j, new Date())).events;
        await publishAll(this.d.outcome, events);
        const clipEnd = Date.parse(p.job.startedAt) + p.job.durationMs;
        this.d.metrics.clipToVerdict.observe(Math.max(0, Date.now() - clipEnd) / 1000);
        return;
      } catch (err) {
        const e = toError(err);
        if (isUnrecoverable(e) || this.stopping) throw e;
        this.d.logger.warn({ jobId: p.job.id, err: e.message, attempt }, 'storing/publishing the verdict failed; retrying');
        await sleep(computeBackoffMs(Math.min(attempt, 5)), this.stopWaiting.signal);
      }
    }
  }
}
