import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../../shared/src/keys';
import { plainText } from '../../core/message';
import type { ChannelSender } from './types';

/** Messages kept for the dashboard's outbox page. */
export const OUTBOX_CAP = 500;

/** One entry of the outbox page: what would have been sent, to whom. */
export interface OutboxEntry {
  readonly at: string;
  readonly deliveryId: string;
  readonly recipient: string;
  readonly message: import('../../core/message').Message;
  readonly text: string;
}

/**
 * The built-in channel of a first run: nothing leaves the machine; the message is kept in Redis
 * and listed on the dashboard's Notifications page, so a new user sees notify work.
 */
export function outboxSender(redis: Redis, keys: RedisKeys, now: () => Date = () => new Date()): ChannelSender {
  return {
    kind: 'outbox',
    send: async (d) => {
      const entry: OutboxEntry = {
        at: now().toISOString(),
        deliveryId: d.id,
        recipient: d.recipient.name,
        message: d.message,
        text: plainText(d.message),
      };
      try {
        await redis
          .multi()
          .lpush(keys.notifyOutbox, JSON.stringify(entry))
          .ltrim(keys.notifyOutbox, 0, OUTBOX_CAP - 1)
          .exec();
        return { ok: true };
      } catch (err) {
        return { ok: false, retryable: true, error: (err as Error).message };
      }
    },
  };
}
