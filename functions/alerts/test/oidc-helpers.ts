import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A signing key as a Kubernetes API server would hold it, with its public JWK. */
export function signingKey(
  kind: 'rsa' | 'ec',
  kid: string,
): { kid: string; priv: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    priv: privateKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: kind === 'rsa' ? 'RS256' : 'ES256' },
  };
}

/** A service-account-style JWT. */
export function jwt(
  key: { kid: string; priv: KeyObject },
  claims: Record<string, unknown>,
  alg = key.priv.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256',
): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg, kid: key.kid, typ: 'JWT' })}.${enc(claims)}`;
  const sig = sign(
    'sha256',
    Buffer.from(input),
    alg === 'ES256' ? { key: key.priv, dsaEncoding: 'ieee-p1363' } : key.priv,
  );
  return `${input}.${sig.toString('base64url')}`;
}
