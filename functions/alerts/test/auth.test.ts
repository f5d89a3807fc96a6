import { parseConfig } from '../../shared/src/config';
import { withoutPassword } from '../src/core/format';
import {
  authenticate,
  authorize,
  bearerToken,
  inCidrs,
  isLoopbackHost,
  parseCookies,
  resolveAuth,
  roleFromGroups,
  signSession,
  verifySession,
  SESSION_COOKIE,
  type AuthSettings,
  type Identity,
} from '../src/core/auth';

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';
const now = new Date('2026-12-02T07:00:00Z');
const token: AuthSettings = {
  mode: 'token',
  adminToken: ADMIN,
  viewerToken: VIEWER,
  trustedProxies: [],
  groups: { admin: [], operator: [], viewer: ['*'] },
};
const proxy: AuthSettings = {
  mode: 'proxy',
  adminToken: ADMIN,
  trustedProxies: ['10.1.0.0/16', 'fd00::/8'],
  groups: { admin: ['safety-admins'], operator: ['safety-ops'], viewer: ['safety-view'] },
};
const req = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => ({ remoteAddress, headers });
const configOf = (env: Record<string, string>) => parseConfig({ LOG_LEVEL: 'silent', ...env }).alerts;

describe('auth mode (config + bind address)', () => {
  it('auto: none on loopback without a token; token as soon as one is set or the bind is beyond loopback', () => {
    expect(resolveAuth(configOf({}), '127.0.0.1')).toMatchObject({ ok: true, settings: { mode: 'none' } });
    expect(resolveAuth(configOf({ ALERTS_AUTH_TOKEN: ADMIN }), '127.0.0.1')).toMatchObject({
      ok: true,
      settings: { mode: 'token', adminToken: ADMIN },
    });
    const open = resolveAuth(configOf({}), '0.0.0.0');
    expect(open.ok).toBe(false);
    expect(open.ok ? '' : open.reason).toMatch(/ALERTS_AUTH_TOKEN/);
    expect(resolveAuth(configOf({ ALERTS_AUTH_TOKEN: ADMIN }), '0.0.0.0')).toMatchObject({
      ok: true,
      settings: { mode: 'token' },
    });
    expect(resolveAuth(configOf({ ALERTS_AUTH: 'none' }), '0.0.0.0')).toMatchObject({
      ok: true,
      settings: { mode: 'none' },
    });
  });

  it('refuses proxy mode without trusted proxies, and a viewer token equal to the admin token', () => {
    expect(resolveAuth(configOf({ ALERTS_AUTH: 'proxy' }), '0.0.0.0').ok).toBe(false);
    expect(resolveAuth(configOf({ ALERTS_AUTH_TOKEN: ADMIN, ALERTS_VIEWER_TOKEN: ADMIN }), '0.0.0.0').ok).toBe(false);
  });

  it('config rejects short tokens and bad CIDRs by name', () => {
    expect(() => configOf({ ALERTS_AUTH_TOKEN: 'short' })).toThrow(/ALERTS_AUTH_TOKEN/);
    expect(() => configOf({ ALERTS_TRUSTED_PROXIES: '10.0.0.0/99' })).toThrow(/ALERTS_TRUSTED_PROXIES/);
    expect(() => configOf({ ALERTS_TRUSTED_PROXIES: 'not-an-ip' })).toThrow(/ALERTS_TRUSTED_PROXIES/);
    expect(configOf({ ALERTS_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
    ]);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
  ])('isLoopbackHost(%s) = %s', (h, want) => expect(isLoopbackHost(h)).toBe(want));
});

describe('token mode', () => {
  it('bearer: admin and viewer tokens; a wrong token is 401, never a fall-through to anonymous', () => {
    expect(authenticate(req({ authorization: `Bearer ${ADMIN}` }), token, now)).toMatchObject({
      ok: true,
      identity: { role: 'admin', via: 'bearer' },
    });
    expect(authenticate(req({ authorization: `bearer ${VIEWER}` }), token, now)).toMatchObject({
      ok: true,
      identity: { role: 'viewer' },
    });
    expect(authenticate(req({ authorization: `Bearer ${ADMIN}x` }), token, now)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(authenticate(req({ authorization: `Basic ${ADMIN}` }), token, now)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(authenticate(req({}), token, now)).toMatchObject({ ok: false, status: 401 });
    expect(bearerToken('Bearer  a b')).toBeUndefined();
  });

  it('sessions: signed per role, expire, and a forged or edited one is refused', () => {
    const admin = signSession('admin', token, now)!;
    const viewer = signSession('viewer', token, now)!;
    expect(verifySession(admin, token, now)?.role).toBe('admin');
    expect(verifySession(viewer, token, now)?.role).toBe('viewer');
    // every login is its own session (logout revokes one, not all)
    expect(verifySession(signSession('admin', token, now)!, token, now)?.id).not.toBe(
      verifySession(admin, token, now)?.id,
    );
    expect(verifySession(admin.replace('.admin.', '.viewer.'), token, now)).toBeUndefined();
    expect(verifySession(viewer.replace('.viewer.', '.admin.'), token, now)).toBeUndefined();
    const [v, role, exp, sid, mac] = admin.split('.');
    expect(verifySession(`${v}.${role}.${Number(exp) + 3600}.${sid}.${mac}`, token, now)).toBeUndefined();
    expect(verifySession(`${v}.${role}.${exp}.${'A'.repeat(22)}.${mac}`, token, now)).toBeUndefined();
    expect(verifySession(admin, token, new Date(now.getTime() + 13 * 3600_000))).toBeUndefined();
    // rotating the token ends its sessions
    expect(verifySession(admin, { ...token, adminToken: `${ADMIN}-rotated` }, now)).toBeUndefined();
    expect(authenticate(req({ cookie: `other=1; ${SESSION_COOKIE}=${admin}` }), token, now)).toMatchObject({
      ok: true,
      identity: { role: 'admin', via: 'session' },
    });
    expect(authenticate(req({ cookie: `${SESSION_COOKIE}=garbage` }), token, now)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(parseCookies('a=1; b = 2;c=3=4')).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
        ['c', '3=4'],
      ]),
    );
  });

  it('ignores proxy headers entirely (anyone can send them)', () => {
    expect(
      authenticate(req({ 'x-forwarded-user': 'boss', 'x-forwarded-groups': 'safety-admins' }), token, now),
    ).toMatchObject({ ok: false, status: 401 });
  });
});

describe('proxy mode', () => {
  it('believes the user and groups only from a trusted peer', () => {
    const h = { 'x-forwarded-user': 'kim@plant.example', 'x-forwarded-groups': 'staff, safety-ops' };
    expect(authenticate(req(h, '10.1.2.3'), proxy, now)).toMatchObject({
      ok: true,
      identity: { name: 'kim@plant.example', role: 'operator', via: 'proxy' },
    });
    expect(authenticate(req(h, '::ffff:10.1.2.3'), proxy, now)).toMatchObject({ ok: true });
    expect(authenticate(req(h, '10.2.0.1'), proxy, now)).toMatchObject({ ok: false, status: 401 });
    expect(authenticate(req(h, '127.0.0.1'), proxy, now)).toMatchObject({ ok: false, status: 401 });
    // one header family only (#28.1): the other is what a client can forge through the proxy
    const forged = { 'x-auth-request-user': 'lee', 'x-auth-request-groups': 'safety-admins' };
    expect(authenticate(req(forged, 'fd00::9'), proxy, now)).toMatchObject({ ok: false, status: 401 });
    expect(authenticate(req({ ...h, ...forged }, '10.1.2.3'), proxy, now)).toMatchObject({
      ok: true,
      identity: { name: 'kim@plant.example', role: 'operator' },
    });
    expect(authenticate(req(forged, 'fd00::9'), { ...proxy, proxyHeaders: 'x-auth-request' }, now)).toMatchObject({
      ok: true,
      identity: { name: 'lee', role: 'admin' },
    });
    expect(
      authenticate(
        req({ ...h, 'x-auth-request-user': 'lee' }, '10.1.2.3'),
        { ...proxy, proxyHeaders: 'x-auth-request' },
        now,
      ),
    ).toMatchObject({ ok: false, status: 403 }); // X-Forwarded-Groups is not read in this family
    // the name's length is checked once, here (#28.12)
    expect(authenticate(req({ 'x-forwarded-user': 'u'.repeat(101) }, '10.1.2.3'), proxy, now)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      authenticate(req({ 'x-forwarded-user': 'park', 'x-forwarded-groups': 'staff' }, '10.1.0.1'), proxy, now),
    ).toMatchObject({ ok: false, status: 403 });
    expect(authenticate(req({}, '10.1.0.1'), proxy, now)).toMatchObject({ ok: false, status: 401 });
    // a script behind the proxy may still use the admin token
    expect(authenticate(req({ authorization: `Bearer ${ADMIN}` }, '10.1.0.1'), proxy, now)).toMatchObject({
      ok: true,
      identity: { role: 'admin' },
    });
  });

  it('maps groups to the highest role; * is any signed-in user', () => {
    const g = { admin: ['a'], operator: ['o'], viewer: ['*'] };
    expect(roleFromGroups(['o', 'a'], g)).toBe('admin');
    expect(roleFromGroups(['o'], g)).toBe('operator');
    expect(roleFromGroups([], g)).toBe('viewer');
    expect(roleFromGroups([], { admin: [], operator: [], viewer: [] })).toBeUndefined();
    expect(inCidrs('10.1.255.255', ['10.1.0.0/16'])).toBe(true);
    expect(inCidrs('garbage', ['10.1.0.0/16'])).toBe(false);
  });
});

describe('authorize (roles + CSRF)', () => {
  const who = (role: Identity['role'], via: Identity['via'] = 'session'): Identity => ({ name: role, role, via });
  it('roles include the ones below', () => {
    expect(authorize(who('viewer'), 'viewer', { method: 'GET', contentType: undefined }).ok).toBe(true);
    expect(authorize(who('viewer'), 'operator', { method: 'POST', contentType: 'application/json' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(authorize(who('operator'), 'admin', { method: 'POST', contentType: 'application/json' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      authorize(who('admin'), 'operator', { method: 'POST', contentType: 'application/json; charset=utf-8' }).ok,
    ).toBe(true);
  });
  it('a state change riding on a cookie or proxy session must be JSON; a bearer header needs no proof', () => {
    for (const ct of [
      undefined,
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data',
      'application/jsonx',
    ]) {
      expect(authorize(who('admin'), 'operator', { method: 'POST', contentType: ct })).toMatchObject({
        ok: false,
        status: 415,
      });
      expect(authorize(who('admin', 'proxy'), 'operator', { method: 'DELETE', contentType: ct })).toMatchObject({
        ok: false,
        status: 415,
      });
    }
    expect(authorize(who('admin', 'bearer'), 'operator', { method: 'POST', contentType: undefined }).ok).toBe(true);
  });
});

describe('/readyz never shows the Redis password (it answers without a login)', () => {
  it.each([
    [
      'redis://:s3cret@redis.safety-hanta.svc.cluster.local:6379',
      'redis://:***@redis.safety-hanta.svc.cluster.local:6379',
    ],
    ['rediss://user:s3cret@r:6380/0', 'rediss://user:***@r:6380/0'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s', (url, shown) => {
    expect(withoutPassword(url)).toBe(shown);
    expect(withoutPassword(url)).not.toContain('s3cret');
  });
});
