import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Request, Response } from '../../../shared/src/http';
import {
  authenticate,
  authorize,
  roleOfToken,
  SESSION_COOKIE,
  signSession,
  type AuthDecision,
  type AuthSettings,
  type Identity,
  type Role,
} from '../core/auth';
import { hostAllowed } from '../core/host-check';
import { LoginThrottle } from '../core/login-throttle';
import type { SessionRevocations } from './session-revocations';

/**
 * The HTTP side of access control, in one place: every dashboard route (the page, `/api`,
 * `/clips`, `/thumbs`) goes through {@link HttpAuth.wrap}; a route needing more than the
 * default calls {@link requireRole}. Not wrapped (the shared HTTP layer answers them first, or
 * they are the Broker's): `/healthz`, `/readyz`, `/metrics`, the CloudEvent ingress `POST /`.
 */

/** Browser hardening for every dashboard answer. No inline script or style anywhere (DESIGN: CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    // the PWA (issue #24): the web app manifest and the service worker at /sw.js
    "manifest-src 'self'",
    "worker-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

type Routes = (req: Request, res: Response) => Promise<boolean> | boolean;

const identities = new WeakMap<IncomingMessage, Identity>();

/** The identity the guard established for this request (undefined outside a wrapped route). */
export function identityOf(req: IncomingMessage): Identity | undefined {
  return identities.get(req);
}

const SAFE = new Set(['GET', 'HEAD']);

/** Files that carry no data, served without a session: the login page's and the acknowledge-link page's look. */
const PUBLIC_ASSETS = new Set([
  '/assets/app.css',
  '/assets/favicon.svg',
  '/favicon.ico',
  '/assets/incident.css',
  '/manifest.webmanifest',
]);

function deny(
  req: IncomingMessage,
  res: ServerResponse,
  d: Extract<AuthDecision, { ok: false }>,
  mode: AuthSettings['mode'],
): void {
  const wantsPage = SAFE.has(req.method ?? '') && /^\/(index\.html)?(\?|$)/.test(req.url ?? '');
  if (wantsPage) return sendLoginPage(res, d.status, d.reason, mode);
  if (d.status === 401 && mode === 'token') res.setHeader('www-authenticate', 'Bearer realm="safety-hanta"');
  res.writeHead(d.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: d.reason }));
}

/**
 * A guard for a route that needs `role` (e.g. `requireRole('admin')` for `/api/cameras` writes,
 * `requireRole('operator')` for feedback). Answers 401/403/415 itself and returns undefined, or
 * returns the caller's identity:
 *
 *     const who = requireRole('admin')(req, res);
 *     if (!who) return true;
 */
export function requireRole(role: Role): (req: IncomingMessage, res: ServerResponse) => Identity | undefined {
  return (req, res) => {
    const identity = identities.get(req);
    if (!identity) {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'not authenticated' }));
      return undefined;
    }
    const d = authorize(identity, role, { method: req.method ?? 'GET', contentType: req.headers['content-type'] });
    if (d.ok) return identity;
    deny(req, res, d, 'proxy'); // never a login page for an authenticated caller
    return undefined;
  };
}

