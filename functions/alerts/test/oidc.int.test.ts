/**
 * CloudEvent ingress with EVENTS_OIDC_AUDIENCE set, against a stand-in Kubernetes API server
 * (mocked: there is no cluster here) serving the service-account issuer discovery document and
 * its JWKS, as kube-apiserver does at /.well-known/openid-configuration and /openid/v1/jwks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../shared/src/net';
import { OidcVerifier } from '../src/adapters/oidc-keys';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, EventType, testEnv } from './helpers';
import { jwt, signingKey } from './oidc-helpers';
import { CloudEvent, HTTP } from 'cloudevents';
import { randomUUID } from 'node:crypto';

jest.setTimeout(30_000);

const AUD = 'safety-hanta-alerts';

describe('CloudEvent ingress verifies Knative OIDC sender tokens (stand-in Kubernetes API server, mocked)', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts | undefined;
  let apiserver: http.Server;
  let issuer = '';
  let keys = [signingKey('rsa', 'k1')];
  let served = 0;

  /** An alert.raised CloudEvent (binary mode) to `url`, with `authorization` when given. */
  const post = async (authorization?: string, url = alerts!.url) => {
    const ce = new CloudEvent({
      id: randomUUID(),
      type: EventType.alertRaised,
      source: '/cameras/cam1',
      datacontenttype: 'application/json',
      data: alertData(),
    });
    const msg = HTTP.binary(ce);
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...(msg.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
      body: msg.body as string,
    });
    return { status: res.status, body: await res.text() };
  };
  const claims = () => ({
    iss: issuer,
    aud: [AUD],
    sub: 'system:serviceaccount:safety-hanta:alerts-trigger',
    exp: Math.floor(Date.now() / 1000) + 300,
  });

  beforeAll(async () => {
    apiserver = http.createServer((req, res) => {
      served++;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration')
        return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/openid/v1/jwks` }));
      if (req.url === '/openid/v1/jwks') return void res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => apiserver.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(apiserver.address() as AddressInfo).port}`;
    env = await testEnv({
      EVENTS_OIDC_AUDIENCE: AUD,
      EVENTS_OIDC_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
    });
    alerts = await startAlerts(env.config, { host: '127.0.0.1' });
  });

  afterAll(async () => {
    await alerts?.stop();
    await new Promise<void>((r) => apiserver.close(() => r()));
    await env?.cleanup();
  });

  it('a delivery with a valid token for our audience is stored; none, a foreign audience or a forged one get 401', async () => {
    expect((await post(`Bearer ${jwt(keys[0]!, claims())}`)).status).toBe(200);
    const none = await post();
    expect({ status: none.status, error: JSON.parse(none.body).error }).toEqual({
      status: 401,
      error: expect.stringMatching(/OIDC token/),
    });
    expect((await post(`Bearer ${jwt(keys[0]!, { ...claims(), aud: ['mt-broker-filter'] })}`)).status).toBe(401);
    expect((await post(`Bearer ${jwt(signingKey('rsa', 'k1'), claims())}`)).status).toBe(401);
    // the dashboard login does not open the ingress
    expect((await post('Bearer not-a-jwt')).status).toBe(401);
  });

  it('keys rotated by the cluster are fetched again when a token names an unknown key', async () => {
    const verifier = new OidcVerifier({
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      audience: AUD,
      minRefreshMs: 0,
    });
    expect(await verifier.check(`Bearer ${jwt(keys[0]!, claims())}`)).toMatchObject({ ok: true });
    keys = [signingKey('ec', 'k2')];
    const before = served;
    expect(await verifier.check(`Bearer ${jwt(keys[0]!, claims())}`)).toMatchObject({ ok: true });
    expect(served).toBe(before + 2); // discovery + JWKS, once
  });

  it('an unreachable issuer is 503, so the Broker redelivers instead of losing the event', async () => {
    const closed = await freePort();
    const stale = await startAlerts(
      {
        ...env.config,
        alerts: {
          ...env.config.alerts,
          eventsOidcDiscoveryUrl: `http://127.0.0.1:${closed}/.well-known/openid-configuration`,
        },
      },
      { host: '127.0.0.1' },
    );
    try {
      const res = await post(`Bearer ${jwt(keys[0]!, claims())}`, stale.url);
      expect({ status: res.status, error: (JSON.parse(res.body) as { error: string }).error }).toEqual({
        status: 503,
        error: expect.stringMatching(/cannot fetch/),
      });
    } finally {
      await stale.stop();
    }
  });
});
