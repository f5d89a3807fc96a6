import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy that handles identity headers exactly as oauth2-proxy does in reverse-proxy
 * mode with `--pass-user-headers` (the setup docs/deploy.md §7 recommends). oauth2-proxy cannot
 * run here (no network to fetch it, no IdP), so the test copies its header handling:
 * - it deletes from the client's request the headers it injects, and only those
 *   (oauth2-proxy `pkg/middleware/headers.go` `newStripHeaders`/`stripHeaders`; the list is
 *   `pkg/apis/options/legacy_options.go` `getPassUserHeaders`: X-Forwarded-User, -Groups,
 *   -Email, -Preferred-Username), then sets them from the session;
 * - everything else, `X-Auth-Request-*` included, goes upstream as the client sent it (Go's
 *   httputil.ReverseProxy copies request headers, dropping only hop-by-hop ones).
 * The "session" is a cookie `_oauth2_proxy=<user>:<group>|<group>` standing for the IdP login.
 */
const INJECTED = ['x-forwarded-user', 'x-forwarded-groups', 'x-forwarded-email', 'x-forwarded-preferred-username'];

export interface MockProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMockOauth2Proxy(upstream: string): Promise<MockProxy> {
  const up = new URL(upstream);
  const server = http.createServer((req, res) => {
    const m = /(?:^|;\s*)_oauth2_proxy=([^;]*)/.exec(req.headers.cookie ?? '');
    if (!m) {
      res.writeHead(401).end('sign in first');
      return;
    }
    const [user = '', groups = ''] = decodeURIComponent(m[1] ?? '').split(':');
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of INJECTED) delete headers[h];
    headers['x-forwarded-user'] = user;
    headers['x-forwarded-preferred-username'] = user;
    headers['x-forwarded-email'] = `${user}@plant.example`;
    if (groups !== '') headers['x-forwarded-groups'] = groups.split('|').join(',');
    headers.host = up.host;
    const out = http.request(
      { host: up.hostname, port: up.port, path: req.url, method: req.method, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