export interface HttpAuth {
  readonly settings: AuthSettings;
  /** Wraps the dashboard routes: security headers, /login, /logout, then authentication and the default role. */
  wrap(routes: Routes): Routes;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendLoginPage(res: ServerResponse, status: number, message: string, mode: AuthSettings['mode']): void {
  const form =
    mode === 'token'
      ? `<form method="get" action="/login" class="login-form">
      <label for="token">접속 토큰 · access token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      <button type="submit" class="ack-btn">로그인 · log in</button>
    </form>
    <p class="login-hint">The token is in the <code>npm start</code> output (the <code>/login?token=…</code> line) or in the <code>alerts-auth</code> Secret.</p>`
      : '<p class="login-hint">Sign in through your organisation’s login (the proxy in front of this dashboard).</p>';
  const body = `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Safety-Hanta · 로그인</title><link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="login"><main class="login-card">
  <h1>Safety-Hanta <span class="en">안전 관제 · log in</span></h1>
  <p class="login-error" role="alert">${escapeHtml(message)}</p>
  ${form}
</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sessionCookie(value: string, maxAge: number, req: IncomingMessage): string {
  // Secure only when the browser reached us over https (a TLS proxy says so); on http://localhost it would be dropped by some browsers.
  const https =
    (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${https ? '; Secure' : ''}`;
}

/** Checks the sender identity of CloudEvent deliveries (OidcVerifier, when EVENTS_OIDC_AUDIENCE is set). */
export interface EventSenderCheck {
  check(authorization: string | undefined): Promise<{ ok: true } | { ok: false; reason: string; retry?: boolean }>;
}

export interface HttpAuthOptions {
  readonly now?: () => Date;
  readonly events?: EventSenderCheck;
  /** Logout revokes the session here; without it a logged-out cookie stays valid until it expires. */
  readonly revocations?: SessionRevocations;
  /** Wrong tokens per client (issue #28.8). @default a LoginThrottle with its defaults */
  readonly throttle?: LoginThrottle;
  /** Counts every wrong token (the metric). */
  readonly onWrongToken?: () => void;
}

/** One summary line about wrong tokens at most this often, whatever the rate (issue #28.8). */
const WRONG_TOKEN_LOG_INTERVAL_MS = 60_000;

export function createHttpAuth(settings: AuthSettings, logger: Logger, opts: HttpAuthOptions = {}): HttpAuth {
  const now = opts.now ?? (() => new Date());
  const events = opts.events;
  const sessionSeconds = settings.sessionSeconds ?? 12 * 3600;
  const throttle = opts.throttle ?? new LoginThrottle();
  let wrongTokenLoggedAt = -Infinity;
  const client = (req: IncomingMessage): string => req.socket.remoteAddress ?? '';
  const wrongToken = (req: IncomingMessage, how: string): void => {
    const t = now().getTime();
    throttle.failed(client(req), t);
    opts.onWrongToken?.();
    if (t - wrongTokenLoggedAt < WRONG_TOKEN_LOG_INTERVAL_MS) return;
    wrongTokenLoggedAt = t;
    const s = throttle.takeSummary();
    logger.warn(
      { how, from: client(req), wrongTokens: s.failures, clients: s.clients, refused: s.refused },
      `wrong tokens: ${s.failures} from ${s.clients} client(s) since the last such line (at most one a minute)`,
    );
  };
  /** 429 while the client is throttled; true when answered. */
  const throttled = (req: IncomingMessage, res: ServerResponse): boolean => {
    const wait = throttle.retryAfterSeconds(client(req), now().getTime());
    if (wait === undefined) return false;
    res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait) });
    res.end(JSON.stringify({ error: `too many wrong tokens; retry in ${wait} s` }));
    return true;
  };
  const login = (req: Request, res: Response): void => {
    if (settings.mode !== 'token') return void res.redirect(303, '/');
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token === undefined) return sendLoginPage(res, 200, '로그인이 필요합니다 · please log in', settings.mode);
    if (throttled(req, res)) return;
    const role = roleOfToken(token, settings);
    if (!role) {
      wrongToken(req, 'login');
      return sendLoginPage(res, 401, '토큰이 틀립니다 · wrong token', settings.mode);
    }
    throttle.succeeded(client(req));
    const cookie = signSession(role, settings, now());
    if (!cookie) return sendLoginPage(res, 401, 'this token cannot open a session', settings.mode);
    res.setHeader('set-cookie', sessionCookie(cookie, sessionSeconds, req));
    res.setHeader('cache-control', 'no-store');
    res.redirect(303, '/'); // the token leaves the address bar at once
  };

  return {
    settings,
    wrap: (routes) => async (req, res) => {
      if (req.method === 'POST' && req.path === '/') {
        // CloudEvent ingress: no dashboard login (the Broker calls it); with EVENTS_OIDC_AUDIENCE,
        // Knative's sender-identity token instead. 503 when the issuer cannot be reached: the Broker retries.
        if (!events) return false;
        const sender = await events.check(req.headers.authorization);
        if (sender.ok) return false;
        logger.warn(
          { reason: sender.reason, from: req.socket.remoteAddress },
          'CloudEvent refused: sender not verified',
        );
        res.status(sender.retry ? 503 : 401).json({ error: sender.reason });
        return true;
      }
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      // no login at all: only this machine's own names, or a rebound hostile page is same-origin (#28.7)
      if (settings.mode === 'none' && !hostAllowed(req.headers.host, settings.allowedHosts ?? [])) {
        res.status(403).json({ error: 'Host not allowed: with ALERTS_AUTH=none add it to ALERTS_ALLOWED_HOSTS' });
        return true;
      }
      const get = SAFE.has(req.method);
      if (get && req.path === '/login') return (login(req, res), true);
      if (get && req.path === '/logout') {
        const who = authenticate({ remoteAddress: req.socket.remoteAddress, headers: req.headers }, settings, now());
        const session = who.ok ? who.identity.session : undefined;
        if (session && opts.revocations) await opts.revocations.revoke(session.id, session.expiresAtMs);
        res.setHeader('set-cookie', sessionCookie('', 0, req));
        return (res.redirect(303, settings.mode === 'token' ? '/login' : '/'), true);
      }
      // the stylesheet and icon of the login page carry no data
      // (and of the signed acknowledge-link page, which a recipient opens without a session)
      if (get && PUBLIC_ASSETS.has(req.path)) return routes(req, res);
      const bearer = settings.mode === 'token' && (req.headers.authorization ?? '') !== '';
      if (bearer && throttled(req, res)) return true;
      const who = authenticate({ remoteAddress: req.socket.remoteAddress, headers: req.headers }, settings, now());
      if (!who.ok) {
        if (bearer) wrongToken(req, 'bearer');
        return (deny(req, res, who, settings.mode), true);
      }
      const session = who.identity.session;
      if (session && opts.revocations && (await opts.revocations.isRevoked(session.id)))
        return (deny(req, res, { ok: false, status: 401, reason: 'logged out: log in again' }, settings.mode), true);
      // reads need viewer; anything else at least operator (routes raise it with requireRole, e.g. admin for cameras)
      const allowed = authorize(who.identity, get ? 'viewer' : 'operator', {
        method: req.method,
        contentType: req.headers['content-type'],
      });
      if (!allowed.ok) return (deny(req, res, allowed, settings.mode), true);
      identities.set(req, who.identity);
      return routes(req, res);
    },
  };
}
