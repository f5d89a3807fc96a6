/**
 * An attacker's probes of the dashboard's HTTP surface (issue #17 §4), kept as regressions:
 * path tricks on /clips and /thumbs, hostile Range headers, and duplicate CloudEvent ids.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, EventType, postEvent, testEnv } from './helpers';
import { makeTestClip } from '../../../test/support';

jest.setTimeout(60_000);

function raw(
  base: string,
  p: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; ms: number }> {
  const u = new URL(base);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: p, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ms: Date.now() - t0,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('probes: path tricks, Range abuse, duplicate CloudEvent ids', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts;
  let outside: string;
  let clip: Buffer;
  const clipRel = 'cam1/20261202T071500Z.mp4';

  beforeAll(async () => {
    env = await testEnv();
    await makeTestClip(path.join(env.clipsDir, clipRel), { seconds: 1 });
    clip = await fs.readFile(path.join(env.clipsDir, clipRel));
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'alerts-probe-outside-'));
    await fs.writeFile(path.join(outside, 'secret.mp4'), 'TOP-SECRET');
    await fs.symlink(outside, path.join(env.clipsDir, 'cam1', 'dirlink'));
    await fs.symlink(path.join(outside, 'secret.mp4'), path.join(env.clipsDir, 'cam1', 'filelink.mp4'));
    await promisify(execFile)('mkfifo', [path.join(env.clipsDir, 'cam1', 'fifo.mp4')]);
    await fs.mkdir(path.join(env.clipsDir, 'cam1', 'dir.mp4'));
    await fs.writeFile(path.join(env.clipsDir, 'cam1', 'empty.mp4'), '');
    alerts = await startAlerts(env.config, { host: '127.0.0.1' });
  });

  afterAll(async () => {
    await alerts?.stop();
    await env?.cleanup();
    if (outside) await fs.rm(outside, { recursive: true, force: true });
  });

  describe('/clips and /thumbs path tricks answer 400/404 at once, never a file outside CLIPS_DIR', () => {
    it.each([
      '/clips/%252e%252e/%252e%252e/etc/passwd', // double encoding: decoded once only
      '/clips/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', // overlong UTF-8 dots
      '/clips/cam1/..%5c..%5c..%5cetc%5cpasswd', // backslashes
      '/clips/cam1\\..\\..\\etc\\passwd',
      '/clips/cam1/x.mp4%00.jpg', // NUL
      '/clips/cam1/dirlink/secret.mp4', // symlinked directory
      '/clips/cam1/filelink.mp4', // symlinked file
      '/clips/cam1/fifo.mp4', // a FIFO would block a reader forever
      '/clips/cam1/dir.mp4',
      `/clips/${clipRel}/..`,
      '/clips/%2e/%2e%2e/etc/passwd',
      '/thumbs/cam1.jpg?clip=cam1%2Fdirlink%2Fsecret.mp4',
      '/thumbs/cam1.jpg?clip=cam1%2F..%2F..%2Fetc%2Fpasswd',
      '/thumbs/cam1.jpg?clip=cam1%2Ffifo.mp4',
      '/thumbs/..%2fcam1.jpg',
      '/thumbs/cam1.jpg?clip=cam2%2F..%2Fcam1%2Fx.mp4',
    ])('%s', async (p) => {
      const r = await raw(alerts.url, p);
      expect([400, 404]).toContain(r.status);
      expect(r.body.toString()).not.toMatch(/TOP-SECRET|root:/);
      expect(r.body.toString()).not.toContain(env.clipsDir);
      expect(r.ms).toBeLessThan(5000);
    });
  });

  describe('Range abuse: a sane answer, never a crash or a wrong slice', () => {
    it.each([
      ['bytes=0-0,5-9', 206, [0, 0]], // multiple ranges: the first one
      ['bytes=9-2', 200, undefined], // reversed: ignored
      ['bytes=99999999999999999999999-', 416, undefined],
      ['bytes=0-99999999999999999999999', 206, 'all'],
      ['bytes=-0', 416, undefined],
      ['bytes=-99999999999', 206, 'all'],
      ['bytes=abc', 200, undefined],
      ['items=0-5', 200, undefined],
      ['bytes=--5', 200, undefined],
      ['bytes=1.5-3', 200, undefined],
      ['bytes= 2 - 4 ', 206, [2, 4]],
    ] as const)('%s → %s', async (range, status, slice) => {
      const r = await raw(alerts.url, `/clips/${clipRel}`, { range });
      expect(r.status).toBe(status);
      if (status === 416) expect(r.headers['content-range']).toBe(`bytes */${clip.length}`);
      if (slice === 'all') expect(r.body.equals(clip)).toBe(true);
      else if (slice) expect(r.body.equals(clip.subarray(slice[0], slice[1] + 1))).toBe(true);
      else if (status === 200) expect(r.body.equals(clip)).toBe(true);
    });

    it('a thousand ranges in one header: the first one, nothing more', async () => {
      const r = await raw(alerts.url, `/clips/${clipRel}`, { range: `bytes=${'0-1,'.repeat(1000)}0-1` });
      expect({ status: r.status, body: r.body.toString('hex') }).toEqual({
        status: 206,
        body: clip.subarray(0, 2).toString('hex'),
      });
    });

    it('an empty file: 416 for any range, 200 with no body otherwise; HEAD sends no body', async () => {
      expect((await raw(alerts.url, '/clips/cam1/empty.mp4', { range: 'bytes=0-' })).status).toBe(416);
      const whole = await raw(alerts.url, '/clips/cam1/empty.mp4');
      expect({ status: whole.status, length: whole.body.length }).toEqual({ status: 200, length: 0 });
      const head = await raw(alerts.url, `/clips/${clipRel}`, { range: 'bytes=0-9' }, 'HEAD');
      expect({ status: head.status, length: head.body.length, cl: head.headers['content-length'] }).toEqual({
        status: 206,
        length: 0,
        cl: '10',
      });
    });
  });

  describe('duplicate CloudEvent ids never make two incidents', () => {
    it('twenty concurrent deliveries of one event: stored once, one history entry', async () => {
      const a = alertData({ incidentId: `cam1-fire-${randomUUID()}` });
      const id = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          postEvent(alerts.url, EventType.alertRaised, a, { id, structured: i % 2 === 0 }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(answers.filter((r) => JSON.parse(r.body).stored === true)).toHaveLength(1);
      const rec = JSON.parse((await raw(alerts.url, `/api/incidents/${a.incidentId}`)).body.toString());
      expect(rec.history).toHaveLength(1);
    });

    it('the same id reused for another incident is a duplicate: no second incident appears', async () => {
      const id = randomUUID();
      const first = alertData({ incidentId: `cam1-fire-${randomUUID()}` });
      const second = alertData({ incidentId: `cam2-smoke-${randomUUID()}`, cameraId: 'cam2' });
      await postEvent(alerts.url, EventType.alertRaised, first, { id });
      const again = await postEvent(alerts.url, EventType.alertRaised, second, { id });
      expect(JSON.parse(again.body)).toEqual({ stored: false, duplicate: true });
      expect((await raw(alerts.url, `/api/incidents/${second.incidentId}`)).status).toBe(404);
    });
  });
  describe('slow clients', () => {
    let strict: RunningAlerts;
    beforeAll(async () => {
      strict = await startAlerts(
        { ...env.config, alerts: { ...env.config.alerts, headersTimeoutMs: 1000, heartbeatMs: 1000 } },
        { host: '127.0.0.1' },
      );
    });
    afterAll(async () => strict?.stop());

    it('a client trickling its headers (slow-loris) is cut at ALERTS_HEADERS_TIMEOUT_MS; an idle socket too', async () => {
      const port = Number(new URL(strict.url).port);
      const cut = async (send: string) => {
        const t0 = Date.now();
        const sock = net.connect(port, '127.0.0.1');
        sock.on('error', () => undefined);
        await new Promise<void>((r) => sock.once('connect', () => r()));
        if (send) sock.write(send);
        const drip = setInterval(() => sock.writable && sock.write('X-A: b\r\n'), 200); // never finishes the headers
        await new Promise<void>((r) => sock.once('close', () => r()));
        clearInterval(drip);
        return Date.now() - t0;
      };
      const slow = await cut('GET /api/state HTTP/1.1\r\nHost: x\r\n');
      const idle = await cut('');
      expect(slow).toBeGreaterThanOrEqual(900);
      expect(slow).toBeLessThan(5000); // Node's own check alone would take up to 30 s more
      expect(idle).toBeLessThan(5000);
    });

    it('the bound is on receiving a request, not on answers: an SSE stream outlives it', async () => {
      const u = new URL(strict.url);
      const t0 = Date.now();
      const got = await new Promise<string>((resolve, reject) => {
        const req = http.get({ host: u.hostname, port: u.port, path: '/api/stream', agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
            if ((text.match(/: heartbeat/g) ?? []).length >= 3) {
              // heartbeats every 1 s: ≥ 2 s open, past the 1 s bound
              req.destroy();
              resolve(text);
            }
          });
          res.on('close', () => reject(new Error(`stream closed early: ${text.slice(0, 200)}`)));
        });
        req.on('error', () => undefined);
      });
      expect(got).toContain('event: state');
      expect(Date.now() - t0).toBeGreaterThan(1500);
    });
  });
});
