import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { toError } from '../../../shared/src/errors';
import type { Queryable } from '../../../shared/src/record/db';

/** One send attempt as notify writes it to its stream (functions/notify/src/core/delivery.ts `AttemptRecord`). */
const AttemptSchema = z.object({
  at: z.string(),
  deliveryId: z.string().min(1).max(200),
  channel: z.string().max(200),
  recipient: z.string().max(200),
  incidentId: z.string().min(1).max(300),
  transition: z.string().max(100),
  attempt: z.number().int().min(1),
  status: z.enum(['sent', 'retry', 'dead']),
  httpStatus: z.number().int().optional(),
  error: z.string().optional(),
  latencyMs: z.number().min(0),
});
export type RecordedAttempt = z.infer<typeof AttemptSchema>;

const COLUMNS =
  'delivery_id, attempt, incident_id, transition, channel, recipient, status, http_status, error, latency_ms, at';

/** The record's notification deliveries (migrations/004_notification_deliveries.sql). */
export class DeliveryLog {
  constructor(private readonly db: Queryable) {}

  /** Inserts attempts; one already recorded (same delivery id and attempt) is skipped. */
  async insert(attempts: readonly RecordedAttempt[]): Promise<void> {
    for (const a of attempts)
      await this.db.query(
        `INSERT INTO notification_deliveries (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (delivery_id, attempt) DO NOTHING`,
        [
          a.deliveryId,
          a.attempt,
          a.incidentId,
          a.transition,
          a.channel,
          a.recipient,
          a.status,
          a.httpStatus ?? null,
          a.error?.slice(0, 2000) ?? null,
          Math.round(a.latencyMs),
          a.at,
        ],
      );
  }

  /** An incident's deliveries, oldest first (its history shows them). */
  async ofIncident(incidentId: string): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT delivery_id AS "deliveryId", attempt, transition, channel, recipient, status, http_status AS "httpStatus",
        error, latency_ms AS "latencyMs", at FROM notification_deliveries WHERE incident_id = $1 ORDER BY at, attempt`,
      [incidentId],
    );
  }
}

const GROUP = 'record';
/** A consumer's unacknowledged entries are taken over by another alerts replica after this long. */
const STALE_MS = 60_000;
const BATCH = 200;

type StreamEntries = [id: string, fields: string[]][];

/**
 * Copies notify's attempt stream into the record, at least once (issue #25 §2, "notification
 * deliveries"): read with a consumer group, inserted, then acknowledged (XACK), so an alerts process
 * killed in between leaves the entries pending and another replica (or the next start) claims them
 * with XAUTOCLAIM (Redis ≥ 6.2; https://redis.io/docs/latest/commands/xautoclaim/). The insert is
 * idempotent, so a re-read entry changes nothing.
 */
export class DeliveryRecorder {
  private readonly consumer = `${os.hostname()}-${process.pid}`;
  private ready = false;

  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly log: DeliveryLog,
    private readonly logger: Logger,
  ) {}

  /** Reads what is new (and what a dead consumer left) and records it; returns how many entries were handled. */
  async drainOnce(): Promise<number> {
    if (!this.ready) {
      // from the stream's start: attempts made while alerts was down are recorded too
      await this.redis.xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM').catch((err: unknown) => {
        if (!/BUSYGROUP/.test(toError(err).message)) throw err;
      });
      this.ready = true;
    }
    const claimed = (await this.redis.xautoclaim(
      this.stream,
      GROUP,
      this.consumer,
      STALE_MS,
      '0-0',
      'COUNT',
      BATCH,
    )) as [string, StreamEntries];
    const fresh = (await this.redis.xreadgroup(
      'GROUP',
      GROUP,
      this.consumer,
      'COUNT',
      BATCH,
      'STREAMS',
      this.stream,
      '>',
    )) as [string, StreamEntries][] | null;
    const entries = [...claimed[1], ...(fresh?.[0]?.[1] ?? [])].filter(([, f]) => f !== null);
    if (entries.length === 0) return 0;
    const attempts: RecordedAttempt[] = [];
    for (const [id, fields] of entries) {
      const raw = fields[fields.indexOf('attempt') + 1];
      const parsed = AttemptSchema.safeParse(raw === undefined ? undefined : safeJson(raw));
      if (parsed.success) attempts.push(parsed.data);
      else this.logger.warn({ id }, 'notify attempt-log entry is not an attempt; skipped');
    }
    await this.log.insert(attempts);
    await this.redis.xack(this.stream, GROUP, ...entries.map(([id]) => id));
    return entries.length;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
