import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, EventType, postEvent, testEnv } from './helpers';
import { waitUntil, makeTestClip } from '../../../test/support';

jest.setTimeout(60_000);

describe('dashboard in a real browser (Debian chromium + playwright-core)', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const clipRel = 'cam1/20261128T210000Z.mp4';
  const pageErrors: string[] = [];
  const blocked: string[] = [];

  beforeAll(async () => {
    env = await testEnv();
    await makeTestClip(path.join(env.clipsDir, clipRel), { seconds: 3 });
    alerts = await startAlerts(env.config);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The page must not need the internet: fail any request that leaves the dashboard's origin.
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(alerts!.url)) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await alerts?.stop();
    await env?.cleanup();
  });

  /** The player opens on the test clip and its time advances. */
  async function playsTheClip(): Promise<void> {
    await page.waitForSelector('#player:not([hidden])');
    expect(await page.getAttribute('#player-video', 'src')).toBe(`/clips/${clipRel}`);
    const playing = 'document.querySelector("#player-video").currentTime > 0';
    // not waitForFunction: its polling needs eval, which the CSP forbids
    await waitUntil(() => page.evaluate(playing), { timeoutMs: 15_000, what: playing });
  }

  it('loads, shows an incident live, plays its clip, and acknowledges it', async () => {
    const clipStatuses: number[] = [];
    page.on('response', (r) => r.url().includes('/clips/') && clipStatuses.push(r.status()));
    await page.goto(alerts!.url);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 10_000 });
    await page.waitForSelector('.cam[data-camera-id="cam1"]');
    await page.evaluate('window.__sameDocument = true');

    // Raised after the page loaded: must appear without a reload, flagged as an unacknowledged alarm.
    const a = alertData({ clipPath: clipRel, summary: '화재 감지: 브라우저 테스트' });
    expect((await postEvent(alerts!.url, EventType.alertRaised, a)).status).toBe(200);
    const card = `.inc[data-incident-id="${a.incidentId}"]`;
    await page.waitForSelector(`${card}[data-state="open"][data-acked="false"]`, { timeout: 10_000 });
    expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
    expect(await page.textContent(card)).toContain('화재 감지: 브라우저 테스트');
    expect(await page.textContent(card)).toContain('위험');
    await page.waitForSelector('body[data-alarms="1"]');

    // Clicking it plays the evidence clip in the page.
    await page.click(`${card} .inc-summary`);
    await playsTheClip();
    expect(await page.evaluate('document.querySelector("#player-video").error')).toBeNull();
    expect(clipStatuses).toContain(206); // the browser seeks to the trailing moov with Range requests

    await page.waitForSelector('#player-history li'); // the incident's timeline

    // Acknowledge from the player: the page and /api/state both change.
    await page.click('#player-ack');
    await page.waitForSelector(`${card}[data-acked="true"]`, { timeout: 10_000 });
    expect(await page.isDisabled('#player-ack')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#player', { state: 'hidden' });
    expect(await page.textContent(card)).toContain('확인됨');
    const state = (await (await fetch(`${alerts!.url}/api/state`)).json()) as {
      incidents: { incidentId: string; acknowledgedAt?: string }[];
    };
    expect(state.incidents.find((i) => i.incidentId === a.incidentId)?.acknowledgedAt).toEqual(expect.any(String));

    // Not re-alerted: a later update changes the card but it stays acknowledged and does not flash.
    await postEvent(alerts!.url, EventType.alertUpdated, {
      ...a,
      summary: '화재 계속',
      analyzedAt: new Date(Date.now() + 1000).toISOString(),
    });
    await waitUntil(async () => (await page.textContent(card))?.includes('화재 계속'), {
      timeoutMs: 10_000,
      what: 'updated summary in the page',
    });
    expect(await page.getAttribute(card, 'data-acked')).toBe('true');
    expect(await page.getAttribute('body', 'data-alarms')).toBe('1');
    expect(await page.getAttribute(card, 'class')).not.toContain('flash');

    // Resolved: greyed out, the open counter goes back to zero.
    await postEvent(alerts!.url, EventType.alertResolved, {
      ...a,
      state: 'resolved',
      status: 'safe',
      resolvedAt: new Date(Date.now() + 2000).toISOString(),
      analyzedAt: new Date(Date.now() + 2000).toISOString(),
    });
    await page.waitForSelector(`${card}[data-state="resolved"]`, { timeout: 10_000 });
    await waitUntil(() => page.evaluate('document.querySelector("#c-open").textContent === "0"'), {
      timeoutMs: 10_000,
      what: 'document.querySelector("#c-open").textContent === "0"',
    }); // not waitForFunction: its polling needs eval, which the CSP forbids

    // A camera tile plays that camera's newest clip.
    await page.waitForSelector('.cam[data-camera-id="cam1"][data-clip]', { timeout: 10_000 });
    await page.click('.cam[data-camera-id="cam1"]');
    await playsTheClip();
    await page.keyboard.press('Escape');

    expect(pageErrors).toEqual([]);
    expect(blocked).toEqual([]);
  });
});
