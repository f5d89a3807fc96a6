import type { Logger } from 'pino';
import type { VllmClient } from './vllm-client';

/**
 * Tracks vLLM's `/health`. While it fails, readiness is false and jobs wait here (they are
 * neither failed nor dead-lettered: their consumer keeps its heartbeat, so nobody reaps them).
 */
export class HealthGate {
  private healthyNow = false;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly client: Pick<VllmClient, 'healthy'>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get healthy(): boolean {
    return this.healthyNow;
  }

  /** Checks once now, then keeps polling every interval. */
  async start(): Promise<void> {
    this.running = true;
    await this.check();
    const tick = async () => {
      if (!this.running) return;
      await this.check();
      if (this.running) this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    this.timer = setTimeout(() => void tick(), this.intervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }

  /** A request just failed as unavailable: stop sending until /health answers again. */
  markDown(): void {
    if (this.healthyNow) this.logger.warn('vLLM unavailable: jobs wait until /health answers');
    this.healthyNow = false;
  }

  /** Resolves when vLLM is healthy; rejects with the signal's reason when aborted. */
  waitHealthy(signal?: AbortSignal): Promise<void> {
    if (this.healthyNow) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // The signal's reason is passed on as given (an AbortError DOMException by default), as fetch does.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== done);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as above: the reason as given
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(done);
    });
  }

  private async check(): Promise<void> {
    const ok = await this.client.healthy();
    if (ok && !this.healthyNow) this.logger.info('vLLM healthy');
    this.healthyNow = ok;
    if (ok) {
      const w = this.waiters.splice(0);
      for (const fn of w) fn();
    }
  }
}
