import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAlerts, type RunningAlerts } from '../../alerts/src';
import { EventType } from '../../shared/src/events';
import { deleteKeysUnder, waitUntil, withRedis } from '../../../test/support';
import { startNotify, type RunningNotify } from '../src/app/start-notify';
import type { OutboxEntry } from '../src/adapters/channels/outbox';
import { alertData, notifyConfig, postEvent } from './helpers';

jest.setTimeout(60_000);

/** Debian's chromium (never a downloaded browser), as functions/alerts/test/browser.int.test.ts. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

interface StateIncident {
  incidentId: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
}

/**
 * Issue #24 "chromium registers the PWA's manifest and service worker, and acknowledges through a
 * signed link": the real alerts dashboard and the real notify (first-run outbox channel) on one
 * Redis; the link is the one notify put in its message.
 */
describe('the dashboard as a PWA, and acknowledging through a signed link (chromium, real alerts + notify)', () => {
  let alerts: RunningAlerts;
  let notify: RunningNotify;
  let browser: Browser;
  let page: Page;
  let prefix: string;
  let clipsDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'notify-pwa-'));
    const env = notifyConfig({ ALERTS_AUTH: 'none', CLIPS_DIR: clipsDir, NUM_STREAMS: '1' });
    prefix = env.prefix;
    alerts = await startAlerts(env.config, { port: 0 });
    // no channel configured: the default rule sends everything to the built-in outbox
    notify = await startNotify({ ...env.config, notify: { ...env.config.notify, publicUrl: alerts.url } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 360, height: 740 } }); // a phone
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await notify?.stop();
    await alerts?.stop();
    await fs.rm(clipsDir, { recursive: true, force: true });
    await withRedis((r) => deleteKeysUnder(r, prefix));
  });

  const stateOf = async (id: string): Promise<StateIncident | undefined> => {
    const s = (await (await fetch(`${alerts.url}/api/state`)).json()) as { incidents: StateIncident[] };
    return s.incidents.find((i) => i.incidentId === id);
  };

  it('registers the web app manifest and an activated service worker', async () => {
    await page.goto(alerts.url);
    // chromium's own manifest parser (CDP Page.getAppManifest): linked from the page, parsed without errors
    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as {
      url: string;
      errors: { message: string }[];
      data?: string;
    };
    expect(manifest.url).toBe(`${alerts.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const parsed = JSON.parse(manifest.data ?? '{}') as { start_url?: string; display?: string; icons?: unknown[] };
    expect(parsed.display).toBe('standalone');
    expect(parsed.icons?.length).toBeGreaterThan(0);
    await cdp.detach();
    // the page registers /sw.js itself (notify-banner.js); wait for it to be the activated worker of "/"
    const sw = await waitUntil(
      async () => {
        // a string: the test's TypeScript has no DOM types (as browser.int.test.ts)
        const s = await page.evaluate<{ state: string; url: string; scope: string } | undefined>(
          `navigator.serviceWorker.getRegistration('/').then((reg) =>
            reg && reg.active ? { state: reg.active.state, url: reg.active.scriptURL, scope: reg.scope } : undefined)`,
        );
        return s?.state === 'activated' ? s : undefined;
      },
      { timeoutMs: 15_000, what: 'an activated service worker' },
    );
    expect(sw).toEqual({ state: 'activated', url: `${alerts.url}/sw.js`, scope: `${alerts.url}/` });
  });

  it("opens a message's signed link, a GET does not acknowledge, the Acknowledge button (POST) records the recipient", async () => {
    const data = alertData({ summary: '작업자 쓰러짐: 브라우저 확인 테스트', hazardType: 'person_fall' });
    expect((await postEvent(alerts.url, EventType.alertRaised, data)).status).toBe(200);
    expect((await postEvent(notify.url, EventType.alertRaised, data)).status).toBe(200);
    const entry = await waitUntil(
      async () => {
        const n = (await (await fetch(`${alerts.url}/api/notifications`)).json()) as { outbox: OutboxEntry[] };
        return n.outbox.find((e) => e.message.incidentId === data.incidentId);
      },
      { what: "the incident's message in the outbox" },
    );
    const ackUrl = entry.message.ackUrl;
    expect(ackUrl).toMatch(new RegExp(`^${alerts.url}/ack/`));

    // a GET (what a mail scanner or chat unfurler does) shows the incident and acknowledges nothing
    expect((await fetch(ackUrl!)).status).toBe(200);
    await page.goto(ackUrl!);
    expect(await page.textContent('body')).toContain('작업자 쓰러짐: 브라우저 확인 테스트');
    expect(await page.textContent('body')).toContain(entry.recipient);
    expect((await stateOf(data.incidentId))?.acknowledgedAt).toBeUndefined();

    // the button is a form POST; the answer redirects to the page that says who acknowledged
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url() === ackUrl),
      page.click('#ack'),
    ]);
    expect(post.method()).toBe('POST');
    await page.waitForURL(`${ackUrl}?done=1`);
    expect(await page.textContent('body')).toContain(`acknowledged by ${entry.recipient}`);
    const after = await stateOf(data.incidentId);
    expect(after).toMatchObject({ acknowledgedBy: entry.recipient, acknowledgedAt: expect.any(String) });
    expect(pageErrors).toEqual([]);
  });
});
