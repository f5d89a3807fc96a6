import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, type Config } from '../../shared/src/config';
import { newPrefix, TEST_REDIS_URL } from '../../../test/support';
import { parseRules, type RulesFile } from '../src/core/rules';

export { alertData, postEvent } from '../../alerts/test/helpers';

/** A config for one test file: own Redis prefix, port 0, fast retries unless overridden. */
export function notifyConfig(extra: Record<string, string> = {}): { config: Config; prefix: string } {
  const prefix = newPrefix();
  const config = parseConfig({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
    // the system of record is tested on its own (functions/alerts/test/record-*.int.test.ts)
    RECORD_DIR: 'off',
    NOTIFY_LINK_SECRET: 'test-link-secret-0123456789',
    NOTIFY_PUBLIC_URL: 'http://dashboard.test',
    NOTIFY_RETRY_BASE_MS: '50',
    NOTIFY_RETRY_MAX_MS: '200',
    NOTIFY_SEND_TIMEOUT_MS: '2000',
    ...extra,
  });
  return { config, prefix };
}

/** One request as a receiver got it. */
export interface Received {
  readonly at: number;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** what the receiver answered */
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** requests answered 2xx */
  accepted(): Received[];
  close(): Promise<void>;
}

/**
 * A real HTTP receiver (webhook, Slack, Teams or push endpoint stand-in). `answer` decides the
 * status (and headers) of each request; default 200.
 */
export async function startReceiver(
  answer: (r: Omit<Received, 'status'>) => { status: number; headers?: Record<string, string> } = () => ({
    status: 200,
  }),
): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        at: Date.now(),
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('latin1'),
      };
      const a = answer(r);
      requests.push({ ...r, status: a.status });
      res.writeHead(a.status, a.headers).end(a.status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((r) => r.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Parses a JSON body as UTF-8 (the receiver keeps raw bytes for binary push bodies). */
export const jsonOf = (r: Received): Record<string, unknown> =>
  JSON.parse(Buffer.from(r.body, 'latin1').toString('utf8')) as Record<string, unknown>;

/** Rules that send everything to one recipient over one webhook (`hook`), validated as notify loads them. */
export function webhookRules(
  url: string,
  opts: { ruleId?: string; recipient?: string; secret?: string } = {},
): RulesFile {
  const r = parseRules({
    channels: [{ id: 'hook', kind: 'webhook', url, ...(opts.secret ? { secret: opts.secret } : {}) }],
    rules: [{ id: opts.ruleId ?? 'all', recipients: [{ name: opts.recipient ?? 'safety-lead', channel: 'hook' }] }],
  });
  if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
  return r.rules;
}
