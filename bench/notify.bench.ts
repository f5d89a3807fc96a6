import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseConfig } from '../functions/shared/src/config';
import { EventType } from '../functions/shared/src/events';
import { deleteKeysUnder, waitUntil } from '../test/support';
import { parseRules } from '../functions/notify/src/core/rules';
import { DELIVERY_HEADER } from '../functions/notify/src/core/templates/webhook';
import { startNotify, type RunningNotify } from '../functions/notify/src/app/start-notify';
import { alertData, jsonOf, postEvent, startReceiver, type Receiver } from '../functions/notify/test/helpers';
import type { BenchContext } from './run';
import { percentile, type BenchTable } from './table';

/**
 * `npm run bench -- notify` (issue #24): a real notify (in-process, real Redis) sending to a real
 * local HTTP receiver over the webhook channel (signed JSON).
 * 1. alert.raised → received at the receiver, one incident at a time: p50/p95.
 * 2. A burst of BENCH_NOTIFY_BURST incidents (default 1,000) spread over BENCH_NOTIFY_BURST_SECONDS
 *    (default 60), with every 10th CloudEvent redelivered (Knative retries) and every 20th delivery
 *    answered 503 once (retried): the receiver counts by incident and by idempotency key
 *    (`X-SafetyHanta-Delivery`), so a lost or doubled message shows.
 */
export async function notifyBench(ctx: BenchContext): Promise<BenchTable> {
  const singles = Number(ctx.env.BENCH_NOTIFY_SINGLES ?? 200);
  const burst = Number(ctx.env.BENCH_NOTIFY_BURST ?? 1000);
  const burstSeconds = Number(ctx.env.BENCH_NOTIFY_BURST_SECONDS ?? 60);
  const prefix = `bench-notify-${randomUUID()}`;
  const refusedOnce = new Set<string>();
  let seen = 0;
  /** What the receiver accepted: arrivals per incident and per idempotency key. */
  const arrivals = new Map<string, number[]>();
  const byKey = new Map<string, number>();
  // every 20th new delivery id is answered 503 the first time (a receiver hiccup, retried)
  const receiver: Receiver = await startReceiver((r) => {
    const key = String(r.headers[DELIVERY_HEADER]);
    if (!refusedOnce.has(key) && seen++ % 20 === 19) {
      refusedOnce.add(key);
      return { status: 503 };
    }
    const inc = String(jsonOf({ ...r, status: 200 }).incidentId);
    arrivals.set(inc, [...(arrivals.get(inc) ?? []), r.at]);
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
    return { status: 200 };
  });
  const config = parseConfig({
    ...ctx.env,
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
    RECORD_DIR: 'off',
    NOTIFY_LINK_SECRET: 'bench-link-secret-0123456789',
    NOTIFY_PUBLIC_URL: 'http://dashboard.bench',
    NOTIFY_RETRY_BASE_MS: '200',
    NOTIFY_RETRY_MAX_MS: '2000',
  });
  const parsed = parseRules({
    channels: [{ id: 'hook', kind: 'webhook', url: `${receiver.url}/hook`, secret: 'bench-webhook-secret-0123' }],
    rules: [{ id: 'all', recipients: [{ name: 'safety-lead', channel: 'hook' }] }],
  });
  if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.message}`);
  let notify: RunningNotify | undefined;
  try {
    notify = await startNotify(config, { rules: parsed.rules });
    const url = notify.url;
    const firstArrival = (id: string) => arrivals.get(id)?.[0];

    // 1. one at a time: POST alert.raised → the receiver has it
    const single: number[] = [];
    for (let i = 0; i < singles; i++) {
      const data = alertData({ cameraId: `cam${i % 8}` });
      const t0 = Date.now();
      await postEvent(url, EventType.alertRaised, data);
      const at = await waitUntil(() => firstArrival(data.incidentId), { timeoutMs: 30_000, what: 'one message' });
      single.push(at - t0);
    }

    // 2. the burst, paced evenly over the minute
    const before = receiver.requests.length;
    const ids: string[] = [];
    const postedAt = new Map<string, number>();
    const started = Date.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < burst; i++) {
      const due = started + (i * burstSeconds * 1000) / burst;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const data = alertData({ cameraId: `cam${i % 50}` });
      const ceId = randomUUID();
      ids.push(data.incidentId);
      postedAt.set(data.incidentId, Date.now());
      posts.push(postEvent(url, EventType.alertRaised, data, { id: ceId }));
      if (i % 10 === 0) posts.push(postEvent(url, EventType.alertRaised, data, { id: ceId })); // redelivered
    }
    const statuses = (await Promise.all(posts)) as { status: number }[];
    const postedSeconds = (Date.now() - started) / 1000;
    const received = () => ids.filter((id) => arrivals.has(id)).length;
    await waitUntil(() => received() >= burst, {
      timeoutMs: 120_000,
      what: `all ${burst} burst messages at the receiver`,
    }).catch(() => undefined); // a shortfall is reported as lost below
    // let a late duplicate show up before counting
    await notify.sender.drainOnce();
    const got = ids.filter((id) => arrivals.has(id));
    const burstLatency = got.map((id) => arrivals.get(id)![0]! - postedAt.get(id)!);
    const lost = burst - got.length;
    const doubledIncidents = got.filter((id) => arrivals.get(id)!.length > 1).length;
    // over the whole run (singles included): no idempotency key may be accepted twice
    const doubledKeys = [...byKey.values()].filter((n) => n > 1).length;
    const refused = receiver.requests.slice(before).filter((r) => r.status >= 500).length;
    const fmt = (v: number[]) => `${percentile(v, 50)} / ${percentile(v, 95)} / ${Math.max(...v)}`;
    return {
      title: 'notify: alert.raised → webhook receiver (real notify, real Redis, local HTTP receiver)',
      command: 'npm run bench -- notify',
      columns: ['measure', 'value'],
      rows: [
        [`alert.raised → received, one at a time (n=${singles}), p50 / p95 / max ms`, fmt(single)],
        [
          `burst: incidents posted over ${postedSeconds.toFixed(1)} s (+ every 10th CloudEvent redelivered)`,
          `${burst} (+${Math.ceil(burst / 10)})`,
        ],
        ['burst: CloudEvents answered non-2xx by notify', statuses.filter((s) => s.status >= 300).length],
        ['burst: receiver answered 503 once (retried by notify)', refused],
        ['burst: incidents received', got.length],
        ['burst: lost (incidents never received)', lost],
        [
          'burst: doubled (incidents received twice / idempotency keys accepted twice)',
          `${doubledIncidents} / ${doubledKeys}`,
        ],
        ['burst: alert.raised → received, p50 / p95 / max ms (incl. the retried 1 in 20)', fmt(burstLatency)],
      ],
      notes: [
        'notify runs in the benchmark process (default NOTIFY_SEND_CONCURRENCY); the receiver is node:http on 127.0.0.1.',
        'Latency = receiver arrival time − time before the CloudEvent POST (same clock).',
      ],
    };
  } finally {
    await notify?.stop();
    await receiver.close();
    const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
}
