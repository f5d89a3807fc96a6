/**
 * Fills a throw-away alerts dashboard with a realistic control-room situation (rtsp-sim's scenes
 * as clips, incidents in every state, verdicts, a queue, an offline camera) and takes the README
 * screenshot with Debian's chromium.
 *
 *   npx tsx tools/demo/demo.ts [--out docs/dashboard.png] [--player /tmp/player.png] [--keep]
 *
 * `--keep` leaves the dashboard running (Ctrl-C cleans up). Uses a random Redis prefix at
 * 127.0.0.1:6379 and a temp clips dir, both removed at the end.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findScene, renderScene } from '../../simulator/cameras/src';
import type { AlertData, VerdictCreated } from '../../functions/shared/src/events';
import { waitFor } from '../../functions/shared/src/async';
import { redisKeys } from '../../functions/shared/src/keys';
import type { HazardType, Severity, VerdictStatus } from '../../functions/shared/src/verdict';
import { startAlerts } from '../../functions/alerts/src/app/start-alerts';
import { alertData, EventType, postEvent, testEnv } from '../../functions/alerts/test/helpers';
import { launchChromium } from '../../test/support/browser';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const OUT = arg('--out') ?? 'docs/dashboard.png';
const PLAYER = arg('--player');
const KEEP = process.argv.includes('--keep');
const ago = (s: number): string => new Date(Date.now() - s * 1000).toISOString();
const SCENE_OF: Record<string, [string, number]> = {
  cam1: ['fire', 6],
  cam2: ['no_hard_hat', 3],
  cam3: ['restricted_zone_intrusion', 3],
  cam4: ['safe', 3],
  cam5: ['person_fall', 9],
  cam6: ['forklift_pedestrian_proximity', 3],
  cam7: ['no_safety_vest', 3],
  cam8: ['safe', 8],
};
const TS = '20261128T224500Z';
const clipOf = (cam: string): string => `${cam}/${TS}.mp4`;

async function main(): Promise<void> {
  // The dashboard has access control; this one serves on loopback only, for the screenshot: open (ALERTS_AUTH=none).
  const env = await testEnv({ LOG_LEVEL: 'warn', NUM_STREAMS: '8', ALERTS_POLL_MS: '500', ALERTS_AUTH: 'none' });
  const redis = new Redis('redis://127.0.0.1:6379');
  const alerts = await startAlerts(env.config, { port: Number(arg('--port') ?? 0) });
  const cleanup = async (): Promise<void> => {
    await alerts.stop();
    redis.disconnect();
    await env.cleanup();
  };
  try {
    for (const [cam, [name, offset]] of Object.entries(SCENE_OF)) {
      const scene = findScene(name);
      if (!scene) throw new Error(`no scene ${name}`);
      const { videoPath } = await renderScene(scene);
      fs.mkdirSync(path.join(env.clipsDir, cam), { recursive: true });
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-ss',
        String(offset),
        '-i',
        videoPath,
        '-t',
        '5',
        '-c',
        'copy',
        path.join(env.clipsDir, clipOf(cam)),
      ]);
    }
    const keys = redisKeys(env.prefix);
    for (let i = 0; i < 19; i++) await redis.lpush(keys.clips, JSON.stringify({ id: `demo-${i}` }));
    for (let i = 0; i < 96; i++) await redis.xadd(keys.verdicts, '*', 'demo', String(i));
    for (const cam of ['cam1', 'cam2', 'cam3', 'cam4', 'cam5', 'cam6', 'cam7']) {
      await redis.hset(
        keys.cameras,
        cam,
        JSON.stringify({ status: 'online', at: ago(1), lastClipAt: ago(1), owner: 'capture-0' }),
      );
    }
    await redis.hset(
      keys.cameras,
      'cam8',
      JSON.stringify({
        status: 'offline',
        at: ago(95),
        lastClipAt: ago(97),
        owner: 'capture-1',
        reason: 'no clip for 95 s',
      }),
    );

    const incident = (
      cam: string,
      severity: Severity,
      type: HazardType,
      summary: string,
      description: string,
      openedSecondsAgo: number,
      extra: Partial<AlertData> = {},
    ): AlertData =>
      alertData({
        incidentId: `${cam}-${type}`,
        cameraId: cam,
        severity,
        status: severity,
        hazardType: type,
        hazards: [{ type, description, confidence: 0.91 }],
        summary,
        clipPath: clipOf(cam),
        openedAt: ago(openedSecondsAgo),
        capturedAt: ago(openedSecondsAgo - 1),
        analyzedAt: ago(openedSecondsAgo - 3),
        clipCount: 1,
        ...extra,
      });
    const resolved = (s: number): Partial<AlertData> => ({ state: 'resolved', status: 'safe', resolvedAt: ago(s) });
    const incidents = [
      incident(
        'cam7',
        'warning',
        'no_safety_vest',
        '작업자 1명이 안전조끼를 착용하지 않았습니다.',
        'worker near the rack without a hi-vis vest',
        1500,
        resolved(1260),
      ),
      incident(
        'cam5',
        'danger',
        'person_fall',
        '작업자가 바닥에 쓰러졌습니다. 즉시 확인 필요.',
        'a worker lies on the floor and does not get up',
        900,
        resolved(780),
      ),
      incident(
        'cam2',
        'warning',
        'no_hard_hat',
        '안전모 미착용 작업자 2명 감지.',
        'two workers without yellow helmets',
        420,
      ),
      incident(
        'cam6',
        'warning',
        'forklift_pedestrian_proximity',
        'Forklift passing within 1 m of a pedestrian.',
        'forklift and pedestrian within 1 m',
        240,
      ),
      incident(
        'cam3',
        'warning',
        'restricted_zone_intrusion',
        '작업자가 적색 위험구역에 진입했습니다.',
        'worker inside the red restricted zone',
        95,
      ),
      incident(
        'cam1',
        'danger',
        'fire',
        '화재 감지: 작업장 바닥에서 불꽃이 보입니다.',
        'flickering flames on the floor near the rack',
        38,
      ),
    ];
    for (const a of incidents)
      await postEvent(alerts.url, a.state === 'resolved' ? EventType.alertResolved : EventType.alertRaised, a);
    const fire = incidents.at(-1);
    if (fire) {
      for (const [n, s] of [
        [2, 30],
        [3, 25],
        [4, 20],
        [5, 15],
        [6, 10],
      ] as const) {
        await postEvent(
          alerts.url,
          EventType.alertUpdated,
          {
            ...fire,
            clipCount: n,
            analyzedAt: ago(s),
            summary: n >= 4 ? '화재 확산 중: 불꽃이 선반 쪽으로 커지고 있습니다.' : fire.summary,
          },
          { id: `cam1-fire-update-${n}` },
        );
      }
    }
    await fetch(`${alerts.url}/api/incidents/cam2-no_hard_hat/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"by":"kim"}',
    });

    const verdict = (cam: string, status: VerdictStatus, summary: string, secondsAgo: number): VerdictCreated => ({
      jobId: `${cam}-${secondsAgo}`,
      cameraId: cam,
      clipPath: clipOf(cam),
      status,
      summary,
      model: 'Qwen/Qwen3-VL-8B-Instruct',
      hazards:
        status === 'safe' || status === 'uncertain'
          ? []
          : [{ type: status === 'danger' ? 'fire' : 'no_hard_hat', description: summary, confidence: 0.9 }],
      capturedAt: ago(secondsAgo + 6),
      analyzedAt: ago(secondsAgo),
    });
    for (let i = 0; i < 40; i++)
      await postEvent(
        alerts.url,
        EventType.verdictCreated,
        verdict(`cam${(i % 7) + 1}`, 'safe', '이상 없음 · no hazards', 300 - i),
      );
    await postEvent(
      alerts.url,
      EventType.verdictCreated,
      verdict('cam8', 'uncertain', '응답이 스키마를 두 번 어겼습니다 (uncertain)', 110),
    );
    const recent: [string, VerdictStatus, string][] = [
      ['cam7', 'safe', '이상 없음 · no hazards'],
      ['cam2', 'warning', '안전모 미착용 2명'],
      ['cam6', 'warning', '지게차와 보행자 1 m 이내'],
      ['cam4', 'safe', '이상 없음 · no hazards'],
      ['cam3', 'warning', '적색 위험구역 안에 작업자'],
      ['cam5', 'safe', '이상 없음 · no hazards'],
      ['cam1', 'danger', '바닥에서 불꽃'],
    ];
    for (const [i, [cam, status, summary]] of recent.entries())
      await postEvent(alerts.url, EventType.verdictCreated, verdict(cam, status, summary, 20 - i * 2));

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      // not page.waitForFunction: its polling needs eval, which the dashboard's CSP forbids (as in the browser tests)
      const until = (expr: string, timeoutMs = 10_000) =>
        waitFor(() => page.evaluate(expr), { timeoutMs, what: expr, everyMs: 100 });
      await page.goto(alerts.url);
      await page.waitForSelector('.inc[data-incident-id]');
      await until(
        'document.querySelectorAll(".cam-thumb img").length >= 8 && [...document.querySelectorAll(".cam-thumb img, .inc-thumb")].every((i) => i.complete !== false)',
        30_000,
      );
      await until('document.querySelector("#conn").dataset.state === "live"');
      fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
      await page.screenshot({ path: OUT });
      process.stdout.write(`dashboard screenshot: ${OUT}\n`);
      if (PLAYER) {
        await page.click('.inc[data-incident-id="cam1-fire"]');
        await page.waitForSelector('#player-history li');
        await until('document.querySelector("#player-video").currentTime > 1', 15_000);
        await page.screenshot({ path: PLAYER });
        process.stdout.write(`player screenshot: ${PLAYER}\n`);
      }
    } finally {
      await browser.close();
    }
    if (KEEP) {
      process.stdout.write(`dashboard running at ${alerts.url} — Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
