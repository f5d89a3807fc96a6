import { IDENTITY_MAX_CHARS } from '../../../shared/src/identity';

/**
 * Which request headers carry the signed-in user in proxy mode (issue #28.1). Exactly one family
 * is read, never a fallback to the other: a proxy removes from the client's request only the
 * headers it sets itself, so the family it does not set passes through from the client untouched.
 *
 * - `x-forwarded` (default): oauth2-proxy in reverse-proxy mode with `--pass-user-headers`. It
 *   strips the client's `X-Forwarded-User`/`-Groups`/`-Email`/`-Preferred-Username` and sets its
 *   own (oauth2-proxy `pkg/middleware/headers.go` `newStripHeaders`/`stripHeaders`: every injected
 *   header without `PreserveRequestValue` is deleted from the request first;
 *   `pkg/apis/options/legacy_options.go` `getPassUserHeaders` lists them). Its
 *   `X-Auth-Request-*` headers are *response* headers (`getXAuthRequestHeaders`, only with
 *   `--set-xauthrequest`), so a client's `X-Auth-Request-*` request headers reach us as sent.
 * - `x-auth-request`: nginx `auth_request` in front, copying oauth2-proxy's answer onto the
 *   upstream request with `auth_request_set $user $upstream_http_x_auth_request_user;` and
 *   `proxy_set_header X-Auth-Request-User $user;` (proxy_set_header replaces the client's value;
 *   oauth2-proxy docs, configuration/integration, "Configuring for use with the Nginx
 *   auth_request directive"). docs/deploy.md §7 shows both.
 */
export const PROXY_HEADER_FAMILIES = ['x-forwarded', 'x-auth-request'] as const;
export type ProxyHeaderFamily = (typeof PROXY_HEADER_FAMILIES)[number];

const HEADER_NAMES: Readonly<Record<ProxyHeaderFamily, { readonly user: string; readonly groups: string }>> = {
  'x-forwarded': { user: 'x-forwarded-user', groups: 'x-forwarded-groups' },
  'x-auth-request': { user: 'x-auth-request-user', groups: 'x-auth-request-groups' },
};

export type ProxyIdentity =
  | { readonly ok: true; readonly user: string; readonly groups: readonly string[] }
  | { readonly ok: false; readonly reason: string };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const joined = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

/** C0/C1 controls and the invisible/bidi format characters: none belongs in a user name. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/**
 * The user and groups the proxy asserted, from the configured family only. The name's length is
 * checked here, once, against the bound every stored record uses (IDENTITY_MAX_CHARS), so a
 * request is never accepted whose record would later be dropped (issue #28.12).
 */
export function proxyIdentity(headers: Headers, family: ProxyHeaderFamily): ProxyIdentity {
  const names = HEADER_NAMES[family];
  const raw = headers[names.user];
  if (Array.isArray(raw) && raw.length > 1) return { ok: false, reason: `the proxy sent ${names.user} twice` };
  const user = joined(raw)?.trim();
  if (!user) return { ok: false, reason: `the proxy sent no user (${names.user})` };
  if (user.length > IDENTITY_MAX_CHARS)
    return { ok: false, reason: `the user name is longer than ${IDENTITY_MAX_CHARS} characters` };
  if (UNPRINTABLE.test(user)) return { ok: false, reason: 'the user name holds control or invisible characters' };
  const groups = (joined(headers[names.groups]) ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  return { ok: true, user, groups };
}
