import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { chromium } from 'playwright-core';
import { startAlerts } from '../src/app';
import { testEnv, postEvent, alertData, EventType } from '../test/helpers';

const scenes: Record<string, string> = {
  cam1: 'fire-45dde51ce4fe1f38', cam2: 'no_hard_hat-9af8f41301f0ca85', cam3: 'restricted_zone_intrusion-7cf1595c577a1ab1',
  cam4: 'safe-226f1cce1074edb1', cam5: 'person_fall-b27fbc65af23c0a7', cam6: 'forklift_pedestrian_proximity-f8502303e7689232',
  cam7: 'no_safety_vest-9496b39f6c3d3637', cam8: 'safe-226f1cce1074edb1',
};
const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
(async () => {
  const env = await testEnv({ LOG_LEVEL: 'warn', NUM_STREAMS: '8', ALERTS_POLL_MS: '500' });
  const ts = '20261128T224500Z';
  for (const [cam, scene] of Object.entries(scenes)) {
    fs.mkdirSync(`${env.clipsDir}/${cam}`, { recursive: true });
    const off = cam === 'cam1' ? 6 : cam === 'cam5' ? 9 : 3;
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', String(off), '-i', `/tmp/scenes-big/${scene}.mp4`, '-t', '5', '-c', 'copy', `${env.clipsDir}/${cam}/${ts}.mp4`]);
  }
  const redis = new Redis('redis://127.0.0.1:6379');
  const K = (s: string) => `${env.prefix}:${s}`;
  for (let i = 0; i < 19; i++) await redis.lpush(K('clips'), JSON.stringify({ id: i }));
  for (let i = 0; i < 96; i++) await redis.xadd(K('verdicts'), '*', 'v', String(i));
  const now = new Date().toISOString();
  for (const c of ['cam1','cam2','cam3','cam4','cam5','cam6','cam7']) await redis.hset(K('cameras'), c, JSON.stringify({ status: 'online', at: now, lastClipAt: now, owner: 'capture-0' }));
  await redis.hset(K('cameras'), 'cam8', JSON.stringify({ status: 'offline', at: ago(95), lastClipAt: ago(97), owner: 'capture-1', reason: 'no clip for 95 s' }));
  const a = await startAlerts(env.config, { port: Number(process.env.DEMO_PORT ?? 0) });
  console.log(a.url);
  const clip = (c: string) => `${c}/${ts}.mp4`;
  const mk = (cam: string, sev: 'danger'|'warning', type: any, summary: string, desc: string, opened: number, extra: any = {}) =>
    alertData({ incidentId: `${cam}-${type}-${opened}`, cameraId: cam, severity: sev, status: sev, hazardType: type, hazards: [{ type, description: desc, confidence: 0.91 }], summary, clipPath: clip(cam), openedAt: ago(opened), capturedAt: ago(5), analyzedAt: ago(3), clipCount: Math.ceil(opened / 5), ...extra });
  const evs: [any, any][] = [
    [EventType.alertRaised, mk('cam7', 'warning', 'no_safety_vest', '작업자 1명이 안전조끼를 착용하지 않았습니다.', 'worker near the rack without a hi-vis vest', 1500, { state: 'resolved', status: 'safe', resolvedAt: ago(1260) })],
    [EventType.alertRaised, mk('cam5', 'danger', 'person_fall', '작업자가 바닥에 쓰러졌습니다. 즉시 확인 필요.', 'a worker lies on the floor and does not get up', 900, { state: 'resolved', status: 'safe', resolvedAt: ago(780) })],
    [EventType.alertRaised, mk('cam2', 'warning', 'no_hard_hat', '안전모 미착용 작업자 2명 감지.', 'two workers without yellow helmets', 420)],
    [EventType.alertRaised, mk('cam6', 'warning', 'forklift_pedestrian_proximity', 'Forklift passing within 1 m of a pedestrian.', 'forklift and pedestrian within 1 m', 240)],
    [EventType.alertRaised, mk('cam3', 'warning', 'restricted_zone_intrusion', '작업자가 적색 위험구역에 진입했습니다.', 'worker inside the red restricted zone', 95)],
    [EventType.alertRaised, mk('cam1', 'danger', 'fire', '화재 감지: 작업장 바닥에서 불꽃이 보입니다.', 'flickering flames on the floor near the rack', 38)],
  ];
  for (const [t, d] of evs) { const r = await postEvent(a.url, t, d); if (r.status >= 300) console.log(r); }
  await fetch(`${a.url}/api/incidents/${encodeURIComponent('cam2-no_hard_hat-420')}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"by":"kim.js"}' });
  const vs: [string, any, string][] = [['cam4','safe','이상 없음 · no hazards'],['cam2','warning','안전모 미착용 2명'],['cam1','danger','화재 감지'],['cam6','warning','지게차 근접'],['cam3','warning','위험구역 침입'],['cam7','safe','이상 없음'],['cam5','safe','이상 없음']];
  let i = 0;
  for (const [cam, status, summary] of vs) for (let k = 0; k < 3; k++) {
    const hz = status === 'safe' ? [] : [{ type: status === 'danger' ? 'fire' : 'no_hard_hat', description: 'x', confidence: 0.9 }];
    await postEvent(a.url, EventType.verdictCreated, { jobId: `j${i}`, cameraId: cam, clipPath: clip(cam), status, hazards: hz, summary, model: 'Qwen/Qwen3-VL-8B-Instruct', capturedAt: ago(40 - i), analyzedAt: ago(30 - i++) });
  }
  for (let k = 0; k < 37; k++) await postEvent(a.url, EventType.verdictCreated, { jobId: `s${k}`, cameraId: 'cam4', clipPath: clip('cam4'), status: 'safe', hazards: [], summary: 'ok', model: 'm', capturedAt: ago(600), analyzedAt: ago(600) });
  await postEvent(a.url, EventType.verdictCreated, { jobId: 'u1', cameraId: 'cam8', clipPath: clip('cam8'), status: 'uncertain', hazards: [], summary: '응답 스키마 오류 (2회) — uncertain', model: 'm', capturedAt: ago(120), analyzedAt: ago(110) });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(a.url);
    await page.waitForSelector('.inc[data-incident-id]');
    await page.waitForFunction('document.querySelectorAll(".cam-thumb img").length >= 8 && [...document.querySelectorAll(".cam-thumb img")].every(i => i.complete)', null, { timeout: 20000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: process.env.SHOT ?? '/tmp/alerts-dev/dash.png' });
    if (process.env.PLAYER) {
      await page.click('.inc[data-incident-id^="cam1"]');
      await page.waitForFunction('document.querySelector("#player-video").currentTime > 0.5', null, { timeout: 15000 });
      await page.screenshot({ path: '/tmp/alerts-dev/player.png' });
    }
  } finally { await browser.close(); }
  if (!process.env.KEEP) { await a.stop(); redis.disconnect(); await env.cleanup(); }
})().catch((e) => { console.error(e); process.exit(1); });
