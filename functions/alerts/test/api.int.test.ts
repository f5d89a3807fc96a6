import { HAZARD_LABEL_KO } from '../../shared/src/verdict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, countKeys, EventType, postEvent, testEnv } from './helpers';
import { waitUntil, makeTestClip } from '../../../test/support';

/** Raw GET, so `..` and odd encodings reach the server exactly as written (fetch would normalise them). */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const verdict = (over: Record<string, unknown> = {}) => ({
  jobId: `job-${randomUUID()}`,
  cameraId: 'cam1',
  clipPath: 'cam1/20261128T204000Z.mp4',
  status: 'safe',
  hazards: [],
  summary: '이상 없음',
  model: 'm',
  capturedAt: new Date().toISOString(),
  analyzedAt: new Date().toISOString(),
  ...over,
});

/** Response body as JSON, loosely typed (tests assert its shape). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

/** An open SSE stream whose received text can be awaited. */
interface SseReader {
  /** Resolves with all text so far once `predicate` holds. */
  until(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

async function openSse(url: string): Promise<SseReader> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  let pending: ReturnType<typeof reader.read> | undefined;
  return {
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(text)) {
        pending ??= reader.read();
        const left = deadline - Date.now();
        let timer: NodeJS.Timeout | undefined;
        const r = await Promise.race([
          pending,
          new Promise<'timeout'>((ok) => (timer = setTimeout(() => ok('timeout'), Math.max(0, left)))),
        ]);
        clearTimeout(timer);
        if (r === 'timeout')
          throw new Error(`SSE: condition not met in ${timeoutMs} ms; received:\n${text.slice(0, 2000)}`);
        pending = undefined;
        if (r.done) throw new Error(`SSE ended early; received:\n${text.slice(0, 2000)}`);
        text += dec.decode(r.value, { stream: true });
      }
      return text;
    },
    close: () => ac.abort(),
  };
}

jest.setTimeout(30_000);

