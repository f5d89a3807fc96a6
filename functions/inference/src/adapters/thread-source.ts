import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ClipQueue } from '../../../shared/src/queue';
import { claimAndPrepare, type PrepareEvent } from './claim';
import type { PreparedJob } from '../core/job-source';
import type { FromWorker, PreparerWorkerData, ToWorker } from './preparer-worker';
import type { OverlayLookup, PrepareSettings } from './prepare';
import type { JobSource } from '../core/job-source';

/**
 * The preparer in a worker thread (docs/architecture.md §1 method 2): claiming, path checks and ffmpeg
 * decoding overlap the model requests, in PREPARE_WORKERS lanes. Bounded: the worker holds at most
 * PREPARE_AHEAD (default: the current concurrency limit) prepared or preparing jobs the main thread has not taken.
 */
export class ThreadSource implements JobSource {
  private readonly worker: Worker;
  private readonly buffer: PreparedJob[] = [];
  private waiter: ((job: PreparedJob | null) => void) | undefined;
  private stopped = false;
  private readonly exited: Promise<void>;
  private stoppedSignal!: () => void;
  private readonly stoppedMessage = new Promise<void>((resolve) => (this.stoppedSignal = resolve));

  constructor(
    data: PreparerWorkerData,
    private readonly report: (e: PrepareEvent) => void,
    private readonly logger: Logger,
  ) {
    // `env: process.env` is Node's default, named here because under Jest `process.env` is the test's
    // copy, not the process's: without it the thread misses SAFETY_HANTA_TS_HOOK (set by
    // test/support/jest-ts-hook.cjs) and loads the preparer through tsx, ≈ 2 CPU-s more per start.
    this.worker = new Worker(path.join(__dirname, 'preparer-bootstrap.cjs'), { workerData: data, env: process.env });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'preparer thread crashed'));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.stoppedSignal();
        this.finish();
        resolve();
      }),
    );
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'event') this.report(m.event);
    else if (m.type === 'failed') this.logger.error({ err: m.error }, 'preparer thread failed');
    else if (m.type === 'stopped') this.stoppedSignal();
    else if (this.waiter && !this.stopped) {
      const w = this.waiter;
      this.waiter = undefined;
      this.post({ type: 'consumed' });
      w(m.job);
    } else this.buffer.push(m.job);
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private finish(): void {
    this.stopped = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(null);
  }

  take(): Promise<PreparedJob | null> {
    if (this.stopped) return Promise.resolve(null);
    const job = this.buffer.shift();
    if (job) {
      this.post({ type: 'consumed' });
      return Promise.resolve(job);
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** The model loop's concurrency limit moved: prepare at most this many ahead. */
  setAhead(n: number): void {
    if (!this.stopped) this.post({ type: 'ahead', n });
  }

  async stop(): Promise<PreparedJob[]> {
    this.finish();
    this.post({ type: 'stop' });
    // The worker finishes its current claim (≤ claim timeout) and says so; then end it.
    await Promise.race([this.stoppedMessage, this.exited]);
    await this.worker.terminate();
    return this.buffer.splice(0);
  }
}

/** One job at a time in the main thread: claim, prepare, (the caller) infer, ack. The benchmark baseline. */
export class SequentialSource implements JobSource {
  private stopped = false;
  private pending: Promise<PreparedJob | null> | undefined;

  constructor(
    private readonly queue: ClipQueue,
    private readonly consumerId: string,
    private readonly settings: PrepareSettings,
    private readonly claimTimeoutSeconds: number,
    private readonly report: (e: PrepareEvent) => void,
    private readonly logger: Logger,
    private readonly maxAttempts = Number.POSITIVE_INFINITY,
    private readonly overlayOf?: OverlayLookup,
  ) {}

  async take(): Promise<PreparedJob | null> {
    while (!this.stopped) {
      this.pending = claimAndPrepare(
        this.queue,
        this.consumerId,
        this.settings,
        this.claimTimeoutSeconds,
        this.report,
        this.logger,
        this.maxAttempts,
        this.overlayOf,
      );
      const job = await this.pending;
      this.pending = undefined;
      if (this.stopped) return null; // stop() returns it for release
      if (job) return job;
    }
    return null;
  }

  async stop(): Promise<PreparedJob[]> {
    this.stopped = true;
    const job = await this.pending?.catch(() => null);
    return job ? [job] : [];
  }
}
