import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAlerts } from '../../alerts/src';
import { EventType } from '../../shared/src/events';
import { waitUntil, withRedis, deleteKeysUnder } from '../../../test/support';
import type { RulesFile } from '../src/core/rules';
import { startNotify, type RunningNotify } from '../src/app/start-notify';
import { SIGNATURE_HEADER, DELIVERY_HEADER, verifySignature } from '../src/core/templates/webhook';
import { verifyAckToken } from '../../shared/src/ack-link';
import { alertData, jsonOf, notifyConfig, postEvent, startReceiver, type Receiver, webhookRules } from './helpers';

const SECRET = 'webhook-secret-0123456789';

const rulesFor = (url: string): RulesFile => webhookRules(url, { secret: SECRET });

describe('notify delivery through a real webhook receiver (real Redis)', () => {
  let receiver: Receiver;
  let notify: RunningNotify;
  let prefix: string;
  let failUntil = 0;

  beforeAll(async () => {
    // answers 500 while `failUntil` is in the future, then 200: the failure test moves it
    receiver = await startReceiver(() => ({ status: Date.now() < failUntil ? 500 : 200 }));
    const env = notifyConfig({ NOTIFY_MAX_ATTEMPTS: '40' });
    prefix = env.prefix;
    notify = await startNotify(env.config, { rules: rulesFor(`${receiver.url}/hook`) });
  });
  afterAll(async () => {
    await notify.stop();
    await receiver.close();
    await withRedis((r) => deleteKeysUnder(r, prefix));
  });

  it('signs the JSON body (HMAC over timestamp + body), links a signed acknowledge URL, and a redelivered event notifies once', async () => {
    const data = alertData({ severity: 'danger' });
    const id = `${data.incidentId}-raised`;
    expect((await postEvent(notify.url, EventType.alertRaised, data, { id })).status).toBe(200);
    expect((await postEvent(notify.url, EventType.alertRaised, data, { id })).status).toBe(200); // Knative redelivery
    const got = await waitUntil(() => receiver.accepted().find((r) => jsonOf(r).incidentId === data.incidentId), {
      what: 'the webhook post',
    });
    const sig = String(got.headers[SIGNATURE_HEADER]);
    expect(verifySignature(SECRET, sig, Buffer.from(got.body, 'latin1').toString('utf8'), Date.now())).toBe(true);
    expect(verifySignature('another-secret-0123456789', sig, got.body, Date.now())).toBe(false);
    expect(verifySignature(SECRET, sig, got.body.replace('danger', 'warning'), Date.now())).toBe(false);
    const body = jsonOf(got);
    expect(body).toMatchObject({ transition: 'raised', recipient: 'safety-lead', severity: 'danger' });
    expect(got.headers[DELIVERY_HEADER]).toBe(body.deliveryId);
    const token = String(body.ackUrl).split('/ack/')[1] ?? '';
    const claims = verifyAckToken(token, 'test-link-secret-0123456789', Date.now());
    expect(claims).toMatchObject({ ok: true, claims: { incidentId: data.incidentId, recipient: 'safety-lead' } });
    // give a second (wrong) delivery time to show up before counting
    await notify.sender.drainOnce();
    expect(receiver.accepted().filter((r) => jsonOf(r).incidentId === data.incidentId)).toHaveLength(1);
  });

  it('later updates are told only on a severity increase and on resolution, each naming the incident it continues', async () => {
    const warn = alertData({ severity: 'warning', status: 'warning', hazardType: 'no_hard_hat' });
    const mine = () =>
      receiver
        .accepted()
        .map(jsonOf)
        .filter((b) => b.incidentId === warn.incidentId);
    await postEvent(notify.url, EventType.alertRaised, warn);
    await postEvent(notify.url, EventType.alertUpdated, { ...warn, clipCount: 2 }); // same severity: silent
    await postEvent(notify.url, EventType.alertUpdated, {
      ...warn,
      severity: 'danger',
      status: 'danger',
      clipCount: 3,
    });
    await postEvent(notify.url, EventType.alertResolved, { ...warn, state: 'resolved', status: 'safe' });
    await waitUntil(() => mine().length >= 3, { what: 'three messages' });
    await notify.sender.drainOnce();
    const told = mine();
    expect(told.map((b) => b.transition).sort()).toEqual(['raised', 'resolved', 'severity-up']);
    for (const b of told.filter((x) => x.transition !== 'raised')) expect(b.continues).toBe(warn.incidentId);
  });

  it('a receiver answering 500 for a while then 200 gets each message exactly once; every attempt is recorded', async () => {
    failUntil = Date.now() + 1500; // the "500 for 30 s", compressed (NOTIFY_RETRY_* are ms here)
    const incidents = Array.from({ length: 5 }, () => alertData());
    await Promise.all(incidents.map((d) => postEvent(notify.url, EventType.alertRaised, d)));
    const ids = new Set(incidents.map((d) => d.incidentId));
    const mine = () => receiver.accepted().filter((r) => ids.has(String(jsonOf(r).incidentId)));
    await waitUntil(() => mine().length >= 5, { what: 'five messages after the outage', timeoutMs: 20_000 });
    await notify.sender.drainOnce();
    const counts = new Map<string, number>();
    for (const r of mine())
      counts.set(String(jsonOf(r).incidentId), (counts.get(String(jsonOf(r).incidentId)) ?? 0) + 1);
    expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
    const failed = receiver.requests.filter((r) => r.status === 500 && ids.has(String(jsonOf(r).incidentId)));
    expect(failed.length).toBeGreaterThan(0);
    const attempts = (await notify.queue.attempts(1000)).filter((a) => ids.has(a.incidentId));
    expect(attempts.filter((a) => a.status === 'retry').length).toBe(failed.length);
    expect(attempts.filter((a) => a.status === 'sent')).toHaveLength(5);
    expect(attempts.find((a) => a.status === 'retry')).toMatchObject({
      httpStatus: 500,
      channel: 'hook',
      recipient: 'safety-lead',
    });
    expect(await notify.queue.pending()).toBe(0);
  });
});

