/**
 * The one CloudEvent sink for tests and benchmarks: a real HTTP server on 127.0.0.1 standing where
 * K_SINK (the Knative Broker) points. It records every POST — raw (headers, body) and, when it is a
 * CloudEvent in binary or structured mode, decoded — and answers 202, or what the test scripts:
 * a list of statuses, a per-event `respond`, a delay (or never answering), so publishers' retries
 * and bounded waits are exercised for real. `onAccepted` lets a Broker stand-in route what it took.
 *
 * Binary mode carries the attributes as `ce-*` headers and `data` as the body; structured mode is
 * one JSON object with content type `application/cloudevents+json` (CloudEvents HTTP binding
 * §3.1/§3.2, https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../functions/shared/src/async';

export interface SinkEvent {
  id: string;
  type: string;
  source: string;
  /** the incident extension attribute, when the event has one */
  incidentid?: string;
  data: Record<string, unknown>;
  /** when it arrived (ms since epoch) */
  at: number;
  /** the status the sink answered */
  status: number;
}

/** One POST as it arrived, CloudEvent or not. */
export interface SinkRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SinkOptions {
  /** answers for the first requests, in order (then `respond`, then `status`) */
  statuses?: number[];
  /** the answer for one decoded event; undefined = the default */
  respond?: ((e: Omit<SinkEvent, 'status' | 'at'>) => number | undefined) | undefined;
  /** default answer. @default 202 */
  status?: number;
  /** answer a request that is not a CloudEvent with 400 (a Broker does) instead of recording it raw only */
  strict?: boolean;
  /** called for each event answered 2xx, with the request's headers and body (a Broker's routing) */
  onAccepted?: (e: SinkEvent, headers: http.IncomingHttpHeaders, body: string) => void;
}

export interface CloudEventSink {
  readonly url: string;
  /** every decoded event, including those answered non-2xx */
  readonly events: SinkEvent[];
  /** every request as it arrived (decoded or not) */
  readonly received: SinkRequest[];
  /** events answered 2xx, optionally of one type */
  delivered(type?: string): SinkEvent[];
  /** waits until `n` events (of `type`, if given) were answered 2xx; returns them */
  waitForEvents(n: number, type?: string, timeoutMs?: number): Promise<SinkEvent[]>;
  /** holds every answer `ms` from now on; a negative value never answers (a hung subscriber) */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/** Decodes a CloudEvent from a request, or undefined when it is none. */
function decode(headers: http.IncomingHttpHeaders, body: string): Omit<SinkEvent, 'status' | 'at'> | undefined {
  try {
    if (String(headers['content-type'] ?? '').includes('cloudevents+json')) {
      const s = JSON.parse(body) as Record<string, unknown>;
      if (typeof s.type !== 'string') return undefined;
      return {
        id: String(s.id),
        type: s.type,
        source: String(s.source),
        ...(typeof s.incidentid === 'string' ? { incidentid: s.incidentid } : {}),
        data: (typeof s.data === 'string' ? JSON.parse(s.data) : (s.data ?? {})) as Record<string, unknown>,
      };
    }
    if (typeof headers['ce-type'] !== 'string') return undefined;
    const incidentid = headers['ce-incidentid'];
    return {
      id: String(headers['ce-id']),
      type: headers['ce-type'],
      source: String(headers['ce-source']),
      ...(typeof incidentid === 'string' ? { incidentid } : {}),
      data: JSON.parse(body || '{}') as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

export async function startCloudEventSink(opts: SinkOptions = {}): Promise<CloudEventSink> {
  const events: SinkEvent[] = [];
  const received: SinkRequest[] = [];
  const script = [...(opts.statuses ?? [])];
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body });
      const e = decode(req.headers, body);
      let status = script.shift() ?? (e ? opts.respond?.(e) : undefined) ?? opts.status ?? 202;
      if (!e && opts.strict) status = 400;
      const answer = () => {
        if (e) {
          const event = { ...e, at: Date.now(), status };
          events.push(event);
          if (status < 300) opts.onAccepted?.(event, req.headers, body);
        }
        res.writeHead(status).end();
      };
      if (delayMs < 0) return; // never answers: the publisher's own timeout must end the request
      if (delayMs === 0) return answer();
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, delayMs);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const delivered = (type?: string) => events.filter((a) => a.status < 300 && (!type || a.type === type));
  return {
    url: `http://127.0.0.1:${port}/`,
    events,
    received,
    delivered,
    waitForEvents: async (n, type, timeoutMs = 10_000) => {
      await waitFor(() => delivered(type).length >= n, {
        timeoutMs,
        what: () => `${n} ${type ?? 'CloudEvent'}(s) at the sink (got ${delivered(type).length})`,
      });
      return delivered(type);
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
