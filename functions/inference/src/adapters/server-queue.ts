import type { Logger } from 'pino';
import { toError } from '../../../shared/src/errors';

/**
 * Polls the model server's Prometheus `/metrics` for `vllm:num_requests_waiting` (requests the
 * scheduler holds back because the running batch is full): the adaptive concurrency's "the
 * server queues" signal. Defined in vLLM v0.12.0 vllm/v1/metrics/loggers.py (PrometheusStatLogger:
 * `gauge_scheduler_waiting = self._gauge_cls(name="vllm:num_requests_waiting", ...)`, labels
 * model_name + engine, one series per engine — summed here). Servers without it (hosted APIs)
 * leave the value undefined and the controller runs on latency alone.
 */
export class ServerQueue {
  private value: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  constructor(
    private readonly metricsUrl: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** Last value seen; undefined when the server does not export the gauge (or is unreachable). */
  get waiting(): number | undefined {
    return this.value;
  }

  start(): void {
    const tick = () => void this.poll();
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async poll(): Promise<number | undefined> {
    try {
      const res = await this.fetchFn(this.metricsUrl, { signal: AbortSignal.timeout(Math.max(500, this.intervalMs)) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.value = parseWaiting(await res.text());
    } catch (err) {
      this.value = undefined;
      if (!this.warned)
        this.logger.warn({ url: this.metricsUrl, err: toError(err).message }, 'no server queue metric; latency only');
      this.warned = true;
    }
    return this.value;
  }
}

/** Sum of every `vllm:num_requests_waiting` sample in a Prometheus text exposition; undefined if absent. */
export function parseWaiting(text: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('vllm:num_requests_waiting')) continue;
    const rest = line.slice('vllm:num_requests_waiting'.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue; // not e.g. vllm:num_requests_waiting_by_reason
    // `name{labels} value [timestamp]` or `name value [timestamp]`
    const afterLabels = rest.startsWith('{') ? rest.slice(rest.lastIndexOf('}') + 1) : rest;
    const value = Number(afterLabels.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** `http://host:8000/v1` → `http://host:8000/metrics` (vLLM serves /metrics at the root). */
export function metricsUrlOf(vllmBaseUrl: string): string {
  const u = new URL(vllmBaseUrl);
  u.pathname = '/metrics';
  u.search = '';
  return u.toString();
}
