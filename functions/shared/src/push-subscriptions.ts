import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from './keys';

/** A browser's PushSubscription as `toJSON()` gives it (W3C Push API §"PushSubscription interface"). */
export const PushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}$/),
    auth: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  }),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionSchema>;

export interface StoredSubscription {
  readonly subscription: PushSubscriptionJson;
  /** The dashboard user who subscribed (rules address Web Push to a user, or `*`). */
  readonly user: string;
  readonly at: string;
}

export const subscriptionId = (endpoint: string): string =>
  createHash('sha256').update(endpoint).digest('hex').slice(0, 32);

/** Web Push subscriptions in Redis (`notify:push-subscriptions`): the dashboard writes, notify reads. */
export class PushSubscriptions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async put(s: StoredSubscription): Promise<string> {
    const id = subscriptionId(s.subscription.endpoint);
    await this.redis.hset(this.keys.notifyPushSubscriptions, id, JSON.stringify(s));
    return id;
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.keys.notifyPushSubscriptions, id);
  }

  async get(id: string): Promise<StoredSubscription | undefined> {
    const raw = await this.redis.hget(this.keys.notifyPushSubscriptions, id);
    return raw ? (JSON.parse(raw) as StoredSubscription) : undefined;
  }

  /** Subscription ids of a user (`*` = all). */
  async idsFor(user: string): Promise<string[]> {
    const all = await this.redis.hgetall(this.keys.notifyPushSubscriptions);
    return Object.entries(all)
      .filter(([, raw]) => user === '*' || (JSON.parse(raw) as StoredSubscription).user === user)
      .map(([id]) => id);
  }
}