describe('notify dead letter (real Redis, a receiver that stays down)', () => {
  it('retries with backoff, honours Retry-After, then dead-letters the delivery where the dashboard reads it', async () => {
    const receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'notify-dead-'));
    const env = notifyConfig({ NOTIFY_MAX_ATTEMPTS: '3', ALERTS_AUTH: 'none', CLIPS_DIR: clipsDir });
    const notify = await startNotify(env.config, { rules: rulesFor(receiver.url) });
    const alerts = await startAlerts(env.config, { port: 0 });
    try {
      const data = alertData();
      await postEvent(notify.url, EventType.alertRaised, data);
      const dead = await waitUntil(
        async () => (await notify.queue.dead()).find((d) => d.message.incidentId === data.incidentId),
        {
          what: 'a dead letter',
          timeoutMs: 15_000,
        },
      );
      expect(dead).toMatchObject({ attempts: 3, lastStatus: 503, recipient: { name: 'safety-lead' } });
      expect(receiver.requests).toHaveLength(3);
      expect(await notify.queue.pending()).toBe(0);
      expect((await notify.queue.stats()).dead).toBe(1);
      // the dashboard shows it: "notification failed" (banner + Notifications page read this API)
      const api = (await (await fetch(`${alerts.url}/api/notifications`)).json()) as {
        failed: { message: { incidentId: string }; lastError?: string; idempotencyKey?: string }[];
        attempts: { status: string }[];
      };
      expect(api.failed.map((f) => f.message.incidentId)).toContain(data.incidentId);
      expect(api.failed[0]?.idempotencyKey).toBeUndefined();
      expect(api.attempts.map((a) => a.status)).toEqual(['dead', 'retry', 'retry']);
      expect((await fetch(`${alerts.url}/notifications`)).status).toBe(200);
    } finally {
      await alerts.stop();
      await fs.rm(clipsDir, { recursive: true, force: true });
      await notify.stop();
      await receiver.close();
      await withRedis((r) => deleteKeysUnder(r, env.prefix));
    }
  });
});
