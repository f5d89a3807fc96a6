import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/support/browser';
import { startAlerts, type RunningAlerts } from '../../functions/alerts/src/app/start-alerts';
import { alertData, EventType, postEvent, TEST_REDIS_URL, testEnv } from '../../functions/alerts/test/helpers';
import { redisKeys } from '../../functions/shared/src/keys';
import type { VerdictCreated } from '../../functions/shared/src/events';
import { exportFeedback } from '../src/adapters/export-feedback';
import { loadDataset } from '../src/adapters/run-eval';
import { waitUntil, makeTestClip } from '../../test/support';

/**
 * Operator feedback end to end: the alerts function on a real Redis, its API and dashboard in
 * Debian's chromium, capture's retention hold (keys.feedbackClips), and export-feedback turning
 * the marks into a dataset the harness loads.
 */
jest.setTimeout(60_000);

describe('operator feedback → Redis → dataset', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts;
  let browser: Browser | undefined;
  const redis = new Redis(TEST_REDIS_URL);
  let out: string;
  const fireClip = 'cam1/20261128T210000Z.mp4';
  const verdictClip = 'cam2/20261128T210500Z.mp4';

  beforeAll(async () => {
    env = await testEnv();
    await makeTestClip(path.join(env.clipsDir, fireClip), { seconds: 1, faststart: true });
    await makeTestClip(path.join(env.clipsDir, verdictClip), { seconds: 1, faststart: true });
    alerts = await startAlerts(env.config);
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-feedback-'));
  });
  afterAll(async () => {
    await browser?.close();
    await alerts.stop();
    await env.cleanup();
    await fs.rm(out, { recursive: true, force: true });
    redis.disconnect();
  });

  const post = (p: string, body: unknown, type = 'application/json') =>
    fetch(`${alerts.url}${p}`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

  it('marks an incident false alarm and a verdict missed hazard, checks the hazards, holds the clips, counts them and exports a dataset', async () => {
    const keys = redisKeys(env.prefix);
    const inc = alertData({
      clipPath: fireClip,
      hazardType: 'fire',
      hazards: [
        { type: 'fire', description: 'flames', confidence: 0.9 },
        { type: 'smoke', description: 'smoke', confidence: 0.8 },
      ],
    });
    expect((await postEvent(alerts.url, EventType.alertRaised, inc)).status).toBe(200);
    const t = new Date().toISOString();
    const verdict: VerdictCreated = {
      jobId: `cam2-${randomUUID()}`,
      cameraId: 'cam2',
      clipPath: verdictClip,
      status: 'warning',
      hazards: [{ type: 'no_hard_hat', description: 'no hat', confidence: 0.8 }],
      summary: 'no hard hat',
      model: 'm',
      capturedAt: t,
      analyzedAt: t,
    };
    expect((await postEvent(alerts.url, EventType.verdictCreated, verdict, { cameraId: 'cam2' })).status).toBe(200);

    // Wrong hazards for the kind, a form post, and an unknown target are refused; nothing stored.
    expect(
      (
        await post('/api/feedback', {
          target: { kind: 'incident', id: inc.incidentId },
          kind: 'false_alarm',
          hazards: ['person_fall'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post('/api/feedback', {
          target: { kind: 'incident', id: inc.incidentId },
          kind: 'missed_hazard',
          hazards: ['fire'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post(
          '/api/feedback',
          { target: { kind: 'incident', id: inc.incidentId }, kind: 'false_alarm', hazards: ['fire'] },
          'text/plain',
        )
      ).status,
    ).toBe(415);
    expect(
      (await post('/api/feedback', { target: { kind: 'verdict', id: 'nope' }, kind: 'false_alarm', hazards: ['fire'] }))
        .status,
    ).toBe(404);
    expect(await redis.hlen(keys.feedback)).toBe(0);

    // `by` is the authenticated identity (issue #17; here the auth-off identity), never the body's.
    const res = await post('/api/feedback', {
      target: { kind: 'incident', id: inc.incidentId },
      kind: 'false_alarm',
      hazards: ['smoke'],
      by: 'kim',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      kind: 'false_alarm',
      hazards: ['smoke'],
      by: 'anonymous (auth off)',
      clipPath: fireClip,
      predicted: { status: 'danger', hazards: ['fire', 'smoke'] },
      at: expect.any(String),
    });
    expect(await redis.sismember(keys.feedbackClips, fireClip)).toBe(1);

    // The verdict, from the dashboard: click its row, tick a missed hazard, submit.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(alerts.url);
    await page.waitForSelector('[data-counter="feedback"] .fb-count[data-hazard="smoke"]');
    await page.click(`#verdicts li[data-job-id="${verdict.jobId}"]`);
    await page.waitForSelector('#fb-dialog:not([hidden]) #fb-missed input[value="restricted_zone_intrusion"]');
    expect(
      await page
        .locator('#fb-false input')
        .evaluateAll((xs) => xs.map((x) => (x as unknown as { value: string }).value)),
    ).toEqual(['no_hard_hat']);
    await page.check('#fb-missed input[value="restricted_zone_intrusion"]');
    await page.click('#fb-missed button[data-kind="missed_hazard"]');
    await page.waitForSelector('#fb-existing li[data-kind="missed_hazard"]');
    await page.waitForSelector('[data-counter="feedback"] .fb-count[data-hazard="restricted_zone_intrusion"]');
    expect(await page.textContent('.fb-count[data-hazard="restricted_zone_intrusion"]')).toContain('놓침 1');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#fb-dialog', { state: 'hidden' });
    // The incident, from the player: its feedback button opens the same dialog with the stored mark.
    await page.click(`.inc[data-incident-id="${inc.incidentId}"] .inc-summary`);
    await page.click('#player-feedback');
    await page.waitForSelector('#fb-existing li[data-kind="false_alarm"]');
    expect(errors).toEqual([]);

    const all = (await (await fetch(`${alerts.url}/api/feedback`)).json()) as {
      records: { by: string }[];
      counts: Record<string, unknown>;
    };
    expect(all.records.map((r) => r.by)).toEqual(['anonymous (auth off)', 'anonymous (auth off)']);
    expect(all.counts).toEqual({
      restricted_zone_intrusion: { false_alarm: 0, missed_hazard: 1 },
      smoke: { false_alarm: 1, missed_hazard: 0 },
    });
    expect(await redis.smembers(keys.feedbackClips)).toEqual(expect.arrayContaining([fireClip, verdictClip]));

    // export-feedback: both clips, corrected labels, loadable as a dataset.
    const exported = await exportFeedback(env.config, { out });
    expect(exported).toEqual({ clips: 2, skipped: [] });
    const labels = await loadDataset(out);
    expect(labels.map((l) => [l.clip, l.status, l.hazards])).toEqual([
      [`clips/${fireClip}`, 'danger', ['fire']],
      [`clips/${verdictClip}`, 'warning', ['no_hard_hat', 'restricted_zone_intrusion']],
    ]);
    expect(await fs.readFile(path.join(out, 'clips', fireClip))).toEqual(
      await fs.readFile(path.join(env.clipsDir, fireClip)),
    );
    await expect(exportFeedback(env.config, { out })).rejects.toThrow(/exists: export into an empty folder/);

    // Unmarking releases the clip for retention.
    expect(
      (await post('/api/feedback/remove', { target: { kind: 'incident', id: inc.incidentId }, kind: 'false_alarm' }))
        .status,
    ).toBe(200);
    expect(await redis.sismember(keys.feedbackClips, fireClip)).toBe(0);
    expect(await redis.sismember(keys.feedbackClips, verdictClip)).toBe(1);
    await waitUntil(
      async () =>
        ((await (await fetch(`${alerts.url}/api/feedback`)).json()) as { records: unknown[] }).records.length === 1,
      { timeoutMs: 5000, what: 'one record left' },
    );
  });
});
