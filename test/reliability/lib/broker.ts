import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Knative Broker + Triggers on 127.0.0.1: records every CloudEvent POST
 * (binary or structured mode), answers 202 (or what `respond` says, e.g. a failing subscriber,
 * so the publisher's retries are exercised) and delivers it to the subscribers routed by type,
 * retrying like a Trigger's delivery spec.
 */
export interface BrokerEvent {
  id: string;
  type: string;
  source: string;
  data: Record<string, unknown>;
  at: number;
  /** HTTP status answered to the publisher */
  status: number;
}

export interface BrokerOptions {
  /** type prefix → subscriber URLs (e.g. `com.safetyhanta.alert.` → [alertsUrl]) */
  routes?: [string, string[]][];
  /** answer for an event before routing; return a status to answer it instead of routing */
  respond?: ((e: Omit<BrokerEvent, 'status' | 'at'>) => number | undefined) | undefined;
}

export interface Broker {
  readonly url: string;
  /** every POST, including rejected ones */
  readonly attempts: BrokerEvent[];
  /** events answered 2xx (delivered) */
  delivered(type?: string): BrokerEvent[];
  close(): Promise<void>;
}

export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const attempts: BrokerEvent[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let e: Omit<BrokerEvent, 'status' | 'at'>;
        try {
          if ((req.headers['content-type'] ?? '').includes('cloudevents+json')) {
            const s = JSON.parse(body) as Record<string, unknown>;
            e = {
              id: String(s.id),
              type: String(s.type),
              source: String(s.source),
              data: (s.data ?? {}) as Record<string, unknown>,
            };
          } else {
            e = {
              id: String(req.headers['ce-id']),
              type: String(req.headers['ce-type']),
              source: String(req.headers['ce-source']),
              data: JSON.parse(body || '{}') as Record<string, unknown>,
            };
          }
        } catch {
          res.writeHead(400).end('not a CloudEvent');
          return;
        }
        const status = opts.respond?.(e) ?? 202;
        // like a Knative Broker: accept, then deliver to each Trigger's subscriber with retries
        if (status < 300)
          for (const [prefix, urls] of opts.routes ?? [])
            if (e.type.startsWith(prefix)) for (const url of urls) void deliver(url, req.headers, body);
        attempts.push({ ...e, at: Date.now(), status });
        res.writeHead(status).end();
      })().catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    attempts,
    delivered: (type) => attempts.filter((a) => a.status < 300 && (!type || a.type === type)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Delivery with retries (exponential backoff, 10 attempts), as a Trigger's delivery spec does. */
async function deliver(url: string, headers: http.IncomingHttpHeaders, body: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = await fetch(url, {
      method: 'POST',
      headers: forwardHeaders(headers),
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    await r?.arrayBuffer().catch(() => undefined);
    if (r && r.status < 500 && r.status !== 429) return;
    await sleep(Math.min(2000, 200 * 2 ** attempt));
  }
}

function forwardHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h))
    if ((k.startsWith('ce-') || k === 'content-type') && typeof v === 'string') out[k] = v;
  return out;
}
