/**
 * A GPU of exact capacity C requests/s, shared by its running requests (processor sharing): each
 * request needs 1/C s of the whole GPU; with n running, each gets 1/n of it, so a request's time
 * grows with the batch (n/C) while the GPU completes exactly C requests/s whenever anything runs.
 * This is the compute-bound regime of vLLM's continuous batching, where every engine step carries
 * every running request and a step's time grows with the tokens it carries
 * (vllm/v1/core/sched/scheduler.py `schedule()`: one token budget per step over all running requests).
 */
interface Job {
  left: number;
  done: () => void;
}

export class GpuShare {
  private jobs: Job[] = [];
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly capacityRps: number) {
    if (!(capacityRps > 0)) throw new Error(`GpuShare needs a capacity > 0 requests/s (got ${capacityRps})`);
  }

  get active(): number {
    return this.jobs.length;
  }

  /** Resolves when this request's 1/C s of GPU work is done at its share. */
  serve(): Promise<void> {
    return new Promise<void>((done) => {
      this.advance();
      this.jobs.push({ left: 1 / this.capacityRps, done });
      this.reschedule();
    });
  }

  /** Charges the elapsed time to every job (each got 1/n of the GPU) and completes the finished ones. */
  private advance(): void {
    const now = performance.now();
    const n = this.jobs.length;
    if (n > 0) {
      const each = (now - this.last) / 1000 / n;
      for (const j of this.jobs) j.left -= each;
      const finished = this.jobs.filter((j) => j.left <= 1e-6);
      this.jobs = this.jobs.filter((j) => j.left > 1e-6);
      for (const j of finished) j.done();
    }
    this.last = now;
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.jobs.length === 0) return;
    const minLeft = Math.min(...this.jobs.map((j) => j.left));
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.advance();
        this.reschedule();
      },
      Math.max(0, minLeft * this.jobs.length * 1000),
    );
  }
}
