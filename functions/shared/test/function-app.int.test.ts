/** The shared function HTTP surface, served by functions-framework on a real port. */
import pino from 'pino';
import { CloudEvent, HTTP } from 'cloudevents';
import { Counter, Registry } from 'prom-client';
import { createFunctionHandler, serveFunction, type ServedFunction } from '../src/http';
import { EventType } from '../src/events';
import { UnrecoverableError } from '../src/errors';
import type { ReceivedEvent } from '../src/cloudevents';

const recorded = { cameraId: 'cam1', path: 'cam1/20261128T204000Z.mp4', startedAt: '2026-11-28T20:40:00.000Z' };

describe('function HTTP app (functions-framework)', () => {
  let served: ServedFunction;
  const handled: ReceivedEvent[] = [];
  let ready = true;
  const registry = new Registry();
  new Counter({ name: 'test_things_total', help: 'things', registers: [registry] }).inc(3);
  beforeAll(async () => {
    const handler = createFunctionHandler({
      name: 'shared-test',
      accepted: [EventType.clipRecorded],
      onEvent: async (e) => {
        if ((e.data as { path: string }).path.endsWith('poison.mp4'))
          throw new UnrecoverableError('clip is corrupt: moov atom not found');
        handled.push(e);
        return undefined;
      },
      readiness: async () => ({ ready, detail: { redis: ready ? 'ok' : 'down: start redis-server' } }),
      registry,
      logger: pino({ level: 'silent' }),
    });
    served = await serveFunction('shared-test', handler, 0, '127.0.0.1');
  });
  afterAll(async () => served.close());
  beforeEach(() => handled.splice(0));

  const post = (headers: Record<string, string>, body: string) =>
    fetch(served.url + '/', { method: 'POST', headers, body });

  test('accepts binary mode', async () => {
    const m = HTTP.binary(
      new CloudEvent({ type: EventType.clipRecorded, source: '/cameras/cam1', data: recorded, cameraid: 'cam1' }),
    );
    const res = await post(m.headers as Record<string, string>, m.body as string);
    expect(res.status).toBe(204);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.attributes.cameraid).toBe('cam1');
  });

  test('accepts structured mode', async () => {
    const m = HTTP.structured(
      new CloudEvent({ type: EventType.clipRecorded, source: '/cameras/cam1', data: recorded }),
    );
    const res = await post(m.headers as Record<string, string>, m.body as string);
    expect(res.status).toBe(204);
    expect(handled[0]!.data).toEqual(recorded);
  });

  test.each([
    ['not a CloudEvent', { 'content-type': 'application/json' }, JSON.stringify(recorded), /not a valid CloudEvent/],
    [
      'wrong type',
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': '1',
        'ce-source': '/x',
        'ce-type': 'com.example.other',
      },
      JSON.stringify(recorded),
      /not accepted here/,
    ],
    [
      'data failing the schema',
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': '1',
        'ce-source': '/x',
        'ce-type': EventType.clipRecorded,
      },
      JSON.stringify({ cameraId: 'cam 1' }),
      /invalid com.safetyhanta.clip.recorded data/,
    ],
    [
      'binary without ce-source',
      { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': EventType.clipRecorded },
      JSON.stringify(recorded),
      /missing required attribute\(s\) ce-source/,
    ],
    [
      'binary without ce-specversion',
      { 'content-type': 'application/json', 'ce-id': '1', 'ce-source': '/x', 'ce-type': EventType.clipRecorded },
      JSON.stringify(recorded),
      /ce-specversion/,
    ],
    [
      'structured without id',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', source: '/x', type: EventType.clipRecorded, data: recorded }),
      /missing required attribute\(s\) id/,
    ],
    [
      'broken structured JSON',
      { 'content-type': 'application/cloudevents+json' },
      '{"specversion":',
      /^\{"error":"malformed request body: /,
    ],
    [
      'broken binary JSON',
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': '1',
        'ce-source': '/x',
        'ce-type': EventType.clipRecorded,
      },
      '{"cameraId"',
      /^\{"error":"malformed request body: /,
    ],
  ])('malformed (%s) → 400 with the reason, nothing handled', async (_n, headers, body, reason) => {
    const res = await post(headers, body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(reason);
    expect(handled).toHaveLength(0);
  });

  test('an unrecoverable handler error → 422 with the reason', async () => {
    const m = HTTP.binary(
      new CloudEvent({
        type: EventType.clipRecorded,
        source: '/cameras/cam1',
        data: { ...recorded, path: 'cam1/poison.mp4' },
      }),
    );
    const res = await post(m.headers as Record<string, string>, m.body as string);
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/moov atom not found/);
  });

  test('healthz, readyz (503 with the reason while not ready) and metrics', async () => {
    expect((await fetch(served.url + '/healthz')).status).toBe(200);
    expect((await fetch(served.url + '/readyz')).status).toBe(200);
    ready = false;
    const r = await fetch(served.url + '/readyz');
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ ready: false, redis: 'down: start redis-server' });
    ready = true;
    expect(await (await fetch(served.url + '/metrics')).text()).toMatch(/^test_things_total 3$/m);
  });
});
