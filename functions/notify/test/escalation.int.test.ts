import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAlerts, type RunningAlerts } from '../../alerts/src';
import { EventType, type AlertData } from '../../shared/src/events';
import { deleteKeysUnder, waitUntil, withRedis } from '../../../test/support';
import { startNotify, type RunningNotify } from '../src/app/start-notify';
import { parseRules } from '../src/core/rules';
import { alertData, jsonOf, notifyConfig, postEvent, startReceiver, type Receiver } from './helpers';

/**
 * Escalation with a compressed clock (notify's `now` is injected; the tick is called directly as the
 * PingSource would post it), against the real alerts function that serves the signed links.
 */
describe('escalation until acknowledged (real alerts + notify + Redis, injected clock)', () => {
  let receiver: Receiver;
  let alerts: RunningAlerts;
  let notify: RunningNotify;
  let prefix: string;
  let clipsDir: string;
  let clock = Date.now();

  beforeAll(async () => {
    receiver = await startReceiver();
    clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'notify-esc-'));
    const env = notifyConfig({ ALERTS_AUTH: 'none', CLIPS_DIR: clipsDir, NUM_STREAMS: '1' });
    prefix = env.prefix;
    alerts = await startAlerts(env.config, { port: 0 });
    const rules = parseRules({
      channels: [{ id: 'hook', kind: 'webhook', url: receiver.url }],
      rules: [
        {
          id: 'danger',
          recipients: [{ name: 'lead', channel: 'hook' }],
          escalation: { afterMinutes: 2, tiers: [[{ name: 'manager', channel: 'hook' }]] },
        },
      ],
    });
    if (!rules.ok) throw new Error(rules.message);
    const config = { ...env.config, notify: { ...env.config.notify, publicUrl: alerts.url } };
    notify = await startNotify(config, { rules: rules.rules, now: () => clock });
  });
  afterAll(async () => {
    await notify.stop();
    await alerts.stop();
    await receiver.close();
    await fs.rm(clipsDir, { recursive: true, force: true });
    await withRedis((r) => deleteKeysUnder(r, prefix));
  });

  const both = async (type: (typeof EventType)[keyof typeof EventType], data: AlertData) => {
    expect((await postEvent(alerts.url, type, data)).status).toBeLessThan(300);
    expect((await postEvent(notify.url, type, data)).status).toBeLessThan(300);
  };
  const told = (incidentId: string) =>
    receiver
      .accepted()
      .map(jsonOf)
      .filter((b) => b.incidentId === incidentId);
  const tick = async () => {
    const r = await notify.notifier.onTick();
    await notify.sender.drainOnce();
    return r;
  };
  const incident = async (id: string) =>
    (await (await fetch(`${alerts.url}/api/incidents/${id}`)).json()) as {
      acknowledgedBy?: string;
      acknowledgedAt?: string;
    };

  it('reaches tier 2 after the set time, again each period; a GET of the link does not stop it, the POST does', async () => {
    const d = alertData({ severity: 'danger' });
    await both(EventType.alertRaised, d);
    await waitUntil(() => told(d.incidentId).length === 1, { what: 'the first message' });
    expect(told(d.incidentId)[0]).toMatchObject({ recipient: 'lead', transition: 'raised' });

    clock += 119_000;
    expect((await tick()).escalated).toBe(0);
    clock += 1_000; // 2 minutes: tier 2
    expect((await tick()).escalated).toBe(1);
    const tier2 = await waitUntil(() => told(d.incidentId).find((b) => b.transition === 'escalation-1'), {
      what: 'tier 2',
    });
    expect(tier2.recipient).toBe('manager');
    expect(tier2.continues).toBe(d.incidentId);

    // a mail scanner or Slack unfurler fetches the link: it shows the button, acknowledges nothing
    const link = String(tier2.ackUrl);
    expect(link.startsWith(`${alerts.url}/ack/`)).toBe(true);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Acknowledge');
    expect((await incident(d.incidentId)).acknowledgedAt).toBeUndefined();
    clock += 120_000;
    expect((await tick()).escalated).toBe(1);
    await waitUntil(() => told(d.incidentId).find((b) => b.transition === 'escalation-2'), {
      what: 'the last tier again',
    });

    // the POST acknowledges as the link's recipient and stops the escalation
    const post = await fetch(link, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(303);
    expect(await incident(d.incidentId)).toMatchObject({
      acknowledgedBy: 'manager',
      acknowledgedAt: expect.any(String),
    });
    const before = told(d.incidentId).length;
    clock += 600_000;
    expect((await tick()).escalated).toBe(0);
    expect(told(d.incidentId)).toHaveLength(before);

    // a forged or other-incident token is refused
    expect((await fetch(`${link.slice(0, -3)}AAA`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
  });

  it('warning → danger after an acknowledgement notifies again and escalates until acknowledged again', async () => {
    const w = alertData({ severity: 'warning', status: 'warning', hazardType: 'no_hard_hat' });
    await both(EventType.alertRaised, w);
    const first = await waitUntil(() => told(w.incidentId)[0], { what: 'the warning message' });
    expect((await fetch(String(first.ackUrl), { method: 'POST', redirect: 'manual' })).status).toBe(303);
    expect((await incident(w.incidentId)).acknowledgedBy).toBe('lead');

    const danger = {
      ...w,
      severity: 'danger' as const,
      status: 'danger' as const,
      analyzedAt: new Date(Date.now() + 1000).toISOString(),
    };
    await both(EventType.alertUpdated, danger);
    await waitUntil(() => told(w.incidentId).find((b) => b.transition === 'severity-up'), {
      what: 'the severity-up message',
    });
    expect((await incident(w.incidentId)).acknowledgedAt).toBeUndefined(); // the acknowledgement covered the warning
    clock += 120_000;
    expect((await tick()).escalated).toBe(1);
    await waitUntil(() => told(w.incidentId).find((b) => b.transition === 'escalation-1'), {
      what: 'escalation of the danger',
    });
  });
});
