/**
 * Issue #18.2 and #18.8 on the shared HTTP layer, served by functions-framework on a real port:
 * a body limit before parsing (413 with the reason), deeply nested JSON → 400, specversion
 * other than 1.0 → 400, and /readyz answering promptly when a dependency hangs.
 */
import http from 'node:http';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../src/config';
import { createFunctionHandler, serveFunction, type ServedFunction } from '../src/http';
import { EventType } from '../src/events';
import type { ReceivedEvent } from '../src/cloudevents';

const recorded = { cameraId: 'cam1', path: 'cam1/20261128T204000Z.mp4', startedAt: '2026-11-28T20:40:00.000Z' };
const LIMIT = 64 * 1024;

describe('#18.2/#18.8 shared HTTP limits', () => {
  let served: ServedFunction;
  const handled: ReceivedEvent[] = [];
  let readiness: () => Promise<{ ready: boolean }> = async () => ({ ready: true });
  beforeAll(async () => {
    const handler = createFunctionHandler({
      name: 'shared-limits-test',
      accepted: [EventType.clipRecorded],
      onEvent: async (e) => void handled.push(e),
      readiness: () => readiness(),
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
      routes: async (req, res) => {
        if (req.method !== 'POST' || req.path !== '/api/echo') return false;
        res.status(200).json({ keys: Object.keys((req.body ?? {}) as object).length });
        return true;
      },
    });
    served = await serveFunction('shared-limits-test', handler, 0, '127.0.0.1', { maxBodyBytes: LIMIT });
  });
  afterAll(async () => served.close());

  const binaryHeaders = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': '1',
    'ce-source': '/x',
    'ce-type': EventType.clipRecorded,
  };

  /** Sends `total` bytes in chunks without a Content-Length (chunked), as a slow uploader would. */
  function chunkedPost(path: string, total: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${served.url}${path}`, {
        method: 'POST',
        headers: { ...binaryHeaders, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
      );
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  test('#18.2 a body over MAX_BODY_BYTES gets 413 with the reason, before it is parsed (Content-Length)', async () => {
    const big = JSON.stringify({ ...recorded, pad: 'x'.repeat(LIMIT) });
    const res = await fetch(`${served.url}/`, { method: 'POST', headers: binaryHeaders, body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/MAX_BODY_BYTES=65536/);
    expect(handled).toHaveLength(0);
  });

  test('#18.2 a chunked body is cut off at MAX_BODY_BYTES too (413), on every route', async () => {
    for (const path of ['/', '/api/echo']) {
      const res = await chunkedPost(path, 4 * 1024 * 1024);
      expect(res.status).toBe(413);
      expect(res.body).toMatch(/MAX_BODY_BYTES/);
    }
  });

  test('#18.2 a body under the limit still works', async () => {
    const res = await fetch(`${served.url}/`, {
      method: 'POST',
      headers: binaryHeaders,
      body: JSON.stringify(recorded),
    });
    expect(res.status).toBe(204);
  });

  test.each([
    ['binary event data', '/', binaryHeaders],
    ['structured event', '/', { 'content-type': 'application/cloudevents+json' }],
    ['another JSON route', '/api/echo', { 'content-type': 'application/json' }],
    ['text/plain event data', '/', { ...binaryHeaders, 'content-type': 'text/plain' }],
  ])('#18.8 deeply nested JSON gets 400, not 500 (%s)', async (_what, path, headers) => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const res = await fetch(`${served.url}${path}`, { method: 'POST', headers, body: deep });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/nested deeper than/);
  });

  test.each([
    [
      'structured',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({
        specversion: '99',
        id: '1',
        source: '/x',
        type: EventType.clipRecorded,
        datacontenttype: 'application/json',
        data: recorded,
      }),
    ],
    ['binary', { ...binaryHeaders, 'ce-specversion': '99' }, JSON.stringify(recorded)],
  ])('#18.8 specversion 99 is refused with 400 (%s)', async (_mode, headers, body) => {
    const before = handled.length;
    const res = await fetch(`${served.url}/`, { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/specversion/);
    expect(handled).toHaveLength(before);
  });

  test('#18.8 /readyz answers 503 promptly while a dependency hangs', async () => {
    readiness = () => new Promise(() => undefined); // e.g. a PING queued on a Redis connection that is down
    const started = Date.now();
    const res = await fetch(`${served.url}/readyz`);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await res.json()).toMatchObject({ ready: false });
    readiness = async () => ({ ready: true });
  });

  test('#18.8 functions bind 127.0.0.1 unless told otherwise (BIND_HOST)', async () => {
    expect(parseConfig({}).common.bindHost).toBe('127.0.0.1');
    expect(parseConfig({ BIND_HOST: '0.0.0.0' }).common.bindHost).toBe('0.0.0.0');
    const handler = createFunctionHandler({
      name: 'shared-bind-test',
      accepted: [EventType.clipRecorded],
      onEvent: async () => undefined,
      readiness: async () => ({ ready: true }),
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
    });
    const plain = await serveFunction('shared-bind-test', handler, 0);
    try {
      expect((plain.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await plain.close();
    }
  });
});
