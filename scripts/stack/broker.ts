import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventType, type EventTypeName } from '../../functions/shared/src/events';

/**
 * The event types routed to the alerts function: the same list as the Triggers in
 * knative/eventing.yaml. Anything else (`clip.captured` …) has no subscriber locally.
 */
export const ALERTS_TRIGGERS: readonly EventTypeName[] = [
  EventType.alertRaised,
  EventType.alertUpdated,
  EventType.alertResolved,
  EventType.verdictCreated,
  EventType.cameraOffline,
  EventType.cameraOnline,
];

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
      if (type !== undefined && !routed.includes(type)) {
        counts.unrouted++;
        return void res.writeHead(202).end();
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const fwd = http.request(target, { method: req.method, headers, timeout: 10_000 }, (up) => {
        if ((up.statusCode ?? 500) >= 400) counts.failed++;
        else counts.delivered++;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
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
