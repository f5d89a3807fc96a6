import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { proxyIdentity, type ProxyHeaderFamily } from './proxy-identity';

/**
 * Access control of the dashboard and its API (issue #17), as pure decisions: who is asking
 * (token, session cookie, trusted proxy headers) and whether that role may do what it asks.
 * The HTTP side (cookies, 401 pages, the route guard) is in adapters/auth-http.ts.
 */

/** viewer: watch · operator: acknowledge, feedback · admin: cameras, zones. Each includes the ones before. */
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The authenticated caller; `name` is what an acknowledgement records. */
export interface Identity {
  readonly name: string;
  readonly role: Role;
  /** bearer header, session cookie, proxy headers, or nothing (auth off) */
  readonly via: 'bearer' | 'session' | 'proxy' | 'none';
  /** via session: which login (logout revokes it; live streams are counted by it). */
  readonly session?: { readonly id: string; readonly expiresAtMs: number };
}

export type AuthMode = 'token' | 'proxy' | 'none';

export interface AuthSettings {
  readonly mode: AuthMode;
  readonly adminToken?: string;
  readonly viewerToken?: string;
  /** proxy mode: CIDRs allowed to assert a user */
  readonly trustedProxies: readonly string[];
  readonly groups: {
    readonly admin: readonly string[];
    readonly operator: readonly string[];
    readonly viewer: readonly string[];
  };
  /** session lifetime. @default 12 h */
  readonly sessionSeconds?: number;
  /** proxy mode: the one header family that carries the user (proxy-identity.ts). @default x-forwarded */
  readonly proxyHeaders?: ProxyHeaderFamily;
  /** none mode: `Host` names served besides loopback ones (host-check.ts). */
  readonly allowedHosts?: readonly string[];
}

/** What the config says (ALERTS_AUTH…), before the bind address is known. */
export interface AuthConfig {
  readonly authMode: 'auto' | AuthMode;
  readonly authToken?: string | undefined;
  readonly viewerToken?: string | undefined;
  readonly trustedProxies: readonly string[];
  readonly proxyAdminGroups: readonly string[];
  readonly proxyOperatorGroups: readonly string[];
  readonly proxyViewerGroups: readonly string[];
  readonly proxyHeaders?: ProxyHeaderFamily;
  readonly allowedHosts?: readonly string[];
}

/** True for an interface only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Settles the mode. `auto`: token when a token is configured or the server is reachable beyond
 * loopback (then a token is required), otherwise none (a developer's own machine).
 * @returns the settings, or the reason the configuration cannot be served safely.
 */
export function resolveAuth(
  c: AuthConfig,
  bindHost: string,
): { ok: true; settings: AuthSettings } | { ok: false; reason: string } {
  const mode: AuthMode =
    c.authMode !== 'auto' ? c.authMode : c.authToken !== undefined || !isLoopbackHost(bindHost) ? 'token' : 'none';
  if (mode === 'token' && c.authToken === undefined) {
    return {
      ok: false,
      reason: `the dashboard binds ${bindHost}, beyond loopback, so it needs a token: set ALERTS_AUTH_TOKEN (e.g. \`openssl rand -base64 32\`, from a Secret in Kubernetes), or ALERTS_AUTH=proxy behind oauth2-proxy, or ALERTS_AUTH=none to run open on purpose`,
    };
  }
  if (mode === 'proxy' && c.trustedProxies.length === 0)
    return { ok: false, reason: 'ALERTS_AUTH=proxy needs ALERTS_TRUSTED_PROXIES (the proxy’s addresses or CIDRs)' };
  if (c.viewerToken !== undefined && c.viewerToken === c.authToken)
    return { ok: false, reason: 'ALERTS_VIEWER_TOKEN must differ from ALERTS_AUTH_TOKEN' };
  return {
    ok: true,
    settings: {
      mode,
      trustedProxies: c.trustedProxies,
      ...(c.authToken !== undefined ? { adminToken: c.authToken } : {}),
      ...(c.viewerToken !== undefined ? { viewerToken: c.viewerToken } : {}),
      groups: { admin: c.proxyAdminGroups, operator: c.proxyOperatorGroups, viewer: c.proxyViewerGroups },
      proxyHeaders: c.proxyHeaders ?? 'x-forwarded',
      allowedHosts: c.allowedHosts ?? [],
    },
  };
}

const digest = (s: string): Buffer => createHmac('sha256', 'safety-hanta token compare').update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal, so timingSafeEqual never throws). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The role a presented token grants, if any. */
export function roleOfToken(token: string, s: AuthSettings): Role | undefined {
  if (s.adminToken !== undefined && sameSecret(token, s.adminToken)) return 'admin';
  if (s.viewerToken !== undefined && sameSecret(token, s.viewerToken)) return 'viewer';
  return undefined;
}

/** `Authorization: Bearer <token>` → the token (RFC 6750 §2.1; the scheme is case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^\s*bearer\s+([\x21-\x7e]+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export const SESSION_COOKIE = 'sh_session';

/**
 * A session is `v2.<role>.<expires, unix s>.<session id>.<HMAC>` keyed by the role's token:
 * signed, so it works on every replica and survives restarts, and rotating a token ends its
 * sessions. The random id names one login, so logout can revoke exactly it (issue #28.11: the
 * adapter keeps revoked ids in Redis until they would have expired anyway).
 */
