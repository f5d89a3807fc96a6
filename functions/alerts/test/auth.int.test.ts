import path from 'node:path';
import pino from 'pino';
import type { Config } from '../../shared/src/config';
import { createFunctionHandler, serveFunction, type ServedFunction } from '../../shared/src/http';
import { createRegistry } from '../../shared/src/metrics';
import { createHttpAuth, requireRole } from '../src/adapters/auth-http';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { resolveAuth } from '../src/core/auth';
import { alertData, EventType, postEvent, testEnv } from './helpers';
import { makeTestClip } from '../../../test/support';
import { call } from './probe/http';

jest.setTimeout(60_000);

const ADMIN = 'admin-token-int-0123456789abcdef';
const VIEWER = 'viewer-token-int-0123456789abcdef';

const JSON_CT = { 'content-type': 'application/json' };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const proxyUser = (user: string, groups: string) => ({ 'x-forwarded-user': user, 'x-forwarded-groups': groups });

describe('access control over HTTP: every route × every role (real Redis, real ffmpeg)', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let tokenMode: RunningAlerts;
  let proxyMode: RunningAlerts;
  let guardServer: ServedFunction;
  const clipRel = 'cam1/20261202T070000Z.mp4';
  const incident = alertData({ clipPath: clipRel, incidentId: 'cam1-fire-auth' });

  beforeAll(async () => {
    env = await testEnv({ ALERTS_AUTH: 'token', ALERTS_AUTH_TOKEN: ADMIN, ALERTS_VIEWER_TOKEN: VIEWER });
    await makeTestClip(path.join(env.clipsDir, clipRel), { seconds: 1 });
    tokenMode = await startAlerts(env.config, { host: '127.0.0.1' });
    const proxyConfig: Config = {
      ...env.config,
      alerts: {
        ...env.config.alerts,
        authMode: 'proxy',
        trustedProxies: ['127.0.0.1', '::1'],
        proxyAdminGroups: ['safety-admins'],
        proxyOperatorGroups: ['safety-ops'],
        proxyViewerGroups: ['safety-view'],
      },
    };
    proxyMode = await startAlerts(proxyConfig, { host: '127.0.0.1' });
    // a route of another engineer's kind (cameras: admin), behind the same wrapper and guard
    const settings = resolveAuth(env.config.alerts, '127.0.0.1');
    if (!settings.ok) throw new Error(settings.reason);
    const guard = requireRole('admin');
    guardServer = await serveFunction(
      'auth-guard-int',
      createFunctionHandler({
        name: 'auth-guard-int',
        accepted: [],
        logger: pino({ level: 'silent' }),
        registry: createRegistry('auth-guard-int'),
        onEvent: async () => undefined,
        readiness: async () => ({ ready: true }),
        routes: createHttpAuth(settings.settings, pino({ level: 'silent' })).wrap((req, res) => {
          if (req.path !== '/api/cameras/cam1') return false;
          const who = guard(req, res);
          if (who) res.status(200).json({ by: who.name });
          return true;
        }),
      }),
      0,
      '127.0.0.1',
    );
    expect((await postEvent(tokenMode.url, EventType.alertRaised, incident)).status).toBe(200); // ingress: no credentials
  });

  afterAll(async () => {
    await guardServer?.close();
    await proxyMode?.stop();
    await tokenMode?.stop();
    await env?.cleanup();
  });

  const reads = [
    '/',
    '/index.html',
    '/assets/app.js',
    '/api/state',
    '/api/stream',
    `/api/incidents/${incident.incidentId}`,
    `/clips/${clipRel}`,
    `/thumbs/cam1.jpg?clip=${encodeURIComponent(clipRel)}`,
  ];

  type Caller = {
    name: string;
    mode: 'token' | 'proxy';
    headers: Record<string, string>;
    role: 'none' | 'viewer' | 'operator' | 'admin';
    status?: number;
  };
  const callers: Caller[] = [
    { name: 'anonymous', mode: 'token', headers: {}, role: 'none' },
    { name: 'wrong token', mode: 'token', headers: bearer('wrong-token-0123456789abcdef'), role: 'none' },
    { name: 'viewer token', mode: 'token', headers: bearer(VIEWER), role: 'viewer' },
    { name: 'admin token', mode: 'token', headers: bearer(ADMIN), role: 'admin' },
    { name: 'anonymous via proxy', mode: 'proxy', headers: {}, role: 'none' },
    { name: 'proxy user in no group', mode: 'proxy', headers: proxyUser('guest', 'staff'), role: 'none', status: 403 },
    { name: 'proxy viewer', mode: 'proxy', headers: proxyUser('view@plant', 'safety-view'), role: 'viewer' },
    { name: 'proxy operator', mode: 'proxy', headers: proxyUser('op@plant', 'staff,safety-ops'), role: 'operator' },
    { name: 'proxy admin', mode: 'proxy', headers: proxyUser('boss@plant', 'safety-admins'), role: 'admin' },
  ];
  const base = (c: Caller) => (c.mode === 'token' ? tokenMode.url : proxyMode.url);

  describe.each(callers)('$name', (c) => {
    it.each(reads)(`GET %s`, async (p) => {
      const r = await call(base(c), 'GET', p, c.headers);
      if (c.role === 'none') {
        expect(r.status).toBe(c.status ?? 401);
        expect(r.body).not.toContain(incident.summary);
        if (p === '/' || p === '/index.html')
          expect(r.headers['content-type']).toMatch(/^text\/html/); // the small login page
        else expect(r.headers['content-type']).toMatch(/^application\/json/);
      } else {
        expect(r.status).toBe(200);
      }
    });

    it('POST ack (operator and up)', async () => {
      const r = await call(
        base(c),
        'POST',
        `/api/incidents/${incident.incidentId}/ack`,
        { ...c.headers, ...JSON_CT },
        '{"by":"someone else"}',
      );
      const want = c.role === 'none' ? (c.status ?? 401) : c.role === 'viewer' ? 403 : 200;
      expect({ status: r.status }).toEqual({ status: want });
      if (want === 200) expect(JSON.parse(r.body).acknowledgedBy).not.toBe('someone else');
    });

    it('health, readiness and the CloudEvent ingress stay open', async () => {
      expect((await call(base(c), 'GET', '/healthz', c.headers)).status).toBe(200);
      expect((await call(base(c), 'GET', '/readyz', c.headers)).status).toBe(200);
      expect(
        (await postEvent(base(c), EventType.alertUpdated, { ...incident, analyzedAt: new Date().toISOString() }))
          .status,
      ).toBe(200);
    });
  });

  it('requireRole(admin) on another route: viewer 403, admin 200, anonymous and wrong token 401', async () => {
    const p = '/api/cameras/cam1';
    expect((await call(guardServer.url, 'PUT', p, JSON_CT, '{}')).status).toBe(401);
    expect(
      (await call(guardServer.url, 'PUT', p, { ...JSON_CT, ...bearer('wrong-token-0123456789abcdef') }, '{}')).status,
    ).toBe(401);
    expect((await call(guardServer.url, 'PUT', p, { ...JSON_CT, ...bearer(VIEWER) }, '{}')).status).toBe(403);
    expect((await call(guardServer.url, 'GET', p, bearer(VIEWER))).status).toBe(403); // admin even to read
    const ok = await call(guardServer.url, 'PUT', p, { ...JSON_CT, ...bearer(ADMIN) }, '{}');
    expect({ status: ok.status, body: JSON.parse(ok.body) }).toEqual({ status: 200, body: { by: 'admin token' } });
  });

  it('acknowledgements record the authenticated identity', async () => {
    const a = alertData({ incidentId: 'cam2-smoke-auth', cameraId: 'cam2' });
    await postEvent(proxyMode.url, EventType.alertRaised, a);
    const r = await call(
      proxyMode.url,
      'POST',
      `/api/incidents/${a.incidentId}/ack`,
      { ...proxyUser('op@plant', 'safety-ops'), ...JSON_CT },
      '{"by":"admin"}',
    );
    expect(JSON.parse(r.body)).toMatchObject({ acknowledgedBy: 'op@plant' });
  });

  it('login: /login?token= sets an HttpOnly SameSite=Strict session and redirects to /; the cookie works; CSRF needs JSON', async () => {
    const page = await call(tokenMode.url, 'GET', '/login');
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/login"');
    const wrong = await call(tokenMode.url, 'GET', '/login?token=nope-nope-nope-nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const login = await call(tokenMode.url, 'GET', `/login?token=${encodeURIComponent(ADMIN)}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = login.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(
      /^sh_session=v2\.admin\.\d+\.[\w-]{22}\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    const cookie = { cookie: setCookie.split(';')[0]! };
    expect((await call(tokenMode.url, 'GET', '/', cookie)).status).toBe(200);
    expect((await call(tokenMode.url, 'GET', '/api/state', cookie)).status).toBe(200);

    const a = alertData({ incidentId: 'cam1-smoke-csrf' });
    await postEvent(tokenMode.url, EventType.alertRaised, a);
    const ackPath = `/api/incidents/${a.incidentId}/ack`;
    // a cross-site form (the cookie would ride along if SameSite did not stop it) is refused
    for (const ct of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      expect((await call(tokenMode.url, 'POST', ackPath, { ...cookie, 'content-type': ct }, 'by=x')).status).toBe(415);
    }
    const acked = await call(tokenMode.url, 'POST', ackPath, { ...cookie, ...JSON_CT }, '{}');
    expect({ status: acked.status, by: JSON.parse(acked.body).acknowledgedBy }).toEqual({
      status: 200,
      by: 'admin session',
    });

    // a viewer session watches but cannot acknowledge; an edited cookie is no session
    const vl = await call(tokenMode.url, 'GET', `/login?token=${VIEWER}`);
    const vcookie = { cookie: (vl.headers['set-cookie']?.[0] ?? '').split(';')[0]! };
    expect((await call(tokenMode.url, 'GET', '/api/state', vcookie)).status).toBe(200);
    expect((await call(tokenMode.url, 'POST', ackPath, { ...vcookie, ...JSON_CT }, '{}')).status).toBe(403);
    expect(
      (await call(tokenMode.url, 'GET', '/api/state', { cookie: vcookie.cookie.replace('.viewer.', '.admin.') }))
        .status,
    ).toBe(401);

    const out = await call(tokenMode.url, 'GET', '/logout', cookie);
    expect(out.status).toBe(303);
    expect(out.headers['set-cookie']?.[0]).toMatch(/^sh_session=; .*Max-Age=0/);
  });

  it('browser hardening headers on the page, the API and the login page; the page has no inline script or style', async () => {
    for (const [p, h] of [
      ['/', bearer(ADMIN)],
      ['/api/state', bearer(ADMIN)],
      ['/login', {}],
      ['/', {}],
    ] as const) {
      const r = await call(tokenMode.url, 'GET', p, h);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      if (r.headers['content-type']?.startsWith('text/html')) {
        expect(r.body.match(/<script\b[^>]*>/g) ?? []).toEqual(
          (r.body.match(/<script\b[^>]*>/g) ?? []).filter((t) => / src="\/assets\//.test(t)),
        );
        expect(r.body).not.toMatch(/<script>\s*\S|\son[a-z]+\s*=|\sstyle\s*=|<style/i);
      }
    }
  });
});
