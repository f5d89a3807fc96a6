import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALERTS_EVENT_TYPES, EventType, type EventTypeName } from '../../functions/shared/src/events';

/**
 * The event types routed to the alerts function: the same list as the Triggers in
 * knative/eventing.yaml. Anything else (`clip.captured` …) has no subscriber locally.
 */
export const ALERTS_TRIGGERS: readonly EventTypeName[] = ALERTS_EVENT_TYPES;

/** The event types routed to notify (knative/notify/triggers.yaml). */
export const NOTIFY_TRIGGERS: readonly EventTypeName[] = [
  EventType.alertRaised,
  EventType.alertUpdated,
  EventType.alertResolved,
  EventType.cameraOffline,
  EventType.cameraOnline,
];

/** Another subscriber with its own Triggers (notify). */
export interface ExtraSubscriber {
  readonly url: string;
  readonly types: readonly string[];
}

/** POSTs a copy to an extra subscriber; its status (502 when unreachable). */
async function forwardCopy(sub: ExtraSubscriber, headers: http.IncomingHttpHeaders, body: Buffer): Promise<number> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) h[k] = v;
  try {
    const res = await fetch(sub.url, { method: 'POST', headers: h, body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 502;
  }
}

/** The CloudEvent type of a request: `ce-type` (binary mode) or the JSON body's `type` (structured mode). */
export function eventTypeOf(headers: http.IncomingHttpHeaders, body: Buffer): string | undefined {
  const ce = headers['ce-type'];
  if (typeof ce === 'string' && ce) return ce;
  if (!String(headers['content-type'] ?? '').startsWith('application/cloudevents')) return undefined;
  try {
    const t = (JSON.parse(body.toString('utf8')) as { type?: unknown }).type;
    return typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

export interface BrokerCounts {
  delivered: number;
  /** accepted and dropped: no trigger matches (as a Knative Broker does) */
  unrouted: number;
  /** the subscriber answered ≥ 400 or could not be reached (the sender retries) */
  failed: number;
}

export interface LocalBroker {
  readonly url: string;
  readonly counts: Readonly<BrokerCounts>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Knative Broker, in the stack's own process: capture's and inference's
 * K_SINK point here; events whose type has a Trigger are forwarded unchanged to the subscriber
 * and its HTTP status is passed back (so the sender's retries work as against a Broker);
 * events without a Trigger are accepted (202) and dropped. A request whose type cannot be read
 * is forwarded too, so the subscriber answers it with its 400 and the reason.
 */
export async function startLocalBroker(
  subscriberUrl: string,
  routed: readonly string[] = ALERTS_TRIGGERS,
  extra: readonly ExtraSubscriber[] = [],
): Promise<LocalBroker> {
  const counts: BrokerCounts = { delivered: 0, unrouted: 0, failed: 0 };
  const target = new URL(subscriberUrl);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = eventTypeOf(req.headers, body);
      if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('ok');
      // a copy to every extra subscriber whose Triggers take the type (as each Knative Trigger delivers
      // on its own); a failed copy fails the whole POST so the sender retries, and both subscribers
      // drop the repeat (alerts by event id, notify by its idempotency keys)
      const copies = extra.filter((x) => type !== undefined && x.types.includes(type));
      const copied = Promise.all(copies.map((x) => forwardCopy(x, req.headers, body)));
      if (type !== undefined && !routed.includes(type)) {
        void copied.then((st) => {
          const bad = st.find((x) => x >= 300);
          if (copies.length === 0) counts.unrouted++;
          else if (bad) counts.failed++;
          else counts.delivered++;
          res.writeHead(bad ?? 202).end();
        });
        return;
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const fwd = http.request(target, { method: req.method, headers, timeout: 10_000 }, (up) => {
        void copied.then((st) => {
          const bad = st.find((x) => x >= 300);
          if ((up.statusCode ?? 500) >= 400 || bad) counts.failed++;
          else counts.delivered++;
          if (bad && (up.statusCode ?? 500) < 300) {
            up.resume();
            return void res
              .writeHead(bad, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: `notify answered ${bad}` }));
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
      });
      fwd.once('timeout', () => fwd.destroy(new Error('subscriber timed out')));
      fwd.once('error', (err) => {
        counts.failed++;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `alerts function unreachable: ${err.message}` }));
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
