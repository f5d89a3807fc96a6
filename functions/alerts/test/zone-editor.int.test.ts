import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { seedEntries } from '../../shared/src/camera-registry/seed';
import { redisKeys } from '../../shared/src/keys';
import { findScene, renderScene } from '../../../simulator/cameras/src';
import { decodeJpeg } from '../../../simulator/vllm/src/adapters/decode';
import { extractFrames } from '../../inference/src/adapters/ffmpeg';
import { registryOverlayLookup } from '../../inference/src/adapters/zone-overlay';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { alertData, EventType, postEvent, testEnv, TEST_REDIS_URL } from './helpers';

jest.setTimeout(90_000);

const TOKEN = 'zone-editor-test-token-0123';
/** Where the editor screenshot goes (docs/zone-editor.png is a copy of it). */
export const SCREENSHOT = path.join(os.tmpdir(), 'safety-hanta-zone-editor.png');

describe('zone editor in a real browser: draw by mouse, save, the next model frames carry it', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts | undefined;
  let browser: Browser | undefined;
  let redis: Redis;
  let page: Page;
  let clip: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    env = await testEnv({ ALERTS_AUTH: 'token', ALERTS_AUTH_TOKEN: TOKEN });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await new CameraRegistry(redis, redisKeys(env.prefix)).seedOnce(
      seedEntries({ numStreams: 2, rtspUrlTemplate: 'rtsp://127.0.0.1:8554/cam{N}' }),
    );
    // a real rtsp-sim scene as cam1's latest clip: the editor draws on its frame
    const scene = await renderScene(findScene('restricted_zone_intrusion')!, {
      width: 640,
      height: 360,
      fps: 10,
      cacheDir: path.join(env.clipsDir, '.scenes'),
    });
    clip = path.join(env.clipsDir, 'cam1', '20261202T070000Z.mp4');
    await fs.mkdir(path.dirname(clip), { recursive: true });
    await fs.copyFile(scene.videoPath, clip);
    alerts = await startAlerts(env.config);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (d) => void d.accept());
  });
  afterAll(async () => {
    await browser?.close();
    await alerts?.stop();
    redis?.disconnect();
    await env?.cleanup();
  });

  const cam1 = async () =>
    (await (
      await fetch(`${alerts!.url}/api/cameras/cam1`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { zones: { name: string; kind: string; polygon: [number, number][] }[] };
  async function clickAt(fx: number, fy: number, opts: { double?: boolean } = {}) {
    const box = (await page.locator('#zone-canvas').boundingBox())!;
    const [x, y] = [box.x + fx * box.width, box.y + fy * box.height];
    if (opts.double) await page.mouse.dblclick(x, y);
    else await page.mouse.click(x, y);
  }
  async function saved() {
    const before = await page.getAttribute('body', 'data-saved');
    await page.click('#ed-save');
    // a function, not a string: the dashboard's CSP forbids eval, and Playwright evals string predicates
    await page.waitForFunction((prev) => {
      const saved = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } })
        .document.body.dataset.saved;
      return saved !== undefined && saved !== prev;
    }, before);
  }

  it('draws, saves, edits points; inference composites it into the next clip; the alert card names it', async () => {
    // log in as an admin through the login URL (session cookie), as `npm start` prints it
    await page.goto(`${alerts!.url}/login?token=${TOKEN}`);
    await page.goto(`${alerts!.url}/cameras`);
    await page.click('tr[data-camera-id="cam1"] button.edit');
    await page.waitForSelector('#zone-canvas[data-frame="loaded"]');

    // draw a square on the floor, left of the painted zone, by mouse
    await page.click('#zone-new');
    const square: [number, number][] = [
      [0.1, 0.55],
      [0.4, 0.55],
      [0.4, 0.95],
      [0.1, 0.95],
    ];
    for (const [x, y] of square) await clickAt(x, y);
    await page.keyboard.press('Enter');
    await page.fill('#zone-name', 'Press');
    await page.selectOption('#zone-kind', 'restricted');
    await saved();
    let z = (await cam1()).zones;
    expect(z.map((x) => [x.name, x.kind])).toEqual([['Press', 'restricted']]);
    z[0]!.polygon.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(square[i]![0], 2);
      expect(y).toBeCloseTo(square[i]![1], 2);
    });

    // move a point by dragging it, delete another by double-click, save again
    await page.click('#zone-list li[data-zone="Press"]');
    await page.locator('#zone-canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('#zone-canvas').boundingBox())!;
    await page.mouse.move(box.x + 0.4 * box.width, box.y + 0.55 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.45 * box.width, box.y + 0.5 * box.height, { steps: 5 });
    await page.mouse.up();
    await clickAt(0.1, 0.95, { double: true });
    await saved();
    z = (await cam1()).zones;
    expect(z[0]!.polygon).toHaveLength(3);
    expect(z[0]!.polygon[1]![0]).toBeCloseTo(0.45, 2);
    expect(z[0]!.polygon[1]![1]).toBeCloseTo(0.5, 2);
    await page.screenshot({ path: SCREENSHOT });
    expect(await page.textContent('tr[data-camera-id="cam1"] td.zones')).toBe('Press');

    // the next clip inference prepares for cam1 carries the zone: redder inside, unchanged outside
    const overlay = (await registryOverlayLookup(redis, redisKeys(env.prefix))('cam1')).png;
    expect(overlay).toBeDefined();
    const opts = { sampling: 'fps' as const, fps: 1, maxSide: 448 };
    const [drawn] = await extractFrames(clip, { ...opts, overlayPng: overlay });
    const [plain] = await extractFrames(clip, opts);
    const a = decodeJpeg(drawn!);
    const b = decodeJpeg(plain!);
    const at = (f: typeof a, fx: number, fy: number): [number, number, number] => {
      const o = (Math.round(fy * f.height) * f.width + Math.round(fx * f.width)) * f.channels;
      return [f.data[o]!, f.data[o + 1]!, f.data[o + 2]!];
    };
    const inside = [0.3, 0.75] as const; // inside the triangle (0.1,0.55) (0.45,0.5) (0.4,0.95)
    const [r1, g1] = at(a, ...inside);
    const [r0, g0] = at(b, ...inside);
    expect(r1 - g1).toBeGreaterThan(r0 - g0 + 40);
    const outside = [0.05, 0.2] as const;
    at(a, ...outside).forEach((v, i) => expect(Math.abs(v - at(b, ...outside)[i]!)).toBeLessThan(12));

    // the dashboard's alert card names the zone of a restricted-zone incident on cam1
    await page.goto(alerts!.url);
    await page.waitForSelector('#conn[data-state="live"]');
    const inc = alertData({
      cameraId: 'cam1',
      hazardType: 'restricted_zone_intrusion',
      severity: 'warning',
      status: 'warning',
      hazards: [{ type: 'restricted_zone_intrusion', description: '작업자가 구역에 진입', confidence: 0.9 }],
      summary: '위험구역 침입',
    });
    expect((await postEvent(alerts!.url, EventType.alertRaised, inc)).status).toBe(200);
    await page.waitForSelector(`.inc[data-incident-id="${inc.incidentId}"] .inc-zone`);
    expect(await page.textContent(`.inc[data-incident-id="${inc.incidentId}"] .inc-zone`)).toContain('Press');
    expect(pageErrors).toEqual([]);
  });
});
