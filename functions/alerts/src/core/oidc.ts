import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

/**
 * Verifying Knative Eventing's sender-identity tokens (OIDC, `authentication-oidc: enabled`):
 * the broker filter sends `Authorization: Bearer <JWT>`, a Kubernetes service-account token for
 * the audience in the Trigger's `spec.subscriber.audience`
 * (https://knative.dev/docs/eventing/features/sender-identity/; https://github.com/knative/eventing/pull/7476).
 * Receivers check it as Knative's own do (knative-extensions/eventing-kafka-broker
 * data-plane/core/.../oidc/TokenVerifierImpl.java: JWKS from the cluster's discovery document,
 * expected audience, expected issuer). Pure: keys and time are passed in.
 */

export interface Jwks {
  readonly keys: readonly (JsonWebKey & { kid?: string; alg?: string; use?: string })[];
}

export interface JwtExpectations {
  readonly issuer: string;
  readonly audience: string;
  readonly now: Date;
  /** Clock skew allowed on exp/nbf. @default 60 s */
  readonly leewaySeconds?: number;
}

export type JwtResult = { ok: true; subject: string } | { ok: false; reason: string; unknownKey?: boolean };

const b64 = (s: string): Buffer => Buffer.from(s, 'base64url');

function json(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(b64(part).toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// RS256 and ES256: what Kubernetes signs service-account tokens with (RSA or ECDSA P-256 keys).
const ALGS: Record<string, { hash: string; ec: boolean }> = {
  RS256: { hash: 'sha256', ec: false },
  ES256: { hash: 'sha256', ec: true },
};

/** Checks signature, issuer, audience, expiry. `unknownKey` asks the caller to refresh its keys once. */
export function verifyJwt(token: string, jwks: Jwks, want: JwtExpectations): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 16_384) return { ok: false, reason: 'not a JWT' };
  const [h = '', p = '', s = ''] = parts;
  const header = json(h);
  const claims = json(p);
  if (!header || !claims) return { ok: false, reason: 'not a JWT' };
  const alg = ALGS[String(header.alg)];
  if (!alg) return { ok: false, reason: `algorithm ${String(header.alg)} not accepted` }; // never "none", never HS*
  const candidates = jwks.keys.filter(
    (k) => (header.kid === undefined || k.kid === header.kid) && (k.use === undefined || k.use === 'sig'),
  );
  if (candidates.length === 0) return { ok: false, reason: 'signed with an unknown key', unknownKey: true };
  const signed = Buffer.from(`${h}.${p}`);
  const signature = b64(s);
  const good = candidates.some((k) => {
    try {
      const key = createPublicKey({ key: k, format: 'jwk' });
      if ((key.asymmetricKeyType === 'ec') !== alg.ec) return false;
      return verify(alg.hash, signed, alg.ec ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    } catch {
      return false;
    }
  });
  if (!good) return { ok: false, reason: 'bad signature' };
  const nowS = Math.floor(want.now.getTime() / 1000);
  const leeway = want.leewaySeconds ?? 60;
  if (claims.iss !== want.issuer) return { ok: false, reason: `issuer ${String(claims.iss)} is not ${want.issuer}` };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(want.audience)) return { ok: false, reason: `token is not for audience ${want.audience}` };
  if (typeof claims.exp !== 'number' || claims.exp + leeway < nowS) return { ok: false, reason: 'token expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > nowS) return { ok: false, reason: 'token not valid yet' };
  return { ok: true, subject: typeof claims.sub === 'string' ? claims.sub : '' };
}