describe('alerts function over HTTP (real Redis, real ffmpeg)', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts;
  let outside: string;
  const clipRel = 'cam1/20261128T204000Z.mp4';
  let clipBytes: Buffer;

  beforeAll(async () => {
    env = await testEnv({ ALERTS_SSE_HEARTBEAT_MS: '1000' });
    await makeTestClip(path.join(env.clipsDir, clipRel), { seconds: 2 });
    clipBytes = await fs.readFile(path.join(env.clipsDir, clipRel));
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'alerts-outside-'));
    await fs.writeFile(path.join(outside, 'secret.mp4'), 'root:x:0:0:secret');
    await fs.symlink(path.join(outside, 'secret.mp4'), path.join(env.clipsDir, 'cam1', 'escape.mp4'));
    await fs.symlink(outside, path.join(env.clipsDir, 'link'));
    alerts = await startAlerts(env.config);
  });

  afterAll(async () => {
    await alerts?.stop();
    await env?.cleanup();
    if (outside) await fs.rm(outside, { recursive: true, force: true });
  });

  describe('malformed CloudEvents get 400 and store nothing', () => {
    const good = () => alertData();
    const cases: [string, () => Promise<Response>][] = [
      [
        'bad JSON (structured)',
        () =>
          fetch(alerts.url, {
            method: 'POST',
            headers: { 'content-type': 'application/cloudevents+json' },
            body: '{"specversion":"1.0",',
          }),
      ],
      [
        'bad JSON data (binary)',
        () =>
          fetch(alerts.url, {
            method: 'POST',
            body: '{"incidentId":',
            headers: {
              'content-type': 'application/json',
              'ce-specversion': '1.0',
              'ce-id': 'x1',
              'ce-source': '/cameras/cam1',
              'ce-type': EventType.alertRaised,
            },
          }),
      ],
      [
        'missing ce-id and ce-source',
        () =>
          fetch(alerts.url, {
            method: 'POST',
            body: JSON.stringify(good()),
            headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-type': EventType.alertRaised },
          }),
      ],
      [
        'no CloudEvent at all',
        () =>
          fetch(alerts.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(good()),
          }),
      ],
      [
        'wrong type',
        () =>
          postEvent(alerts.url, EventType.clipRecorded, {
            cameraId: 'cam1',
            path: 'cam1/a.mp4',
            startedAt: new Date().toISOString(),
          }).then((r) => new Response(r.body, { status: r.status })),
      ],
      [
        'data failing the schema',
        () =>
          postEvent(alerts.url, EventType.alertRaised, { ...good(), severity: 'catastrophic' }).then(
            (r) => new Response(r.body, { status: r.status }),
          ),
      ],
      [
        'verdict with an unknown hazard type',
        () =>
          postEvent(
            alerts.url,
            EventType.verdictCreated,
            verdict({ status: 'warning', hazards: [{ type: 'ghost', description: '', confidence: 1 }] }),
          ).then((r) => new Response(r.body, { status: r.status })),
      ],
    ];
    it.each(cases)('%s', async (_name, send) => {
      const res = await send();
      const body = await res.text();
      expect(res.status).toBe(400);
      // Our receiver answers JSON with the reason; a body that is not JSON at all is refused
      // earlier by functions-framework's body parser (still 400, its own text).
      if (res.headers.get('content-type')?.includes('json')) expect(JSON.parse(body).error).toEqual(expect.any(String));
      expect(await countKeys(env.prefix)).toBe(0);
    });

    it('counts rejections in /metrics', async () => {
      const text = await (await fetch(`${alerts.url}/metrics`)).text();
      expect(text).toMatch(/safetyhanta_alerts_events_rejected_total\{[^}]*\} 7/);
    });
  });

  it('stores binary and structured events; a redelivered id is stored once', async () => {
    const a = alertData({ clipPath: clipRel });
    const id = randomUUID();
    const first = await postEvent(alerts.url, EventType.alertRaised, a, { id });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ stored: true, duplicate: false });
    const again = await postEvent(alerts.url, EventType.alertRaised, a, { id });
    expect(JSON.parse(again.body)).toEqual({ stored: false, duplicate: true });

    const upd = { ...a, summary: 'structured update', analyzedAt: new Date(Date.now() + 1000).toISOString() };
    const s = await postEvent(alerts.url, EventType.alertUpdated, upd, { structured: true });
    expect(s.status).toBe(200);

    const rec = await json(fetch(`${alerts.url}/api/incidents/${a.incidentId}`));
    expect(rec).toMatchObject({ incidentId: a.incidentId, summary: 'structured update', state: 'open', rev: 2 });
    expect(rec.history).toHaveLength(2);

    const vid = randomUUID();
    await postEvent(
      alerts.url,
      EventType.verdictCreated,
      verdict({ status: 'danger', hazards: [{ type: 'fire', description: 'f', confidence: 0.9 }] }),
      { id: vid },
    );
    await postEvent(alerts.url, EventType.verdictCreated, verdict(), { id: vid });
    await postEvent(alerts.url, EventType.cameraOffline, {
      cameraId: 'cam2',
      status: 'offline',
      at: new Date().toISOString(),
      reason: 'no clip for 30 s',
    });

    const state = await waitUntil(
      async () => {
        const st = await json(fetch(`${alerts.url}/api/state`));
        return st.cameras.find((c: { cameraId: string }) => c.cameraId === 'cam2')?.status === 'offline'
          ? st
          : undefined;
      },
      { timeoutMs: 5000, what: 'camera offline in state' },
    );
    expect(state.verdicts).toHaveLength(1);
    expect(state.counters.verdictsByStatus).toMatchObject({ danger: 1, safe: 0 });
    expect(state.counters.openIncidents).toBe(1);
    expect(state.incidents[0]).toMatchObject({ incidentId: a.incidentId, historyCount: 2 });
  });

  it('acknowledges: stored, idempotent, 404 for unknown ids, and an escalation to danger re-alerts', async () => {
    const a = alertData({
      severity: 'warning',
      status: 'warning',
      hazardType: 'no_hard_hat',
      hazards: [{ type: 'no_hard_hat', description: 'd', confidence: 0.7 }],
    });
    await postEvent(alerts.url, EventType.alertRaised, a);
    const ack = await fetch(`${alerts.url}/api/incidents/${a.incidentId}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"by":"lee"}',
    });
    expect(ack.status).toBe(200);
    const acked = await json(ack);
    // the authenticated identity is recorded, not the name in the body (auth is off in this file)
    expect(acked).toMatchObject({ acknowledgedBy: 'anonymous (auth off)', acknowledgedAt: expect.any(String) });
    const twice = await json(
      fetch(`${alerts.url}/api/incidents/${a.incidentId}/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(twice.acknowledgedAt).toBe(acked.acknowledgedAt);
    expect(
      (
        await fetch(`${alerts.url}/api/incidents/nope/ack`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(404);
    // A cross-site form post (no JSON content type) is refused.
    expect(
      (
        await fetch(`${alerts.url}/api/incidents/${a.incidentId}/ack`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'by=x',
        })
      ).status,
    ).toBe(415);

    const sse = await openSse(`${alerts.url}/api/stream`);
    await sse.until((t) => t.includes('event: state'));
    const esc = {
      ...a,
      severity: 'danger' as const,
      status: 'danger' as const,
      summary: 'escalated',
      analyzedAt: new Date(Date.now() + 1000).toISOString(),
    };
    await postEvent(alerts.url, EventType.alertUpdated, esc);
    const text = await sse.until((t) => t.includes('"summary":"escalated"')).finally(() => sse.close());
    const frame = text.split('\n\n').find((f) => f.includes('"summary":"escalated"')) ?? '';
    expect(frame).toMatch(/^event: incident/);
    // the acknowledgement covered the warning: warning → danger alarms again (issue #24)
    const escalatedFrame = JSON.parse(frame.split('data: ')[1] ?? '{}') as { incident: Record<string, unknown> };
    expect(escalatedFrame).toMatchObject({
      alert: true,
      incident: { severity: 'danger', previousAcknowledgedBy: 'anonymous (auth off)' },
    });
    expect(escalatedFrame.incident.acknowledgedAt).toBeUndefined();
  });

  it('SSE: retry, full state on connect, live incidents, heartbeat', async () => {
    const a = alertData();
    const sse = await openSse(`${alerts.url}/api/stream`);
    await sse.until((t) => t.includes('event: state'));
    await waitUntil(
      async () =>
        (await fetch(`${alerts.url}/metrics`).then((r) => r.text())).match(
          /safetyhanta_alerts_sse_clients\{[^}]*\} [1-9]/,
        ),
      { timeoutMs: 5000, what: 'SSE client in the gauge' },
    );
    await postEvent(alerts.url, EventType.alertRaised, a);
    const text = await sse
      .until((t) => t.includes('event: incident') && t.includes(a.incidentId) && t.includes(': heartbeat'))
      .finally(() => sse.close());
    expect(text.split('\n\n')[1]).not.toContain(a.incidentId); // raised after connect: not in the initial state
    expect(text.startsWith('retry: ')).toBe(true);
    expect(text).toMatch(/event: state\ndata: \{"serverTime"/);
    const frame = text.split('\n\n').find((f) => f.startsWith('event: incident') && f.includes(a.incidentId)) ?? '';
    expect(JSON.parse(frame.split('data: ')[1] ?? '{}')).toMatchObject({ change: 'created', alert: true });
  });

  describe('clips: path guard and Range', () => {
    it.each([
      '/clips/../../etc/passwd',
      '/clips/%2e%2e/%2e%2e/etc/passwd',
      '/clips/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/clips/cam1/..%2f..%2f..%2fetc/passwd',
      '/clips//etc/passwd',
      '/clips/%2Fetc%2Fpasswd',
      '/clips/cam1/escape.mp4',
      '/clips/link/secret.mp4',
      '/clips/cam1',
      '/clips/cam1/missing.mp4',
    ])('%s → 400/404, never the file', async (p) => {
      const res = await rawGet(alerts.url, p);
      expect([400, 404]).toContain(res.status);
      expect(res.body.toString()).not.toMatch(/root:/);
    });

    it('serves the whole clip, then exact byte ranges with 206, 416 beyond the end', async () => {
      const full = await rawGet(alerts.url, `/clips/${clipRel}`);
      expect(full.status).toBe(200);
      expect(full.headers['accept-ranges']).toBe('bytes');
      expect(full.headers['content-type']).toBe('video/mp4');
      expect(full.body.equals(clipBytes)).toBe(true);

      const mid = await rawGet(alerts.url, `/clips/${clipRel}`, { range: 'bytes=100-299' });
      expect(mid.status).toBe(206);
      expect(mid.headers['content-range']).toBe(`bytes 100-299/${clipBytes.length}`);
      expect(mid.body.equals(clipBytes.subarray(100, 300))).toBe(true);

      const tail = await rawGet(alerts.url, `/clips/${clipRel}`, { range: 'bytes=-50' });
      expect(tail.status).toBe(206);
      expect(tail.body.equals(clipBytes.subarray(clipBytes.length - 50))).toBe(true);

      const open = await rawGet(alerts.url, `/clips/${clipRel}`, { range: `bytes=${clipBytes.length - 10}-` });
      expect(open.body.equals(clipBytes.subarray(clipBytes.length - 10))).toBe(true);

      const beyond = await rawGet(alerts.url, `/clips/${clipRel}`, { range: `bytes=${clipBytes.length}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${clipBytes.length}`);
    });
  });

  it('thumbnails: a JPEG of the latest clip, extracted once per clip', async () => {
    const shot = await waitUntil(
      async () => {
        const r = await rawGet(alerts.url, '/thumbs/cam1.jpg');
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 5000, what: 'thumbnail of cam1' },
    );
    expect(shot.headers['content-type']).toBe('image/jpeg');
    expect(shot.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    const again = await rawGet(alerts.url, `/thumbs/cam1.jpg?clip=${encodeURIComponent(clipRel)}`);
    expect(again.body.equals(shot.body)).toBe(true);
    const metrics = await (await fetch(`${alerts.url}/metrics`)).text();
    expect(metrics).toMatch(/safetyhanta_alerts_thumbnails_extracted_total\{[^}]*\} 1\n/);
    expect((await rawGet(alerts.url, '/thumbs/cam2.jpg')).status).toBe(404);
    expect((await rawGet(alerts.url, '/thumbs/cam1.jpg?clip=link%2Fsecret.mp4')).status).toBe(400);
    expect((await rawGet(alerts.url, '/thumbs/cam1.jpg?clip=cam1%2Fescape.mp4')).status).toBe(404);
  });

  it('serves the dashboard page and its assets without external references', async () => {
    const html = await (await fetch(alerts.url)).text();
    expect(html).toContain('<script type="module" src="/assets/app.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${alerts.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain("from './sse.js'"); // an ES module entry: its imports load the rest
    // the labels module is generated from the server's own sources (shared/src/verdict.ts, core/format.ts)
    const labels = await (await fetch(`${alerts.url}/assets/labels.js`)).text();
    expect(labels).toContain('function formatDuration');
    expect(labels).toContain(`export const HAZARD_LABEL_KO = ${JSON.stringify(HAZARD_LABEL_KO)};`);
    expect((await fetch(`${alerts.url}/assets/labels.d.ts`)).status).toBe(404); // checker-only file, not served
    expect((await fetch(`${alerts.url}/assets/../package.json`)).status).not.toBe(200);
  });
});
