import type { Logger } from 'pino';
import { failureLabel, toError } from '../../../shared/src/errors';
import type { ClipQueue } from '../../../shared/src/queue';
import type { PreparedJob } from '../core/job-source';
import { settleFailedJob } from '../adapters/settle';
import type { HealthGate } from '../adapters/health-gate';
import type { VllmClient } from '../adapters/vllm-client';
import type { InferenceMetrics } from '../adapters/metrics';
import type { OutcomeDeps } from './outcome';
import type { PromptKit } from '../core/prompt-kit';
import type { JobSource } from '../core/job-source';
import type { ConcurrencyLimit } from '../core/concurrency';
import { processJob, type JobProcessorDeps } from './process-job';

export interface ModelLoopDeps {
  source: JobSource;
  queue: ClipQueue;
  consumerId: string;
  client: VllmClient;
  gate: HealthGate;
  prompt: PromptKit;
  outcome: OutcomeDeps;
  /** Requests in flight (vLLM batches them): INFERENCE_CONCURRENCY fixed, or adaptive (core/concurrency.ts). */
  limit: ConcurrencyLimit;
  /** The server's waiting queue (vllm:num_requests_waiting), when it exports one. */
  serverWaiting?: () => number | undefined;
  /** QUEUE_MAX_ATTEMPTS: a job failing its last attempt is dead-lettered with its own reason. */
  maxAttempts: number;
  metrics: InferenceMetrics;
  logger: Logger;
  /** The unchanged-scene gate, shared with the push path. */
  unchanged?: JobProcessorDeps['unchanged'];
  /** The source ended without a stop (the preparer thread died): the process should restart. */
  onFatal: (err: Error) => void;
}

class Stopping extends Error {}

/**
 * The main loop: takes prepared jobs and keeps up to `limit.current` model requests in flight.
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
    this.d.metrics.concurrencyLimit.set(this.d.limit.current);
    this.d.source.setAhead?.(this.d.limit.current);
    this.running = this.loop();
  }

  /** A model answer took `latencyMs`: feed the controller; a moved limit moves the prepare-ahead bound too. */
  private observe(latencyMs: number): void {
    const before = this.d.limit.current;
    this.d.limit.observe({ latencyMs, serverWaiting: this.d.serverWaiting?.() });
    const now = this.d.limit.current;
    if (now === before) return;
    this.d.metrics.concurrencyLimit.set(now);
    this.d.source.setAhead?.(now);
    this.slotFreed?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.inFlight.size >= this.d.limit.current) {
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
    const deps: JobProcessorDeps = {
      client: this.d.client,
      gate: this.d.gate,
      prompt: this.d.prompt,
      outcome: this.d.outcome,
      metrics: this.d.metrics,
      logger: this.d.logger,
      onModelLatency: (ms) => this.observe(ms),
      unchanged: this.d.unchanged,
    };
    try {
      const r = await processJob(
        deps,
        p.job,
        { media: p.media, thumbs: p.thumbs, zones: p.zones },
        {
          waitWhileDown: true,
          stopWaiting: this.stopWaiting.signal,
          abort: this.abort.signal,
        },
      );
      if (r.replayed) log.info('verdict already stored (redelivery): events replayed, acking');
      await queue.ack(consumerId, p.raw);
    } catch (err) {
      await this.settle(p, toError(err), log);
    }
  }

  /** The one settle step (adapters/settle.ts); shutdown releases whatever is not dead for good. */
  private async settle(p: PreparedJob, e: Error, log: Logger): Promise<void> {
    const { queue, consumerId, maxAttempts } = this.d;
    const stopping = e instanceof Stopping || this.abort.signal.aborted || this.stopping;
    const settled = await settleFailedJob(queue, consumerId, p, e, { maxAttempts, stopping });
    if (settled.outcome === 'released') log.info({ err: e.message }, 'released an unfinished job for another consumer');
    else if (settled.outcome === 'dead-lettered') this.d.metrics.deadLetters.inc({ reason: failureLabel(e) });
    else log.warn({ err: e.message, attempt: p.attempt }, 'job failed; back to the queue (attempt counted)');
  }
}
