import http from 'node:http';
import { startCloudEventSink, type SinkEvent, type SinkOptions } from '..';

/**
 * A stand-in for the Knative Broker + Triggers on 127.0.0.1: the test CloudEvent sink
 * (test/support), which records every POST (binary or structured mode) and answers 202 (or what
 * `respond` says, e.g. a failing subscriber, so the publisher's retries are exercised), plus
 * delivery of what it accepted to the subscribers routed by type, retrying like a Trigger's
 * delivery spec.
 */
export type BrokerEvent = SinkEvent;

export interface BrokerOptions {
  /** type prefix → subscriber URLs (e.g. `com.safetyhanta.alert.` → [alertsUrl]) */
  routes?: [string, string[]][];
  /** answer for an event before routing; return a status to answer it instead of routing */
  respond?: SinkOptions['respond'] | undefined;
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
  const sink = await startCloudEventSink({
    strict: true, // a Broker answers 400 to what is not a CloudEvent
    respond: opts.respond,
    // like a Knative Broker: accept, then deliver to each Trigger's subscriber with retries
    onAccepted: (e, headers, body) => {
      for (const [prefix, urls] of opts.routes ?? [])
        if (e.type.startsWith(prefix)) for (const url of urls) void deliver(url, headers, body);
    },
  });
  return { url: sink.url, attempts: sink.events, delivered: (type) => sink.delivered(type), close: () => sink.close() };
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
