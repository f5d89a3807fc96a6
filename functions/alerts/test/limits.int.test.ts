/**
 * Issue #18.2 / #18.8 on the alerts function, over real HTTP and real Redis: /api/state caps
 * the incidents it returns (the rest by paging), `/clips` never serves capture's hidden
 * folders, a failed thumbnail does not leak server paths, and oversized alert text is refused.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EventType } from '../../shared/src/events';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { FEED_LIMIT } from '../src/adapters/live-state';
import { alertData, postEvent, testEnv } from './helpers';
import { makeTestClip } from '../../../test/support';

jest.setTimeout(60_000);

let env: Awaited<ReturnType<typeof testEnv>>;
let alerts: RunningAlerts;

beforeAll(async () => {
  env = await testEnv();
  alerts = await startAlerts(env.config);
});
afterAll(async () => {
  await alerts?.stop();
  await env?.cleanup();
});

type Page = { incidents: { incidentId: string; state: string }[]; total: number; nextOffset?: number };

test('#18.2 /api/state returns at most FEED_LIMIT incidents, open ones first; the rest are paged by /api/incidents', async () => {
  const base = Date.parse('2026-11-28T20:00:00Z');
  const n = FEED_LIMIT + 40;
  for (let i = 0; i < n; i += 40) {
    await Promise.all(
      Array.from({ length: Math.min(40, n - i) }, (_, j) => {
        const t = new Date(base + (i + j) * 1000).toISOString();
        return postEvent(
          `${alerts.url}/`,
          EventType.alertRaised,
          alertData({ incidentId: `inc-${String(i + j).padStart(4, '0')}`, openedAt: t, analyzedAt: t, capturedAt: t }),
        );
      }),
    );
  }
  const state = (await (await fetch(`${alerts.url}/api/state`)).json()) as {
    incidents: unknown[];
    incidentsTotal: number;
  };
  expect(state.incidents.length).toBe(FEED_LIMIT);
  expect(state.incidentsTotal).toBe(n);
  // paging walks every incident exactly once, newest first
  const seen: string[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const res = await fetch(`${alerts.url}/api/incidents?offset=${offset}&limit=100`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.incidents.length).toBeLessThanOrEqual(100);
    seen.push(...page.incidents.map((x) => x.incidentId));
    offset = page.nextOffset;
  }
  expect(seen).toHaveLength(n);
  expect(new Set(seen).size).toBe(n);
  expect(seen[0]).toBe(`inc-${String(n - 1).padStart(4, '0')}`);
  expect((await fetch(`${alerts.url}/api/incidents?limit=100000`)).status).toBe(400);
});

test('#18.2 alert text over the schema maximum is refused with 400', async () => {
  const res = await postEvent(`${alerts.url}/`, EventType.alertRaised, alertData({ summary: 'x'.repeat(100_000) }));
  expect(res.status).toBe(400);
  expect(res.body).toMatch(/summary/);
});

test('#18.8 files in .quarantine and .staging are not served by /clips', async () => {
  for (const hidden of ['.quarantine/cam1/seg-1.mp4', '.staging/cam1/run/seg-1.mp4']) {
    const file = path.join(env.clipsDir, hidden);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, 'evidence');
    for (const url of [`/clips/${hidden}`, `/clips/${hidden.replace('.', '%2e')}`]) {
      const res = await fetch(`${alerts.url}${url}`);
      expect(res.status).toBe(404);
    }
  }
  // a normal clip still is
  await makeTestClip(path.join(env.clipsDir, 'cam1', 'ok.mp4'), { seconds: 1 });
  expect((await fetch(`${alerts.url}/clips/cam1/ok.mp4`)).status).toBe(200);
});

test('#18.8 a failed thumbnail does not leak absolute server paths', async () => {
  await fs.mkdir(path.join(env.clipsDir, 'cam2'), { recursive: true });
  await fs.writeFile(path.join(env.clipsDir, 'cam2', 'broken.mp4'), 'not a video at all');
  const res = await fetch(`${alerts.url}/thumbs/cam2.jpg?clip=${encodeURIComponent('cam2/broken.mp4')}`);
  expect(res.status).toBeGreaterThanOrEqual(400);
  const body = await res.text();
  expect(body).not.toContain(env.clipsDir);
  expect(body).not.toMatch(/\/tmp\//);
});
