import type { Delivery } from '../../core/delivery';
import type { SendOutcome } from '../../core/retry';

/** One channel adapter (webhook, Slack, Teams, email, Web Push, outbox). Never throws: failures are outcomes. */
export interface ChannelSender {
  readonly kind: string;
  send(delivery: Delivery, timeoutMs: number): Promise<SendOutcome>;
}
