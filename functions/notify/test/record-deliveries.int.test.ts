import { EventType } from '../../shared/src/events';
import { redisKeys } from '../../shared/src/keys';
import { waitUntil, withRedis } from '../../../test/support';
import { alertData, postEvent, startReceiver, type Receiver, webhookRules } from './helpers';
import { startNotifyStack, type NotifyStack } from './stack';

jest.setTimeout(60_000);

interface Delivery {
  deliveryId: string;
  attempt: number;
  transition: string;
  channel: string;
  recipient: string;
  status: string;
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
  at: string;
}

/**
 * Issue #25 §2 "notification deliveries" (issue #24 §6 "every attempt is recorded"): notify's
 * attempts reach the system of record (a throwaway Postgres database) through its Redis stream,
 * and show on the incident's record; reading an entry twice records it once.
 */
describe("notify's deliveries in the record (real alerts + notify + Redis + Postgres, real webhook receiver)", () => {
  let receiver: Receiver;
  let stack: NotifyStack;
  const refused = new Set<string>();

  beforeAll(async () => {
    // the first request of each delivery is answered 500 (retried), the next 200
    receiver = await startReceiver((r) => {
      const id = String(r.headers['x-safetyhanta-delivery']);
      if (refused.has(id)) return { status: 200 };
      refused.add(id);
      return { status: 500 };
    });
    stack = await startNotifyStack(
      'deliveries',
      { ALERTS_AUTH: 'none' },
      { notify: (config) => [config, { rules: webhookRules(receiver.url) }] },
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const deliveriesOf = async (id: string): Promise<Delivery[] | undefined> => {
    const res = await fetch(`${stack.alerts.url}/api/incidents/${encodeURIComponent(id)}/record`);
    return res.ok ? ((await res.json()) as { deliveries: Delivery[] }).deliveries : undefined;
  };

  it('records every attempt (the 500 retried, then sent) on the incident, once each', async () => {
    const data = alertData({ severity: 'danger' });
    expect((await postEvent(stack.alerts.url, EventType.alertRaised, data)).status).toBe(200);
    expect((await postEvent(stack.notify.url, EventType.alertRaised, data)).status).toBe(200);
    const rows = await waitUntil(
      async () => {
        const d = await deliveriesOf(data.incidentId);
        return d?.some((x) => x.status === 'sent') ? d : undefined;
      },
      { timeoutMs: 20_000, what: 'the sent delivery in the record' },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        attempt: 1,
        transition: 'raised',
        channel: 'hook',
        recipient: 'safety-lead',
        status: 'retry',
        httpStatus: 500,
        error: expect.any(String),
      }),
      expect.objectContaining({ attempt: 2, status: 'sent', httpStatus: 200, error: null }),
    ]);
    expect(rows[0]!.deliveryId).toBe(rows[1]!.deliveryId);
    expect(rows.every((r) => r.latencyMs >= 0 && !Number.isNaN(Date.parse(r.at)))).toBe(true);

    // the stream read again (an alerts replica died before its XACK): the rows stay as they are
    const keys = redisKeys(stack.prefix);
    await withRedis(async (r) => {
      const all = await r.xrange(keys.notifyAttemptLog, '-', '+');
      for (const [, fields] of all) await r.xadd(keys.notifyAttemptLog, '*', ...fields);
      await waitUntil(
        async () => {
          const groups = (await r.xinfo('GROUPS', keys.notifyAttemptLog)) as unknown[][];
          const g = groups[0] ?? [];
          const newest = (await r.xrevrange(keys.notifyAttemptLog, '+', '-', 'COUNT', 1))[0]?.[0];
          // read up to the newest entry, and nothing left unacknowledged (inserted, then XACKed)
          return g[g.indexOf('last-delivered-id') + 1] === newest && g[g.indexOf('pending') + 1] === 0;
        },
        { what: 'the copies read and acknowledged by alerts' },
      );
    });
    const again = await deliveriesOf(data.incidentId);
    expect(again).toHaveLength(2);
  });
});