export function signSession(role: Role, s: AuthSettings, now: Date): string | undefined {
  const key = role === 'viewer' ? s.viewerToken : s.adminToken;
  if (key === undefined) return undefined;
  const expires = Math.floor(now.getTime() / 1000) + (s.sessionSeconds ?? 12 * 3600);
  const body = `v2.${role}.${expires}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** A valid session's role, login id and expiry; undefined for anything forged, expired or malformed. */
export function verifySession(
  cookie: string,
  s: AuthSettings,
  now: Date,
): { role: Role; id: string; expiresAtMs: number } | undefined {
  const m = /^v2\.(viewer|admin)\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!m) return undefined;
  const role = m[1] as Role;
  const key = role === 'viewer' ? s.viewerToken : s.adminToken;
  const expiresAtMs = Number(m[2]) * 1000;
  if (key === undefined || expiresAtMs <= now.getTime()) return undefined;
  const mac = createHmac('sha256', key).update(`v2.${role}.${m[2]}.${m[3]}`).digest();
  const given = Buffer.from(m[4] ?? '', 'base64url');
  return given.length === mac.length && timingSafeEqual(given, mac) ? { role, id: m[3] ?? '', expiresAtMs } : undefined;
}

/** `a=1; b=2` → map (first occurrence wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so IPv4 CIDRs match dual-stack sockets. */
export function normalizeAddress(addr: string): string {
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

export function inCidrs(address: string, cidrs: readonly string[]): boolean {
  const addr = normalizeAddress(address);
  const family = isIP(addr);
  if (family === 0) return false;
  const list = new BlockList();
  for (const c of cidrs) {
    const [a = '', bits] = c.split('/');
    const fam = a.includes(':') ? 'ipv6' : 'ipv4';
    list.addSubnet(a, bits === undefined ? (fam === 'ipv4' ? 32 : 128) : Number(bits), fam);
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

/** The highest role whose group list names one of the user's groups (`*` = any signed-in user). */
export function roleFromGroups(userGroups: readonly string[], groups: AuthSettings['groups']): Role | undefined {
  const member = (names: readonly string[]) => names.includes('*') || names.some((g) => userGroups.includes(g));
  if (member(groups.admin)) return 'admin';
  if (member(groups.operator)) return 'operator';
  if (member(groups.viewer)) return 'viewer';
  return undefined;
}

/** What authentication looks at in a request. Header names lower-case, as Node gives them. */
export interface AuthRequest {
  readonly remoteAddress: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type AuthDecision = { ok: true; identity: Identity } | { ok: false; status: 401 | 403 | 415; reason: string };

const header = (r: AuthRequest, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/**
 * Who is asking. Bearer tokens work in every mode that has tokens (scripts); the session cookie
 * in token mode; proxy headers only from a trusted peer — from anyone else they are ignored,
 * because any client can write `X-Forwarded-User: admin`.
 */
export function authenticate(r: AuthRequest, s: AuthSettings, now: Date): AuthDecision {
  if (s.mode === 'none') return { ok: true, identity: { name: 'anonymous (auth off)', role: 'admin', via: 'none' } };
  const authz = header(r, 'authorization');
  if (authz !== undefined && authz !== '') {
    const token = bearerToken(authz);
    const role = token === undefined ? undefined : roleOfToken(token, s);
    if (role) return { ok: true, identity: { name: `${role} token`, role, via: 'bearer' } };
    // a proxy may pass its own Authorization (the id token) along: only token mode insists
    if (s.mode === 'token') return { ok: false, status: 401, reason: 'wrong token in Authorization: Bearer' };
  }
  if (s.mode === 'token') {
    const cookie = parseCookies(header(r, 'cookie')).get(SESSION_COOKIE);
    const session = cookie === undefined ? undefined : verifySession(cookie, s, now);
    if (session)
      return {
        ok: true,
        identity: {
          name: `${session.role} session`,
          role: session.role,
          via: 'session',
          session: { id: session.id, expiresAtMs: session.expiresAtMs },
        },
      };
    return {
      ok: false,
      status: 401,
      reason:
        cookie === undefined
          ? 'log in: GET /login?token=… or send Authorization: Bearer <token>'
          : 'session expired or invalid: log in again',
    };
  }
  // proxy mode
  if (r.remoteAddress === undefined || !inCidrs(r.remoteAddress, s.trustedProxies)) {
    return { ok: false, status: 401, reason: 'not signed in: reach the dashboard through the authenticating proxy' };
  }
  // exactly one header family, the one the deployment's proxy sets and strips (proxy-identity.ts, #28.1)
  const asserted = proxyIdentity(r.headers, s.proxyHeaders ?? 'x-forwarded');
  if (!asserted.ok) return { ok: false, status: 401, reason: asserted.reason };
  const { user, groups: userGroups } = asserted;
  const role = roleFromGroups(userGroups, s.groups);
  if (!role) return { ok: false, status: 403, reason: `${user} is in none of the groups allowed here` };
  return { ok: true, identity: { name: user, role, via: 'proxy' } };
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * May this identity do this? Role first; then CSRF: a state-changing request riding on ambient
 * credentials (cookie, proxy session) must be JSON — a cross-site form or `<img>` cannot send
 * `Content-Type: application/json` without a CORS preflight, which we never grant. A bearer
 * header is never sent by a browser on its own, so it needs no such proof.
 */
export function authorize(
  identity: Identity,
  need: Role,
  req: { method: string; contentType: string | undefined },
): AuthDecision {
  if (!roleAllows(identity.role, need))
    return { ok: false, status: 403, reason: `${identity.name} is a ${identity.role}; this needs ${need}` };
  if (
    !SAFE_METHODS.has(req.method) &&
    identity.via !== 'bearer' &&
    !/^application\/json\s*(;|$)/i.test(req.contentType ?? '')
  ) {
    return {
      ok: false,
      status: 415,
      reason: 'state-changing requests must send Content-Type: application/json (or Authorization: Bearer)',
    };
  }
  return { ok: true, identity };
}
