import { verifyJwt } from '../src/core/oidc';
import { jwt, signingKey } from './oidc-helpers';

const ISS = 'https://kubernetes.default.svc.cluster.local';
const AUD = 'safety-hanta-alerts';
const now = new Date('2026-12-02T07:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const rsa = signingKey('rsa', 'k1');
const ec = signingKey('ec', 'k2');
const jwks = { keys: [rsa.jwk, ec.jwk] };
const good = {
  iss: ISS,
  aud: [AUD],
  sub: 'system:serviceaccount:safety-hanta:alerts-trigger-oidc',
  exp: t + 600,
  nbf: t - 10,
};
const want = { issuer: ISS, audience: AUD, now };

describe('Knative Eventing OIDC tokens (sender identity)', () => {
  it('accepts RS256 and ES256 service-account tokens for our audience', () => {
    expect(verifyJwt(jwt(rsa, good), jwks, want)).toEqual({ ok: true, subject: good.sub });
    expect(verifyJwt(jwt(ec, good), jwks, want)).toEqual({ ok: true, subject: good.sub });
    expect(verifyJwt(jwt(rsa, { ...good, aud: AUD }), jwks, want).ok).toBe(true);
  });

  it.each([
    ['another audience', jwt(rsa, { ...good, aud: ['mt-broker-filter'] }), /audience/],
    ['another issuer', jwt(rsa, { ...good, iss: 'https://evil.example' }), /issuer/],
    ['expired', jwt(rsa, { ...good, exp: t - 120 }), /expired/],
    ['no exp', jwt(rsa, { ...good, exp: undefined }), /expired/],
    ['not yet valid', jwt(rsa, { ...good, nbf: t + 600 }), /not valid yet/],
    [
      'alg none',
      `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
      /not accepted/,
    ],
    ['HS256 with the public key as secret', jwt(rsa, good, 'HS256'), /not accepted/],
    ['an unknown key', jwt(signingKey('rsa', 'k9'), good), /unknown key/],
    ['a known kid, another key', jwt({ kid: 'k1', priv: signingKey('rsa', 'x').priv }, good), /bad signature/],
    ['ES256 header on an RSA key', jwt({ kid: 'k1', priv: rsa.priv }, good, 'ES256'), /bad signature/],
    [
      'edited claims',
      (() => {
        const [h, , s] = jwt(rsa, good).split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...good, sub: 'admin' })).toString('base64url')}.${s}`;
      })(),
      /bad signature/,
    ],
    ['garbage', 'a.b.c', /not a JWT/],
  ])('refuses %s', (_name, token, reason) => {
    const r = verifyJwt(token, jwks, want);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });
});
