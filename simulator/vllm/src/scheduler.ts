import { sleep } from '../../../functions/shared/src/async';
import { GpuShare } from './gpu-share';
/** Latency knobs (all may be 0 for fast tests). */
export interface LatencyOptions {
  /** Prefill time per uncached prompt token, µs. */
  prefillUsPerToken: number;
  /** Decode time per output token, ms. */
  decodeMsPerToken: number;
  /** Fixed per-request cost, ms. */
  overheadMs: number;
  /** Requests running at once; the rest wait (vLLM --max-num-seqs). */
  maxBatch: number;
  /** GPU capacity in requests/s when saturated (0 = off: prefills serialise, as before). */
  capacityRps?: number;
}

/** Latency 0 (fast tests) costs no timer turn at all. */
const pause = (ms: number) => (ms > 0 ? sleep(ms) : Promise.resolve());

/**
 * A one-GPU timing model: at most `maxBatch` requests run, the rest queue FIFO; prefills share
 * the GPU's compute and run one after another; decodes of running requests proceed in parallel
 * (decode is memory-bound, so a batch step costs about what a single one does).
 */
export class Scheduler {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private gpu: Promise<void> = Promise.resolve();
  private readonly share: GpuShare | undefined;

  constructor(
    private readonly latency: LatencyOptions,
    private readonly onChange: (running: number, waiting: number) => void = () => {},
  ) {
    this.share = latency.capacityRps ? new GpuShare(latency.capacityRps) : undefined;
  }

  get numRunning(): number {
    return this.running;
  }
  get numWaiting(): number {
    return this.waiting.length;
  }

  private async acquire(): Promise<void> {
    if (this.running < this.latency.maxBatch) {
      this.running++;
    } else {
      await new Promise<void>((r) => {
        this.waiting.push(r);
        this.onChange(this.running, this.waiting.length);
      });
    }
    this.onChange(this.running, this.waiting.length);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.running--;
    this.onChange(this.running, this.waiting.length);
  }

  /**
   * Runs one request through the model: queue, prefill `uncachedTokens`, decode `outputTokens`.
   * `onFirstToken` fires when prefill ends (for the TTFT histogram).
   */
  async run(
    uncachedTokens: number,
    outputTokens: number,
    extraMs = 0,
    onFirstToken: () => void = () => {},
  ): Promise<void> {
    await this.acquire();
    try {
      if (this.share) {
        // Capacity mode: the token latencies are the unloaded floor (memory-bound steps), the
        // shared GPU the loaded limit; a request ends when both are done, so latency =
        // max(floor, n/C) and a full batch completes exactly C requests/s.
        const prefillMs = (uncachedTokens * this.latency.prefillUsPerToken) / 1000;
        const floor = pause(this.latency.overheadMs + extraMs + prefillMs).then(() => {
          onFirstToken();
          return pause(outputTokens * this.latency.decodeMsPerToken);
        });
        await Promise.all([floor, this.share.serve()]);
        return;
      }
      await pause(this.latency.overheadMs + extraMs);
      const prefill = this.gpu.then(() => pause((uncachedTokens * this.latency.prefillUsPerToken) / 1000));
      this.gpu = prefill;
      await prefill;
      onFirstToken();
      await pause(outputTokens * this.latency.decodeMsPerToken);
    } finally {
      this.release();
    }
  }
}
