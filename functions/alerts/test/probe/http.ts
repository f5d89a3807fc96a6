import http from 'node:http';

/** One raw HTTP answer (no redirects followed, no cookie jar). */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One request with full control of the headers (Host included, which fetch() forbids). An event
 * stream's answer is cut after its headers (its body never ends).
 */
export function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        agent: false,
      },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A live `/api/stream` held open until `close()`; `status` is the answer's status. */
export interface HeldStream {
  readonly status: number;
  close(): void;
}

export function holdStream(base: string, headers: Record<string, string>): Promise<HeldStream> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: '/api/stream', method: 'GET', headers, agent: false },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The session cookie a `Set-Cookie` answer carries (`name=value`). */
export function cookieOf(a: Answer): string {
  const set = a.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0] ?? '';
}
