import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { INCIDENT_CSV_COLUMNS } from '../src/core/csv';
import { alertData, EventType, postEvent, testEnv } from './helpers';
import { createThrowawayDatabase, openTemplatePglite, RECORD_BACKENDS } from '../../../test/support/record-db';
import { deleteKeysUnder, makeTestClip, withRedis } from '../../../test/support';
import { launchChromium } from '../../../test/support/browser';

/** Response body as JSON, loosely typed (tests assert its shape). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(RECORD_BACKENDS)('the record on %s, through the alerts API', (backend) => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let alerts: RunningAlerts;
  let dropDb: (() => Promise<void>) | undefined;
  const t0 = Date.parse('2026-12-01T08:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
  const fire = alertData({
    incidentId: `fire-${randomUUID()}`,
    cameraId: 'cam1',
    summary: '화재 감지: 작업장 바닥에 불꽃이 보입니다.',
    clipPath: 'cam1/20261201T080000Z.mp4',
    openedAt: at(0),
    analyzedAt: at(0),
    capturedAt: at(0),
  });
  const helmet = alertData({
    incidentId: `helmet-${randomUUID()}`,
    cameraId: 'cam2',
    severity: 'warning',
    status: 'warning',
    hazardType: 'no_hard_hat',
    hazards: [{ type: 'no_hard_hat', description: 'worker without a helmet', confidence: 0.8 }],
    summary: 'A worker near the press is not wearing a helmet.',
    clipPath: 'cam2/20261201T090000Z.mp4',
    openedAt: at(60),
    analyzedAt: at(60),
    capturedAt: at(60),
  });

  beforeAll(async () => {
    let extra: Record<string, string> = { RECORD_DIR: 'memory' };
    if (backend === 'postgres') {
      const db = await createThrowawayDatabase();
      dropDb = () => db.drop();
      extra = { DATABASE_URL: db.url };
    }
    env = await testEnv({ ...extra, RECORD_RETENTION_INTERVAL_MS: '0' });
    await makeTestClip(path.join(env.clipsDir, fire.clipPath), { seconds: 1 });
    // PGlite from the run's migrated template (1.9 CPU-s, not 8.4 for initdb + migrations; record-migrate.int migrates)
    alerts = await startAlerts(env.config, backend === 'pglite' ? { openRecord: openTemplatePglite } : {});
  });
  afterAll(async () => {
    await alerts?.stop();
    await env?.cleanup();
    await dropDb?.();
  });

  test('events are recorded once each (redelivery is a no-op) and the history outlives a Redis flush', async () => {
    const raised = `${fire.incidentId}-raised`;
    expect((await postEvent(alerts.url, EventType.alertRaised, fire, { id: raised })).status).toBeLessThan(300);
    const again = await postEvent(alerts.url, EventType.alertRaised, fire, { id: raised });
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    const update = {
      ...fire,
      summary: '불꽃이 번지고 있습니다',
      analyzedAt: at(1),
      clipPath: 'cam1/20261201T080100Z.mp4',
    };
    await postEvent(alerts.url, EventType.alertUpdated, update, { id: `${fire.incidentId}-update-2` });
    const resolved = { ...update, state: 'resolved', status: 'safe', analyzedAt: at(5), resolvedAt: at(5) };
    await postEvent(alerts.url, EventType.alertResolved, resolved, { id: `${fire.incidentId}-resolved` });
    await postEvent(alerts.url, EventType.alertRaised, helmet, { id: `${helmet.incidentId}-raised` });

    await withRedis((r) => deleteKeysUnder(r, env.prefix)); // Redis flushed: the record still has everything
    const page = await json(fetch(`${alerts.url}/api/incidents?limit=10`));
    expect(page.total).toBe(2);
    expect(page.incidents.map((i: any) => i.incidentId)).toEqual([helmet.incidentId, fire.incidentId]);
    const rec = await json(fetch(`${alerts.url}/api/incidents/${fire.incidentId}/record`));
    expect(rec.incident).toMatchObject({
      state: 'resolved',
      peakSeverity: 'danger',
      clipPaths: [fire.clipPath, update.clipPath],
    });
    expect(rec.transitions.map((t: any) => t.kind)).toEqual(['raised', 'updated', 'resolved']);
  });

  test('filters: camera, hazard, severity, state, time, and text search in Korean and English', async () => {
    const ids = async (q: string) =>
      (await json(fetch(`${alerts.url}/api/incidents?${q}`))).incidents.map((i: any) => i.incidentId);
    expect(await ids('camera=cam2')).toEqual([helmet.incidentId]);
    expect(await ids('camera=cam1,cam2')).toHaveLength(2);
    expect(await ids('hazard=fire')).toEqual([fire.incidentId]);
    expect(await ids('severity=warning')).toEqual([helmet.incidentId]);
    expect(await ids('state=resolved')).toEqual([fire.incidentId]);
    expect(await ids(`from=${encodeURIComponent(at(30))}`)).toEqual([helmet.incidentId]);
    expect(await ids('to=2026-11-30')).toEqual([]);
    expect(await ids(`q=${encodeURIComponent('불꽃')}`)).toEqual([fire.incidentId]);
    expect(await ids(`q=${encodeURIComponent('번지고')}`)).toEqual([fire.incidentId]); // an earlier summary too
    expect(await ids('q=HELMET')).toEqual([helmet.incidentId]);
    expect(await ids(`q=${encodeURIComponent('50%')}`)).toEqual([]);
    expect((await fetch(`${alerts.url}/api/incidents?severity=bad`)).status).toBe(400);
  });

  test('acknowledge with a note, assign, and a corrective action through every state (illegal moves: 409 naming the state)', async () => {
    const base = `${alerts.url}/api/incidents/${helmet.incidentId}`;
    expect((await post(`${base}/ack`, { note: '현장 확인 중' })).status).toBe(200);
    expect((await post(`${base}/assign`, { owner: '김안전' })).status).toBe(200);
    const created = await post(`${base}/actions`, { text: '안전모 착용 교육', owner: '김안전', due: '2026-12-02' });
    expect(created.status).toBe(201);
    const { actionId } = (await created.json()) as { actionId: string };
    const move = (to: string, comment?: string) =>
      post(`${alerts.url}/api/actions/${actionId}/transition`, { to, ...(comment ? { comment } : {}) });
    const skip = await move('done');
    expect([skip.status, ((await skip.json()) as { error: string }).error]).toEqual([
      409,
      'action is open; it can move to in_progress, not done',
    ]);
    expect((await move('in_progress')).status).toBe(200);
    // overdue: still open past its due date (the test's incidents are in 2026-12-01; due 12-02 is past)
    const overdue = await json(fetch(`${alerts.url}/api/incidents?actionStatus=overdue`));
    expect(overdue.incidents.map((i: any) => [i.incidentId, i.overdueActions])).toEqual([[helmet.incidentId, 1]]);
    expect((await move('done')).status).toBe(200);
    expect((await move('verified')).status).toBe(400); // closing needs a comment
    expect((await move('verified', '교육 이수 확인')).status).toBe(200);
    const closed = await move('in_progress');
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { error: string }).error).toMatch(/verified/);

    const rec = await json(fetch(`${base}/record`));
    expect(rec.incident).toMatchObject({ ackNote: '현장 확인 중', owner: '김안전', openActions: 0 });
    expect(rec.actions[0]).toMatchObject({ status: 'verified', closedComment: '교육 이수 확인' });
    expect(rec.actionEvents.map((e: any) => e.to)).toEqual(['open', 'in_progress', 'done', 'verified']);
    const byAck = await json(
      fetch(`${alerts.url}/api/incidents?acknowledgedBy=${encodeURIComponent('anonymous (auth off)')}`),
    );
    expect(byAck.incidents.map((i: any) => i.incidentId)).toEqual([helmet.incidentId]);
    expect((await json(fetch(`${alerts.url}/api/incidents?actionStatus=verified`))).total).toBe(1);
  });

  test('operator feedback is recorded (given and withdrawn), audited, and listed in the incident record and bundle', async () => {
    // Redis was flushed above: the helmet incident's redelivered event refills Redis (the record keeps one copy)
    const again = await postEvent(alerts.url, EventType.alertRaised, helmet, { id: `${helmet.incidentId}-raised` });
    expect(again.status).toBeLessThan(300);
    const jobId = `job-${randomUUID()}`;
    await postEvent(alerts.url, EventType.verdictCreated, {
      jobId,
      cameraId: 'cam1',
      clipPath: fire.clipPath,
      status: 'danger',
      hazards: fire.hazards,
      summary: '용접 불꽃을 화재로 보았습니다',
      model: 'vllm-sim',
      capturedAt: at(0),
      analyzedAt: at(0),
    });
    const onIncident = { kind: 'incident', id: helmet.incidentId };
    const mark = await post(`${alerts.url}/api/feedback`, {
      target: onIncident,
      kind: 'false_alarm',
      hazards: ['no_hard_hat'],
      note: '모자를 쓰고 있음',
    });
    expect(mark.status).toBe(201);
    const onVerdict = { kind: 'verdict', id: jobId };
    expect(
      (await post(`${alerts.url}/api/feedback`, { target: onVerdict, kind: 'false_alarm', hazards: ['fire'] })).status,
    ).toBe(201);
    expect((await post(`${alerts.url}/api/feedback/remove`, { target: onVerdict, kind: 'false_alarm' })).status).toBe(
      200,
    );
    expect((await post(`${alerts.url}/api/feedback/remove`, { target: onVerdict, kind: 'false_alarm' })).status).toBe(
      404,
    );

    const helmetRec = await json(fetch(`${alerts.url}/api/incidents/${helmet.incidentId}/record`));
    expect(helmetRec.feedback).toEqual([
      expect.objectContaining({
        op: 'given',
        targetKind: 'incident',
        kind: 'false_alarm',
        hazards: ['no_hard_hat'],
        note: '모자를 쓰고 있음',
      }),
    ]);
    // a verdict's feedback belongs to the incident whose clip it judged; the withdrawal is kept too
    const fireRec = await json(fetch(`${alerts.url}/api/incidents/${fire.incidentId}/record`));
    expect(fireRec.feedback.map((f: any) => `${f.op} ${f.targetId} ${f.clipPath}`)).toEqual([
      `given ${jobId} ${fire.clipPath}`,
      `withdrawn ${jobId} ${fire.clipPath}`,
    ]);
    const { entries } = await json(fetch(`${alerts.url}/api/audit?limit=1000`));
    const audited = (entries as any[]).map((e) => `${e.action} ${e.target}`);
    expect(audited).toEqual(
      expect.arrayContaining([
        `feedback.give ${helmet.incidentId}`,
        `feedback.give ${fire.clipPath}`,
        `feedback.withdraw ${fire.clipPath}`,
      ]),
    );
    // self-audited: the generic "change POST" entry is not written as well
    expect(audited.filter((a) => a.startsWith('change POST /api/feedback'))).toEqual([]);
  });

  test('every view and export is in the audit log (admin only), with who, what and from where', async () => {
    expect((await fetch(`${alerts.url}/clips/${fire.clipPath}`)).status).toBe(200);
    expect((await fetch(`${alerts.url}/api/incidents.csv`)).status).toBe(200);
    expect((await fetch(`${alerts.url}/api/incidents/${fire.incidentId}/bundle.zip`)).status).toBe(200);
    const { entries } = await json(fetch(`${alerts.url}/api/audit?limit=1000`));
    const actions = (entries as any[]).map((e) => `${e.action} ${e.target}`);
    for (const want of [
      `view.clip ${fire.clipPath}`,
      'export.csv incidents',
      `export.bundle ${fire.incidentId}`,
      `view.incident ${fire.incidentId}`,
      'view.history incidents',
      `incident.acknowledge ${helmet.incidentId}`,
      `action.transition ${helmet.incidentId}`,
    ])
      expect(actions).toContain(want);
    expect(entries[0]).toMatchObject({
      actor: 'anonymous (auth off)',
      role: 'admin',
      address: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  test('the CSV has the contract columns, a Korean-safe BOM and the status history', async () => {
    const res = await fetch(`${alerts.url}/api/incidents.csv?camera=cam1`);
    const buf = Buffer.from(await res.arrayBuffer());
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(INCIDENT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(fire.incidentId);
    expect(lines[1]).toMatch(/raised danger; .* updated danger; .* resolved danger/);
  });

  test('the evidence bundle: clips, incident JSON, audit trail, and a manifest whose SHA-256s match', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-'));
    try {
      const res = await fetch(`${alerts.url}/api/incidents/${fire.incidentId}/bundle.zip`);
      expect(res.headers.get('content-type')).toBe('application/zip');
      await fs.writeFile(path.join(dir, 'b.zip'), Buffer.from(await res.arrayBuffer()));
      await promisify(execFile)('unzip', ['-q', 'b.zip', '-d', 'out'], { cwd: dir });
      const manifest = JSON.parse(await fs.readFile(path.join(dir, 'out', 'manifest.json'), 'utf8'));
      const names = (manifest.files as any[]).map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(['incident.json', 'audit-trail.json']));
      expect(names.some((n) => n.startsWith('clips/') && n.endsWith('.mp4'))).toBe(true);
      expect(names.some((n) => n.startsWith('thumbnails/'))).toBe(true);
      for (const f of manifest.files as { name: string; sha256: string }[]) {
        const data = await fs.readFile(path.join(dir, 'out', f.name));
        expect(createHash('sha256').update(data).digest('hex')).toBe(f.sha256);
      }
      // the second clip was never written: listed as missing, never looked for outside CLIPS_DIR
      expect(manifest.missing.map((m: any) => m.clipPath)).toEqual(['cam1/20261201T080100Z.mp4']);
      const trail = JSON.parse(await fs.readFile(path.join(dir, 'out', 'audit-trail.json'), 'utf8'));
      expect(trail.map((e: any) => e.action)).toEqual(expect.arrayContaining(['export.bundle', 'feedback.give']));
      const doc = JSON.parse(await fs.readFile(path.join(dir, 'out', 'incident.json'), 'utf8'));
      expect(doc.feedback.map((f: any) => f.op)).toEqual(['given', 'withdrawn']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('the daily report: HTML rendered in chromium (heatmap, overdue action, top incident) and a PDF of ≥ 1 page', async () => {
    const base = `${alerts.url}/api/incidents/${fire.incidentId}`;
    expect(
      (await post(`${base}/actions`, { text: '소화기 점검', owner: '박', due: '2026-12-01T10:00:00Z' })).status,
    ).toBe(201);
    // 2026-12-01 in KST (RECORD_REPORT_UTC_OFFSET default +09:00) holds both incidents (08:00 and 09:00 UTC)
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      const res = await page.goto(`${alerts.url}/reports/daily?date=2026-12-01`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toContain('daily report 2026-12-01');
      expect(await page.locator('table.matrix tbody tr').count()).toBe(2); // fire, no_hard_hat
      expect(await page.locator('table.heatmap td.heat-5').count()).toBe(2); // one incident per camera: the max
      expect(await page.locator('tr.overdue').textContent()).toContain('소화기 점검');
      expect(await page.locator('figure.top').count()).toBe(2);
      // the stylesheet applied (no inline style anywhere: the CSP allows 'self' only)
      const bg = await page.evaluate("getComputedStyle(document.querySelector('tr.overdue td')).backgroundColor");
      expect(bg).toBe('rgb(255, 224, 224)');
      // the fire clip's thumbnail was extracted (ffmpeg); the helmet clip was never written, so its image 404s
      const widths = await page.evaluate(
        "[...document.querySelectorAll('figure.top img')].map((i) => [i.alt, i.naturalWidth > 0])",
      );
      expect(widths).toEqual(expect.arrayContaining([['cam1', true]]));
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);

      // the history page: every incident from the record, the overdue one highlighted, filters work
      await page.goto(`${alerts.url}/history`);
      await page.locator('#rows tr').nth(1).waitFor();
      expect(await page.locator('#rows tr').count()).toBe(2);
      expect(await page.locator('#rows tr.overdue').getAttribute('data-incident-id')).toBe(fire.incidentId);
      await page.fill('input[name=q]', 'helmet');
      await page.click('#filters button[type=submit]');
      await page.locator('#rows tr').nth(1).waitFor({ state: 'detached' });
      expect(await page.locator('#rows tr').getAttribute('data-incident-id')).toBe(helmet.incidentId);
      expect(await page.locator('#csv-link').getAttribute('href')).toBe('/api/incidents.csv?q=helmet');
    } finally {
      await browser.close();
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'report-'));
    try {
      const pdf = await fetch(`${alerts.url}/reports/daily.pdf?date=2026-12-01`);
      expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
      await fs.writeFile(path.join(dir, 'r.pdf'), Buffer.from(await pdf.arrayBuffer()));
      await promisify(execFile)('pdftoppm', ['-r', '20', '-png', 'r.pdf', 'page'], { cwd: dir });
      expect((await fs.readdir(dir)).filter((f) => f.startsWith('page')).length).toBeGreaterThanOrEqual(1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    const { entries } = await json(fetch(`${alerts.url}/api/audit?action=view.report`));
    expect(entries.map((e: any) => `${e.target} ${e.detail.format}`).sort()).toEqual([
      'report:daily:2026-12-01 html',
      'report:daily:2026-12-01 pdf',
    ]);
  });
});
