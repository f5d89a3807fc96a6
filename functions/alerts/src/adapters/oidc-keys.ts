import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { verifyJwt, type Jwks, type JwtResult } from '../core/oidc';

/** Where a pod finds the cluster's CA and its own token (mounted by Kubernetes). */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface OidcVerifierOptions {
  /** The cluster's discovery document (Kubernetes service-account issuer discovery). */
  readonly discoveryUrl: string;
  readonly audience: string;
  /** CA bundle for https (default: the pod's service-account CA, when mounted). */
  readonly caFile?: string;
  /** Bearer token for the discovery request (default: the pod's service-account token, when mounted). */
  readonly tokenFile?: string;
  readonly timeoutMs?: number;
  /** Keys are fetched again for an unknown key id at most this often. @default 30000 */
  readonly minRefreshMs?: number;
}

const readIfThere = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

function getJson(url: string, opts: OidcVerifierOptions): Promise<Record<string, unknown>> {
  const u = new URL(url);
  const ca = u.protocol === 'https:' ? readIfThere(opts.caFile ?? `${SA_DIR}/ca.crt`) : undefined;
  const token = readIfThere(opts.tokenFile ?? `${SA_DIR}/token`);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      u,
      {
        timeout: opts.timeoutMs ?? 5000,
        ...(ca ? { ca } : {}),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) =>
          body.length < 1_000_000 ? (body += d) : req.destroy(new Error('answer too large')),
        );
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}`));
          try {
            resolve(JSON.parse(body) as Record<string, unknown>);
          } catch {
            reject(new Error(`${url} did not answer JSON`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer in time`)));
    req.on('error', reject);
  });
}

/**
 * Verifies the Bearer token of a CloudEvent delivery against the cluster's service-account
 * issuer, like Knative's receivers do (knative-extensions/eventing-kafka-broker
 * data-plane/core/src/main/java/dev/knative/eventing/kafka/broker/core/oidc/OIDCDiscoveryConfig.java:
 * GET `https://kubernetes.default.svc/.well-known/openid-configuration` with the pod's token and
 * CA, then its `jwks_uri`; issuer from the discovery document). Keys are cached and fetched
 * again when a token names a key we do not have (rotation), at most every 30 s.
 */
export class OidcVerifier {
  private keys: { issuer: string; jwks: Jwks } | undefined;
  private loading: Promise<void> | undefined;
  private lastLoad = 0;

  constructor(private readonly opts: OidcVerifierOptions) {}

  private load(): Promise<void> {
    return (this.loading ??= (async () => {
      try {
        this.lastLoad = Date.now();
        const discovery = await getJson(this.opts.discoveryUrl, this.opts);
        if (typeof discovery.issuer !== 'string' || typeof discovery.jwks_uri !== 'string')
          throw new Error('discovery document lacks issuer or jwks_uri');
        const jwks = await getJson(discovery.jwks_uri, this.opts);
        if (!Array.isArray(jwks.keys)) throw new Error('JWKS lacks keys');
        this.keys = { issuer: discovery.issuer, jwks: jwks as unknown as Jwks };
      } finally {
        this.loading = undefined;
      }
    })());
  }

  /** `Authorization` header → verdict. Network trouble reaching the issuer is a `retry` (503: the Broker redelivers). */
  async check(authorization: string | undefined): Promise<JwtResult | { ok: false; reason: string; retry: true }> {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m?.[1]) return { ok: false, reason: 'CloudEvent deliveries must carry an OIDC token (Authorization: Bearer)' };
    try {
      if (!this.keys) await this.load();
      const verdict = () =>
        verifyJwt(m[1]!, this.keys!.jwks, { issuer: this.keys!.issuer, audience: this.opts.audience, now: new Date() });
      let r = verdict();
      if (!r.ok && r.unknownKey && Date.now() - this.lastLoad >= (this.opts.minRefreshMs ?? 30_000)) {
        await this.load();
        r = verdict();
      }
      return r;
    } catch (err) {
      return { ok: false, reason: `cannot fetch the cluster's OIDC keys: ${(err as Error).message}`, retry: true };
    }
  }
}
