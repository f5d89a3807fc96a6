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
  /** a camera added at run time (`POST /cameras`, body `{"scene"?: name, "n"?: number}`) */
  add(o: { n?: number; scene?: string }): Promise<CameraStatus>;
  /** a camera removed for good (`DELETE /cameras/N`) */
  remove(n: number): Promise<void>;
}

const MAX_BODY = 4096;

/** The JSON body of `POST /cameras` (small; empty = next camera, default scene). */
function readAddBody(req: http.IncomingMessage): Promise<{ n?: number; scene?: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
      if (raw.length > MAX_BODY) {
        reject(new BadRequest(`body over ${MAX_BODY} bytes`));
        req.destroy();
      }
    });
    req.on('end', () => {
      if (raw.trim() === '') return resolve({});
      try {
        const v = JSON.parse(raw) as Record<string, unknown>;
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        if (v.scene !== undefined && typeof v.scene !== 'string') throw new Error('"scene" must be a string');
        if (v.n !== undefined && !(Number.isInteger(v.n) && (v.n as number) >= 1))
          throw new Error('"n" must be an integer ≥ 1');
        resolve({
          ...(v.scene !== undefined ? { scene: v.scene } : {}),
          ...(v.n !== undefined ? { n: v.n as number } : {}),
        });
      } catch (err) {
        reject(new BadRequest(`body must be JSON {"scene"?: string, "n"?: integer}: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

class BadRequest extends Error {}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The fault switch over HTTP: `GET /cameras`, `GET /cameras/N`, `POST /cameras/N/drop`,
 * `POST /cameras/N/restore`, `GET /health`; and the camera set while running: `POST /cameras`
 * (add; 201 with its status, 409 when it cannot), `DELETE /cameras/N` (remove). Resolves with the bound port.
 */
export async function startControlServer(
  api: ControlApi,
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/cameras\/(?:cam)?(\d+)(?:\/(drop|restore))?\/?$/.exec(url.pathname);
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (url.pathname.replace(/\/$/, '') === '/cameras') {
        if (req.method === 'GET') return send(res, 200, api.list());
        if (req.method !== 'POST') return send(res, 405, { error: 'use GET or POST' });
        const body = await readAddBody(req);
        try {
          return send(res, 201, await api.add(body));
        } catch (err) {
          return send(res, 409, { error: (err as Error).message });
        }
      }
      if (!m) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      const n = Number(m[1]);
      const cam = api.list().find((c) => c.camera === n);
      if (!cam) return send(res, 404, { error: `no camera ${n}` });
      if (!m[2] && req.method === 'DELETE') return (await api.remove(n), send(res, 200, { removed: cam.id }));
      if (!m[2]) return req.method === 'GET' ? send(res, 200, cam) : send(res, 405, { error: 'use GET or DELETE' });
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      return send(res, 200, m[2] === 'drop' ? await api.drop(n) : await api.restore(n));
    })().catch((err: unknown) =>
      send(res, err instanceof BadRequest ? 400 : 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
