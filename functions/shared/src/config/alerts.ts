import { z } from 'zod';
import { BlockList } from 'node:net';
import { envVar, int, optional, url, type Section } from './define';

/** A comma-separated list (empty = none), trimmed. */
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

/** `10.0.0.0/8, 192.168.1.7` → CIDRs (a bare address is a /32 or /128); every entry must parse. */
const cidrs = list.refine((entries) =>
  entries.every((e) => {
    const [addr = '', bits] = e.split('/');
    const family = addr.includes(':') ? 'ipv6' : 'ipv4';
    try {
      new BlockList().addSubnet(addr, bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits), family);
      return bits === undefined || /^\d{1,3}$/.test(bits);
    } catch {
      return false;
    }
  }),
);

const secret = optional(
  z
    .string()
    .min(16)
    .max(512)
    .regex(/^[\x21-\x7e]+$/),
);

/** Variables owned by the alerts function (store + dashboard). */
export const alerts = {
  recentVerdicts: envVar('ALERTS_RECENT_VERDICTS', {
    schema: int(10, 100000),
    default: '500',
    expected: 'an integer ≥ 10',
    doc: 'recent verdicts kept for the dashboard',
  }),
  maxIncidents: envVar('ALERTS_MAX_INCIDENTS', {
    schema: int(10, 1000000),
    default: '5000',
    expected: 'an integer ≥ 10',
    doc: 'incidents kept in Redis; beyond it the oldest are dropped (open ones are always shown)',
  }),
  pollMs: envVar('ALERTS_POLL_MS', {
    schema: int(200, 60000),
    default: '2000',
    expected: 'milliseconds, 200–60000',
    doc: 'how often the dashboard counters (queue depth, throughput, cameras, latest clips) are refreshed and pushed',
  }),
  heartbeatMs: envVar('ALERTS_SSE_HEARTBEAT_MS', {
    schema: int(1000, 300000),
    default: '15000',
    expected: 'milliseconds, 1000–300000',
    doc: 'interval of the SSE heartbeat comment on /api/stream (keeps proxies from closing idle streams)',
  }),
  thumbIntervalMs: envVar('ALERTS_THUMB_INTERVAL_MS', {
    schema: int(0, 3600000),
    default: '10000',
    expected: 'milliseconds, 0–3600000',
    doc: 'a camera tile’s thumbnail moves to a newer clip at most this often (each move costs one ffmpeg run, ≈0.09 CPU-s)',
  }),
  unobservedResolveSeconds: envVar('ALERTS_UNOBSERVED_RESOLVE_SECONDS', {
    schema: int(0, 86400),
    default: '300',
    expected: 'an integer number of seconds, 0–86400',
    doc: 'an open incident whose camera gives no verdict for CAMERA_OFFLINE_SECONDS + 2 × SEGMENT_SECONDS is marked unobserved; this much later it is resolved with reason `unobserved` (issue #28.4). Inference reads it too, to close such an incident when the camera returns',
  }),
  kedaListLength: envVar('KEDA_LIST_LENGTH', {
    schema: int(1, 100000),
    default: '186',
    expected: 'an integer ≥ 1',
    doc: 'queued clips per inference replica (same as the ScaledObject’s listLength; docs/deploy.md §6, `npm run size`: μ 24.2 clips/s × 7.7 s wait)',
  }),
  kedaActivationListLength: envVar('KEDA_ACTIVATION_LIST_LENGTH', {
    schema: int(0, 100000),
    default: '0',
    expected: 'an integer ≥ 0',
    doc: 'activationListLength of the ScaledObject’s redis trigger (KEDA’s default is 0)',
  }),
  kedaInFlightLength: envVar('KEDA_IN_FLIGHT_LENGTH', {
    schema: int(1, 100000),
    default: '56',
    expected: 'an integer ≥ 1',
    doc: 'claimed (in-flight) clips per inference replica (listLength of the ScaledObject’s second redis trigger, on the claimed set; docs/deploy.md §6, `npm run size`: μ × (1.3 s service + 1 s preparation))',
  }),
  kedaActivationInFlightLength: envVar('KEDA_ACTIVATION_IN_FLIGHT_LENGTH', {
    schema: int(0, 100000),
    default: '0',
    expected: 'an integer ≥ 0',
    doc: 'activationListLength of the in-flight trigger',
  }),
  kedaMinReplicas: envVar('KEDA_MIN_REPLICAS', {
    schema: int(0, 1000),
    default: '1',
    expected: 'an integer ≥ 0',
    doc: 'minReplicaCount of the ScaledObject',
  }),
  kedaMaxReplicas: envVar('KEDA_MAX_REPLICAS', {
    schema: int(1, 1000),
    default: '8',
    expected: 'an integer ≥ 1',
    doc: 'maxReplicaCount of the ScaledObject',
  }),
  // --- access control (issue #17): see functions/alerts/src/core/auth.ts and docs/deploy.md §7
  authMode: envVar('ALERTS_AUTH', {
    schema: z.enum(['auto', 'token', 'proxy', 'none']),
    default: 'auto',
    expected: 'auto|token|proxy|none',
    doc: 'dashboard/API access control: `auto` = token when ALERTS_AUTH_TOKEN is set or the server binds beyond loopback, else none; `proxy` = trust an authenticating proxy (oauth2-proxy) from ALERTS_TRUSTED_PROXIES',
  }),
  authToken: envVar('ALERTS_AUTH_TOKEN', {
    schema: secret,
    expected: '16–512 printable characters, no spaces',
    doc: 'admin token (from a Secret): `GET /login?token=…` or `Authorization: Bearer …`; `npm start` generates one and prints the login URL',
  }),
  viewerToken: envVar('ALERTS_VIEWER_TOKEN', {
    schema: secret,
    expected: '16–512 printable characters, no spaces',
    doc: 'optional read-only token (wall screens): watch, never acknowledge or edit',
  }),
  trustedProxies: envVar('ALERTS_TRUSTED_PROXIES', {
    schema: cidrs,
    expected: 'comma-separated CIDRs or addresses',
    doc: 'proxy mode: peers whose user headers (ALERTS_PROXY_HEADERS) are believed (anyone else gets 401)',
  }),
  proxyAdminGroups: envVar('ALERTS_PROXY_ADMIN_GROUPS', {
    schema: list,
    expected: 'comma-separated group names (`*` = any signed-in user)',
    doc: 'proxy mode: groups whose members are admins (cameras, zones)',
  }),
  proxyOperatorGroups: envVar('ALERTS_PROXY_OPERATOR_GROUPS', {
    schema: list,
    expected: 'comma-separated group names (`*` = any signed-in user)',
    doc: 'proxy mode: groups whose members are operators (acknowledge, feedback)',
  }),
  proxyViewerGroups: envVar('ALERTS_PROXY_VIEWER_GROUPS', {
    schema: list,
    default: '*',
    expected: 'comma-separated group names (`*` = any signed-in user)',
    doc: 'proxy mode: groups whose members may watch',
  }),
  proxyHeaders: envVar('ALERTS_PROXY_HEADERS', {
    schema: z.enum(['x-forwarded', 'x-auth-request']),
    default: 'x-forwarded',
    expected: 'x-forwarded|x-auth-request',
    doc: 'proxy mode: the one header pair that names the user, never the other (docs/deploy.md §7): `x-forwarded` = X-Forwarded-User/-Groups, which oauth2-proxy sets and strips with --pass-user-headers; `x-auth-request` = X-Auth-Request-User/-Groups, which an nginx auth_request front must overwrite with proxy_set_header',
  }),
  allowedHosts: envVar('ALERTS_ALLOWED_HOSTS', {
    schema: list,
    expected: 'comma-separated host names',
    doc: 'ALERTS_AUTH=none: `Host` names served besides localhost, 127.0.0.0/8 and [::1] (DNS-rebinding guard); every other Host gets 403',
  }),
  sseMaxStreams: envVar('ALERTS_SSE_MAX_STREAMS', {
    schema: int(1, 100000),
    default: '200',
    expected: 'an integer ≥ 1',
    doc: 'open /api/stream connections in total; beyond it 429',
  }),
  sseMaxPerClient: envVar('ALERTS_SSE_MAX_PER_CLIENT', {
    schema: int(1, 10000),
    default: '8',
    expected: 'an integer ≥ 1',
    doc: 'open /api/stream connections per login session (cookie), token (bearer), proxy user, or address (auth off); beyond it 429',
  }),
  headersTimeoutMs: envVar('ALERTS_HEADERS_TIMEOUT_MS', {
    schema: int(1000, 600000),
    default: '10000',
    expected: 'milliseconds, 1000–600000',
    doc: 'a client must send its request headers within this (slow-loris bound; exact for a connection’s first request, Node’s own 30 s check for later keep-alive ones)',
  }),
  requestTimeoutMs: envVar('ALERTS_REQUEST_TIMEOUT_MS', {
    schema: int(1000, 600000),
    default: '30000',
    expected: 'milliseconds, 1000–600000',
    doc: 'a client must send its whole request within this (answers are not bounded: SSE streams stay open)',
  }),
  redisTimeoutMs: envVar('ALERTS_REDIS_TIMEOUT_MS', {
    schema: int(100, 60000),
    default: '2000',
    expected: 'milliseconds, 100–60000',
    doc: 'a Redis command of the alerts function that gets no answer within this fails, and the API answers 503 (a frozen Redis; a Redis that is down gets 503 at once)',
  }),
  thumbTimeoutMs: envVar('ALERTS_THUMB_TIMEOUT_MS', {
    schema: int(500, 600000),
    default: '10000',
    expected: 'milliseconds, 500–600000',
    doc: 'a thumbnail ffmpeg run is killed after this',
  }),
  thumbQueue: envVar('ALERTS_THUMB_QUEUE', {
    schema: int(0, 10000),
    default: '16',
    expected: 'an integer ≥ 0',
    doc: 'thumbnail extractions waiting for an ffmpeg slot; beyond it 503 with Retry-After',
  }),
  eventsOidcAudience: envVar('EVENTS_OIDC_AUDIENCE', {
    schema: optional(z.string().min(1).max(512)),
    expected: 'the audience set in the Triggers’ spec.subscriber.audience',
    doc: 'when set, CloudEvents on POST / must carry a Knative Eventing OIDC token (sender identity) for this audience; unset = the ingress is guarded by NetworkPolicy only',
  }),
  eventsOidcDiscoveryUrl: envVar('EVENTS_OIDC_DISCOVERY_URL', {
    schema: url(['http', 'https']),
    default: 'https://kubernetes.default.svc/.well-known/openid-configuration',
    expected: 'an http(s):// URL',
    doc: 'the cluster’s service-account issuer discovery document (its jwks_uri gives the keys); fetched with the pod’s service-account token and CA',
  }),
} satisfies Section;
