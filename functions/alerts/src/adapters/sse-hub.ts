import type { ServerResponse } from 'node:http';
import type { Gauge } from 'prom-client';

/** One server-sent event. */
export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

/** Formats one SSE frame (RFC: `event:`/`data:` lines, blank line ends it). Data is single-line JSON. */
export function sseFrame(msg: SseMessage): string {
  return `event: ${msg.event}\ndata: ${JSON.stringify(msg.data)}\n\n`;
}

export interface SseHubOptions {
  readonly heartbeatMs: number;
  /** Browser reconnect delay sent as `retry:`. @default 3000 */
  readonly retryMs?: number;
  readonly clientsGauge?: Gauge;
}

/**
 * Browsers connected to `GET /api/stream`. On connect a client gets `retry:` and the current
 * state (so a reconnecting browser is never stale), then every broadcast; a `: heartbeat`
 * comment every `heartbeatMs` keeps proxies (Knative's queue-proxy, nginx) from closing it.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: SseHubOptions) {
    this.timer = setInterval(() => this.write(': heartbeat\n\n'), opts.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response: SSE headers, `retry:`, then the initial messages. */
  connect(res: ServerResponse, initial: readonly SseMessage[]): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.opts.retryMs ?? 3000}\n\n`);
    for (const m of initial) res.write(sseFrame(m));
    this.clients.add(res);
    this.opts.clientsGauge?.set(this.clients.size);
    res.on('close', () => {
      this.clients.delete(res);
      this.opts.clientsGauge?.set(this.clients.size);
    });
  }

  broadcast(msg: SseMessage): void {
    this.write(sseFrame(msg));
  }

  private write(frame: string): void {
    for (const res of this.clients) if (!res.writableEnded) res.write(frame);
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.opts.clientsGauge?.set(0);
  }
}
