import { chromium, type Browser } from 'playwright-core';
import { EventType } from '../../shared/src/events';
import { waitUntil } from '../../../test/support';
import { alertData, jsonOf, postEvent, startReceiver, type Receiver, webhookRules } from './helpers';
import { startNotifyStack, type NotifyStack } from './stack';

jest.setTimeout(60_000);

const proxyUser = (user: string, groups: string) => ({ 'x-forwarded-user': user, 'x-forwarded-groups': groups });
const ADMIN = proxyUser('boss@plant', 'safety-admins');
const OPERATOR = proxyUser('op@plant', 'safety-ops');
const VIEWER = proxyUser('view@plant', 'safety-view');
const JSON_CT = { 'content-type': 'application/json' };
const API = '/api/admin/notify-rules';

/**
 * Issue #24 §3: an admin edits notify's routing rules in the dashboard. Real alerts (proxy login,
 * the record on a throwaway Postgres database for its audit log), real notify and a real webhook
 * receiver: the edit is validated with notify's schema, audited, and notify routes by it.
 */
describe('routing rules edited in the dashboard (real alerts + notify + Redis + Postgres record)', () => {
  let receiver: Receiver;
  let stack: NotifyStack;
  let browser: Browser | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startNotifyStack(
      'rules',
      {
        ALERTS_AUTH: 'proxy',
        ALERTS_TRUSTED_PROXIES: '127.0.0.1',
        ALERTS_PROXY_ADMIN_GROUPS: 'safety-admins',
        ALERTS_PROXY_OPERATOR_GROUPS: 'safety-ops',
        ALERTS_PROXY_VIEWER_GROUPS: 'safety-view',
      },
      {
        alerts: { host: '127.0.0.1' },
        notify: (config) => [
          config,
          { rules: webhookRules(receiver.url, { ruleId: 'from-file', recipient: 'file-lead' }) },
        ],
      },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await receiver?.close();
  });

  const call = async (method: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${stack.alerts.url}${API}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? JSON_CT : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Who notify told about a new incident. */
  const toldAbout = async (): Promise<string> => {
    const data = alertData();
    expect((await postEvent(stack.notify.url, EventType.alertRaised, data)).status).toBe(200);
    const got = await waitUntil(() => receiver.accepted().find((r) => jsonOf(r).incidentId === data.incidentId), {
      what: 'the message of a new incident',
    });
    return String(jsonOf(got).recipient);
  };
  const nightRule = (over: Record<string, unknown> = {}) => ({
    timeZone: 'Asia/Seoul',
    rules: [{ id: 'edited', recipients: [{ name: 'night-lead', channel: 'hook' }], ...over }],
  });

  it('viewers and operators can neither read nor change the rules (403)', async () => {
    for (const who of [VIEWER, OPERATOR]) {
      expect((await call('GET', who)).status).toBe(403);
      expect((await call('PUT', who, nightRule())).status).toBe(403);
      expect((await call('DELETE', { ...who, ...JSON_CT })).status).toBe(403);
    }
    expect((await fetch(`${stack.alerts.url}/notify-rules`, { headers: OPERATOR })).status).toBe(403);
  });

  it("an admin sees the file's rules and notify's channels, never a channel URL", async () => {
    const r = await call('GET', ADMIN);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      edit: null,
      base: { rules: [{ id: 'from-file' }], channels: expect.arrayContaining([{ id: 'hook', kind: 'webhook' }]) },
    });
    expect(JSON.stringify(r.body)).not.toContain(receiver.url);
    expect(await toldAbout()).toBe('file-lead');
  });

  it('a bad rule is a 400 naming the field, and changes nothing', async () => {
    const badWindow = await call('PUT', ADMIN, nightRule({ match: { window: { from: '25:00', to: '06:00' } } }));
    expect(badWindow).toEqual({
      status: 400,
      body: { field: 'rules.0.match.window.from', error: 'rules.0.match.window.from: HH:MM, 00:00–23:59' },
    });
    const badChannel = await call('PUT', ADMIN, {
      timeZone: 'UTC',
      rules: [{ id: 'x', recipients: [{ name: 'a', channel: 'slack-typo' }] }],
    });
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.field).toBe('rules.0.recipients.0.channel');
    // channels are not the dashboard's to edit (they carry secrets)
    const withChannels = await call('PUT', ADMIN, { ...nightRule(), channels: [] });
    expect(withChannels.status).toBe(400);
    expect((await call('GET', ADMIN)).body.edit).toBeNull();
  });

  it('a saved edit is what notify routes by, is audited, and DELETE returns to the file', async () => {
    const saved = await call('PUT', ADMIN, nightRule());
    expect(saved.status).toBe(200);
    expect(saved.body.edit).toMatchObject({ by: 'boss@plant', rules: [{ id: 'edited' }], rev: expect.any(Number) });
    expect(await toldAbout()).toBe('night-lead');

    const audit = async () => {
      const res = await fetch(`${stack.alerts.url}/api/audit?target=${encodeURIComponent(API)}`, { headers: ADMIN });
      return ((await res.json()) as { entries: { actor: string; action: string }[] }).entries;
    };
    await waitUntil(async () => (await audit()).some((e) => e.actor === 'boss@plant' && e.action.includes('PUT')), {
      what: 'the audit entry of the edit',
    });

    expect((await call('DELETE', { ...ADMIN, ...JSON_CT })).status).toBe(200);
    expect(await toldAbout()).toBe('file-lead');
    await waitUntil(async () => (await audit()).some((e) => e.action.includes('DELETE')), {
      what: 'the audit entry of the revert',
    });
  });

  it('in chromium: the page shows the 400 naming the field, then saves a good edit', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
    const page = await browser.newPage({ extraHTTPHeaders: ADMIN });
    await page.goto(`${stack.alerts.url}/notify-rules`);
    await page.waitForSelector('#in-force[data-source="file"]');
    expect(await page.inputValue('#rules')).toContain('from-file');
    await page.fill('#rules', JSON.stringify(nightRule({ cooldownSeconds: -5 })));
    await page.click('#save');
    await page.waitForSelector('#rules-error:not([hidden])');
    expect(await page.textContent('#rules-error')).toContain('rules.0.cooldownSeconds');
    await page.fill('#rules', JSON.stringify(nightRule()));
    await page.click('#save');
    await page.waitForSelector('#in-force[data-source="dashboard"]');
    expect(await page.textContent('#in-force')).toContain('boss@plant');
    expect(await toldAbout()).toBe('night-lead');
  });
});
