/**
 * A hostile model in a real browser (Debian chromium + playwright-core): summaries and hazard
 * descriptions full of markup, on page load and over SSE, are shown as text and run nothing;
 * the page works under its CSP (no inline script, no violation); login goes through
 * `/login?token=…` as `npm start` prints it.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, EventType, postEvent, testEnv } from './helpers';
import { waitUntil } from '../../../test/support';

jest.setTimeout(60_000);

const TOKEN = `browser-${randomUUID()}`;

const HOSTILE = [
  '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  '<script>window.__pwned=(window.__pwned||0)+1</script>',
  '"><svg onload="window.__pwned=(window.__pwned||0)+1">',
  '<a href="javascript:window.__pwned=1">click</a><iframe src="javascript:parent.__pwned=1"></iframe>',
].join(' ');

describe('dashboard in chromium: a hostile summary is inert, the CSP holds, login by URL', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    env = await testEnv({ ALERTS_AUTH: 'token', ALERTS_AUTH_TOKEN: TOKEN });
    alerts = await startAlerts(env.config, { host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await alerts?.stop();
    await env?.cleanup();
  });

  it('without the token: the login page; with the printed URL: the dashboard, no token left in the address bar', async () => {
    const anon = await page.goto(alerts!.url);
    expect(anon?.status()).toBe(401);
    expect(await page.locator('form[action="/login"] input[name="token"]').count()).toBe(1);
    await page.goto(`${alerts!.url}/login?token=${encodeURIComponent(TOKEN)}`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain(TOKEN);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 }); // the SSE stream is authenticated by the cookie
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'sh_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).toBe(''); // script cannot read the session
  });

  it('markup in summaries and hazard descriptions is text, on load and over SSE; nothing runs', async () => {
    await page.evaluate(
      `document.addEventListener('securitypolicyviolation', (e) => (window.__csp = (window.__csp || []).concat(e.violatedDirective)))`,
    );
    const before = alertData({ incidentId: `cam1-fire-${randomUUID()}`, summary: `before ${HOSTILE}` });
    await postEvent(alerts!.url, EventType.alertRaised, before);
    await page.reload();
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 });
    await page.evaluate(
      `document.addEventListener('securitypolicyviolation', (e) => (window.__csp = (window.__csp || []).concat(e.violatedDirective)))`,
    );
    await page.waitForSelector(`.inc[data-incident-id="${before.incidentId}"]`);

    const live = alertData({
      incidentId: `cam2-smoke-${randomUUID()}`,
      cameraId: 'cam2',
      hazardType: 'smoke',
      summary: `live ${HOSTILE}`,
      hazards: [{ type: 'smoke', description: `desc ${HOSTILE}`, confidence: 0.8 }],
    });
    await postEvent(alerts!.url, EventType.alertRaised, live);
    await postEvent(alerts!.url, EventType.verdictCreated, {
      jobId: `job-${randomUUID()}`,
      cameraId: 'cam2',
      clipPath: 'cam2/x.mp4',
      status: 'danger',
      hazards: live.hazards,
      summary: `verdict ${HOSTILE}`,
      model: `<b>model</b>`,
      capturedAt: new Date().toISOString(),
      analyzedAt: new Date().toISOString(),
    });
    const card = `.inc[data-incident-id="${live.incidentId}"]`;
    await page.waitForSelector(card, { timeout: 10_000 });
    await page.click(`${card} .inc-summary`); // the player shows summary, hazards, facts
    await page.waitForSelector('#player:not([hidden])');
    await waitUntil(() => page.evaluate(`document.querySelector('#verdicts').textContent.includes('verdict <img')`), {
      timeoutMs: 10_000,
      what: `document.querySelector('#verdicts').textContent.includes('verdict <img')`,
    }); // not waitForFunction: its polling needs eval, which the CSP forbids

    expect(await page.textContent(`.inc[data-incident-id="${before.incidentId}"] .inc-summary`)).toBe(
      `before ${HOSTILE}`,
    );
    expect(await page.textContent(`${card} .inc-summary`)).toBe(`live ${HOSTILE}`);
    expect(await page.textContent('#player-summary')).toBe(`live ${HOSTILE}`);
    expect(await page.textContent('#player-hazards')).toContain(`desc ${HOSTILE}`);
    // no element the markup would have made exists anywhere
    expect(
      await page.locator('img[src="x"], svg[onload], script:not([src]), iframe, a[href^="javascript:"], b').count(),
    ).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.evaluate('window.__csp')).toBeUndefined(); // the page itself needs nothing the CSP forbids
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the page cannot be framed', async () => {
    const framing = await browser!.newPage();
    const said: string[] = [];
    framing.on('console', (m) => said.push(m.text()));
    try {
      await framing.setContent(`<iframe id="f" src="${alerts!.url}/login"></iframe>`); // waits for the frame's load
      const frame = framing.frames().find((f) => f.url().includes('/login'));
      const rendered = frame
        ? await frame.evaluate('document.querySelector("form") !== null').catch(() => false)
        : false;
      expect(rendered).toBe(false);
      expect(said.some((t) => /frame-ancestors/.test(t))).toBe(true); // refused by the CSP, not merely slow
    } finally {
      await framing.close();
    }
  });
});
