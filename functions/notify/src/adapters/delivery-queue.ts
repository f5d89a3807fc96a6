import path from 'node:path';
import type { Redis } from 'ioredis';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';
import type { RedisKeys } from '../../../shared/src/keys';
import type { AttemptRecord, Delivery } from '../core/delivery';

const scripts = luaScripts('notify', path.join(__dirname, 'lua'), {
  /** 1 queued, 0 already queued once */
  'enqueue-4': lua({
    keys: ['once', 'deliveries', 'due', 'stats'],
    args: ['id', 'json', 'dueMs', 'onceTtlSeconds'],
    reply: luaReply.number,
  }),
  /** flat [id, delivery JSON, ...] */
  'claim-2': lua({ keys: ['due', 'deliveries'], args: ['nowMs', 'leaseMs', 'max'], reply: luaReply.strings }),
  'finish-6': lua({
    keys: ['due', 'deliveries', 'attempts', 'dead', 'stats', 'attemptLog'],
    args: ['id', 'outcome', 'attempt', 'json', 'nextDueMs', 'cap', 'attemptLogCap'],
    reply: (raw) => raw,
  }),
  /** 1 written, 0 conflict */
  'cas-1': lua({ keys: ['incidents'], args: ['field', 'expectedRev', 'json'], reply: luaReply.number }),
});
export { scripts as notifyScripts };

/**
 * Attempts the record's stream keeps unread (about a day of a busy plant): alerts drains it every
 * second, so only an alerts outage this long would lose entries (MAXLEN ~ trims the oldest).
 */
export const ATTEMPT_LOG_CAP = 100_000;

/**
 * Appends an attempt that did not go through the outbox (the daily report mail) to the record's
 * stream, trimmed as finish-6 trims it (XADD MAXLEN ~: https://redis.io/docs/latest/commands/xadd/).
 */
export async function appendAttemptLog(redis: Redis, keys: RedisKeys, attempt: AttemptRecord): Promise<void> {
  await redis.xadd(keys.notifyAttemptLog, 'MAXLEN', '~', ATTEMPT_LOG_CAP, '*', 'attempt', JSON.stringify(attempt));
}

export interface DeliveryQueueOptions {
  /** How long an idempotency marker lives (a redelivery later than this would be told again). @default 7 days */
  readonly onceTtlSeconds?: number;
  /** Attempts and dead letters kept. @default 1000 */
  readonly listCap?: number;
}

export interface Claimed {
  readonly delivery: Delivery;
}

/**
 * The durable outbox in Redis (issue #24 §6): a HASH of pending deliveries and a ZSET of when each
 * is due. Queued once per idempotency key; claimed with a lease (a sender killed mid-send loses
 * nothing: the delivery falls due again); settled in one script with its attempt record.
 */
export class DeliveryQueue {
  private readonly lua;
  private readonly onceTtl: number;
  private readonly cap: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    opts: DeliveryQueueOptions = {},
  ) {
    this.lua = scripts(redis);
    this.onceTtl = opts.onceTtlSeconds ?? 7 * 86400;
    this.cap = opts.listCap ?? 1000;
  }

  /** Queues the delivery unless its idempotency key was queued before; true when queued now. */
  async enqueue(d: Delivery, dueMs: number): Promise<boolean> {
    const k = this.keys;
    const r = await this.lua.enqueue(
      { once: k.notifyOnce(d.id), deliveries: k.notifyDeliveries, due: k.notifyDue, stats: k.notifyStats },
      { id: d.id, json: JSON.stringify(d), dueMs, onceTtlSeconds: this.onceTtl },
    );
    return r === 1;
  }

  /** Up to `max` deliveries due at `nowMs`, each leased for `leaseMs`. */
  async claim(nowMs: number, leaseMs: number, max: number): Promise<Delivery[]> {
    const flat = await this.lua.claim(
      { due: this.keys.notifyDue, deliveries: this.keys.notifyDeliveries },
      { nowMs, leaseMs, max },
    );
    const out: Delivery[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push(JSON.parse(flat[i + 1] as string) as Delivery);
    return out;
  }

  /** Records the attempt and settles the delivery. */
  async finish(d: Delivery, outcome: 'sent' | 'retry' | 'dead', attempt: AttemptRecord, nextDueMs = 0): Promise<void> {
    const k = this.keys;
    await this.lua.finish(
      {
        due: k.notifyDue,
        deliveries: k.notifyDeliveries,
        attempts: k.notifyAttempts,
        dead: k.notifyDead,
        stats: k.notifyStats,
        attemptLog: k.notifyAttemptLog,
      },
      {
        id: d.id,
        outcome,
        attempt: JSON.stringify(attempt),
        json: JSON.stringify(d),
        nextDueMs,
        cap: this.cap,
        attemptLogCap: ATTEMPT_LOG_CAP,
      },
    );
  }

  /** The earliest due time (ms), or undefined when nothing is pending. */
  async nextDue(): Promise<number | undefined> {
    const r = await this.redis.zrange(this.keys.notifyDue, '0', '0', 'WITHSCORES');
    return r[1] === undefined ? undefined : Number(r[1]);
  }

  async pending(): Promise<number> {
    return this.redis.hlen(this.keys.notifyDeliveries);
  }

  async dead(limit = 100): Promise<Delivery[]> {
    return (await this.redis.lrange(this.keys.notifyDead, 0, limit - 1)).map((s) => JSON.parse(s) as Delivery);
  }

  async attempts(limit = 200): Promise<AttemptRecord[]> {
    return (await this.redis.lrange(this.keys.notifyAttempts, 0, limit - 1)).map((s) => JSON.parse(s) as AttemptRecord);
  }

  async stats(): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.keys.notifyStats);
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }
}
