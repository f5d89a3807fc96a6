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
  /** Open streams in total; past it {@link SseHub.admit} refuses (429). @default 200 */
  readonly maxStreams?: number;
  /** Open streams per client key (address, or user behind a proxy). @default 8 */
  readonly maxPerClient?: number;
  /**
   * A stream whose unsent bytes exceed this is cut: its browser stopped reading (a slow or stalled
   * client would otherwise make Node buffer every broadcast for it). @default 1 MiB
   */
  readonly maxBufferedBytes?: number;
}

/** Why a stream was refused. */
export type SseRefusal = 'too many streams' | 'too many streams from this client';

/**
 * Browsers connected to `GET /api/stream`. On connect a client gets `retry:` and the current
 * state (so a reconnecting browser is never stale), then every broadcast; a `: heartbeat`
 * comment every `heartbeatMs` keeps proxies (Knative's queue-proxy, nginx) from closing it.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly perClient = new Map<string, number>();
  /** Streams cut because their client stopped reading. */
  slowClientsCut = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: SseHubOptions) {
    this.timer = setInterval(() => this.write(': heartbeat\n\n'), opts.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Whether one more stream for `clientKey` fits under the caps (check before building the initial state). */
  admit(clientKey: string): SseRefusal | undefined {
    if (this.clients.size >= (this.opts.maxStreams ?? 200)) return 'too many streams';
    if ((this.perClient.get(clientKey) ?? 0) >= (this.opts.maxPerClient ?? 8))
      return 'too many streams from this client';
    return undefined;
  }

  /**
   * Takes over the response: SSE headers, `retry:`, then the initial messages. Re-checks the caps
   * (the initial state was awaited since {@link admit}) and returns the refusal instead of connecting.
   */
  connect(res: ServerResponse, initial: readonly SseMessage[], clientKey = ''): SseRefusal | undefined {
    const refused = this.admit(clientKey);
    if (refused) return refused;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.opts.retryMs ?? 3000}\n\n`);
    for (const m of initial) res.write(sseFrame(m));
    this.clients.add(res);
    this.perClient.set(clientKey, (this.perClient.get(clientKey) ?? 0) + 1);
    this.opts.clientsGauge?.set(this.clients.size);
    res.on('close', () => {
      if (!this.clients.delete(res)) return;
      const left = (this.perClient.get(clientKey) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(clientKey);
      else this.perClient.set(clientKey, left);
      this.opts.clientsGauge?.set(this.clients.size);
    });
    return undefined;
  }

  broadcast(msg: SseMessage): void {
    this.write(sseFrame(msg));
  }

  private write(frame: string): void {
    const limit = this.opts.maxBufferedBytes ?? 1024 * 1024;
    for (const res of this.clients) {
      if (res.writableEnded) continue;
      if (res.writableLength > limit) {
        this.slowClientsCut++;
        res.destroy(); // 'close' removes it
        continue;
      }
      res.write(frame);
    }
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.perClient.clear();
    this.opts.clientsGauge?.set(0);
  }
}
