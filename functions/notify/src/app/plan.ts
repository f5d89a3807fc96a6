import { ackLinkUrl, signAckToken } from '../../../shared/src/ack-link';
import { deliveryId, idempotencyKey, type Delivery } from '../core/delivery';
import { buildMessage, type MessageInput } from '../core/message';
import type { Recipient } from '../core/rules';
import type { DeliveryQueue } from '../adapters/delivery-queue';
import type { PushSubscriptions } from '../../../shared/src/push-subscriptions';

/** A recipient chosen by a rule. */
export interface Addressed {
  readonly ruleId: string;
  readonly recipient: Recipient;
}

export interface PlanDeps {
  readonly queue: DeliveryQueue;
  readonly subscriptions: PushSubscriptions;
  /** The kind of a channel id (undefined: no such channel configured). */
  readonly channelKind: (channelId: string) => string | undefined;
  readonly publicUrl: string;
  readonly linkSecret: string | undefined;
  readonly linkTtlHours: number;
  readonly now: () => number;
  readonly warn: (msg: string, detail: Record<string, unknown>) => void;
}

/**
 * Queues one message to each addressed recipient (each browser of a Web Push recipient), once per
 * (incident, transition, recipient): a recipient named by two rules gets one message. Each
 * message carries its own signed acknowledge link naming the recipient, unless `ackable` is false
 * (camera outages have no dashboard incident to acknowledge). Returns how many were queued now.
 */
export async function queueMessages(
  deps: PlanDeps,
  input: MessageInput,
  addressed: readonly Addressed[],
  opts: { ackable: boolean },
): Promise<number> {
  const base = buildMessage(input, deps.publicUrl);
  const message = opts.ackable ? base : { ...base, incidentUrl: `${deps.publicUrl.replace(/\/+$/, '')}/` };
  const nowMs = deps.now();
  const expiresAt = Math.floor(nowMs / 1000) + deps.linkTtlHours * 3600;
  let queued = 0;
  for (const { ruleId, recipient } of addressed) {
    const kind = deps.channelKind(recipient.channel);
    if (kind === undefined) {
      deps.warn('rule names a channel that is not configured; skipped', { ruleId, channel: recipient.channel });
      continue;
    }
    const subs = kind === 'webpush' ? await deps.subscriptions.idsFor(recipient.to ?? '*') : [undefined];
    const ackUrl =
      opts.ackable && deps.linkSecret
        ? ackLinkUrl(
            deps.publicUrl,
            signAckToken({ incidentId: input.incidentId, recipient: recipient.name, expiresAt }, deps.linkSecret),
          )
        : undefined;
    for (const subscription of subs) {
      const key = idempotencyKey(message, recipient, subscription);
      const delivery: Delivery = {
        id: deliveryId(key),
        idempotencyKey: key,
        ruleId,
        recipient,
        ...(subscription ? { subscription } : {}),
        message: ackUrl ? { ...message, ackUrl } : message,
        attempts: 0,
        createdAt: new Date(nowMs).toISOString(),
      };
      if (await deps.queue.enqueue(delivery, nowMs)) queued++;
    }
  }
  return queued;
}
