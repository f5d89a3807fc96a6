import { createHash } from 'node:crypto';
import type { Message } from './message';
import type { Recipient } from './rules';

/** One message to one recipient on one channel: the unit the outbox queues, retries and dead-letters. */
export interface Delivery {
  /** sha256 of the idempotency key, hex (also the `X-SafetyHanta-Delivery` header). */
  readonly id: string;
  /** `<incident>\n<transition>\n<recipient>\n<channel>\n<to>`: one message per key, ever. */
  readonly idempotencyKey: string;
  readonly ruleId: string;
  readonly recipient: Recipient;
  /** Web Push: the subscription's endpoint hash (one delivery per subscribed browser). */
  readonly subscription?: string;
  readonly message: Message;
  /** Attempts so far. */
  readonly attempts: number;
  readonly createdAt: string;
  readonly lastError?: string;
  readonly lastStatus?: number;
  /** Set when dead-lettered. */
  readonly deadAt?: string;
}

/** One send attempt, as the dashboard and `GET /api/notify/attempts` list it. */
export interface AttemptRecord {
  readonly at: string;
  readonly deliveryId: string;
  readonly channel: string;
  readonly recipient: string;
  readonly incidentId: string;
  readonly transition: string;
  readonly attempt: number;
  readonly status: 'sent' | 'retry' | 'dead';
  readonly httpStatus?: number;
  readonly error?: string;
  readonly latencyMs: number;
}

export function idempotencyKey(
  message: Pick<Message, 'incidentId' | 'transition'>,
  r: Recipient,
  subscription?: string,
): string {
  return [message.incidentId, message.transition, r.name, r.channel, r.to ?? '', subscription ?? ''].join('\n');
}

export function deliveryId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
