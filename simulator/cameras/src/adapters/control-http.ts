import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CameraStatus {
  readonly camera: number;
  readonly id: string;
  readonly scene: string;
  readonly hazard: string | null;
  readonly state: 'up' | 'down';
  readonly pid: number | null;
  readonly restarts: number;
  readonly url: string;
}

export interface ControlApi {
  list(): CameraStatus[];
  drop(n: number): Promise<CameraStatus>;
  restore(n: number): Promise<CameraStatus>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The fault switch over HTTP: `GET /cameras`, `GET /cameras/N`, `POST /cameras/N/drop`,
 * `POST /cameras/N/restore`, `GET /health`. Resolves with the bound port.
 */
export async function startControlServer(api: ControlApi, port: number, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/cameras\/(?:cam)?(\d+)(?:\/(drop|restore))?\/?$/.exec(url.pathname);
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (req.method === 'GET' && url.pathname.replace(/\/$/, '') === '/cameras') return send(res, 200, api.list());
      if (!m) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      const n = Number(m[1]);
      const cam = api.list().find((c) => c.camera === n);
      if (!cam) return send(res, 404, { error: `no camera ${n}` });
      if (!m[2]) return req.method === 'GET' ? send(res, 200, cam) : send(res, 405, { error: 'use GET' });
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      return send(res, 200, m[2] === 'drop' ? await api.drop(n) : await api.restore(n));
    })().catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
