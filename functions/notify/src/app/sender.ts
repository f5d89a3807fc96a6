import type { Logger } from 'pino';
import { toError } from '../../../shared/src/errors';
import { InFlight } from '../../../shared/src/async';
import type { AttemptRecord, Delivery } from '../core/delivery';
import { nextStep, type RetryPolicy, type SendOutcome } from '../core/retry';
import type { DeliveryQueue } from '../adapters/delivery-queue';
import type { ChannelSender } from '../adapters/channels/types';

export interface SenderOptions {
  readonly queue: DeliveryQueue;
  /** The adapter of a channel id (undefined: not configured → dead-lettered with that reason). */
  readonly channel: (channelId: string) => ChannelSender | undefined;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** How often the outbox is looked at when nothing woke the sender. @default 500 */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly logger: Logger;
  /** Called after every attempt (metrics). */
  readonly onAttempt?: (a: AttemptRecord, channelKind: string) => void;
}

/**
 * Sends what the outbox holds: claims due deliveries (leased, so a killed process loses nothing),
 * sends each through its channel, records the attempt and settles it: sent, retried later
 * (backoff, Retry-After) or dead-lettered after the last attempt.
 */
export class DeliverySender {
  private readonly inFlight = new InFlight();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pumping = false;
  private again = false;
  private readonly now: () => number;

  constructor(private readonly opts: SenderOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Lease of a claim: a send (plus a mail's thumbnail) must end well within it. */
  private get leaseMs(): number {
    return 2 * this.opts.timeoutMs + 10_000;
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Look at the outbox now (something was queued, or a tick came). */
  kick(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.inFlight.track(this.pump());
  }

  /** Claims and sends once (tests and the tick call it directly); resolves when those sends are settled. */
  async drainOnce(): Promise<number> {
    const free = this.opts.concurrency - this.active;
    if (free <= 0) return 0;
    const batch = await this.opts.queue.claim(this.now(), this.leaseMs, free);
    await Promise.all(batch.map((d) => this.deliver(d)));
    return batch.length;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      clearTimeout(this.timer);
      let n: number;
      do {
        this.again = false;
        n = await this.drainOnce();
      } while (this.running && (n > 0 || this.again));
    } catch (err) {
      this.opts.logger.warn({ err: toError(err).message }, 'outbox: claim failed; retrying');
    } finally {
      this.pumping = false;
      if (this.running) this.timer = setTimeout(() => this.kick(), this.opts.pollMs ?? 500);
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    this.active++;
    try {
      const sender = this.opts.channel(d.recipient.channel);
      const started = this.now();
      let outcome: SendOutcome;
      if (!sender)
        outcome = { ok: false, retryable: false, error: `no channel "${d.recipient.channel}" is configured` };
      else
        outcome = await sender
          .send(d, this.opts.timeoutMs)
          .catch((err: unknown): SendOutcome => ({ ok: false, retryable: true, error: toError(err).message }));
      const attempt = d.attempts + 1;
      const step = nextStep(outcome, attempt, this.opts.policy);
      const at = this.now();
      const status = step.kind === 'done' ? 'sent' : step.kind;
      const record: AttemptRecord = {
        at: new Date(at).toISOString(),
        deliveryId: d.id,
        channel: d.recipient.channel,
        recipient: d.recipient.name,
        incidentId: d.message.incidentId,
        transition: d.message.transition,
        attempt,
        status,
        ...(outcome.status !== undefined ? { httpStatus: outcome.status } : {}),
        ...(!outcome.ok ? { error: outcome.error } : {}),
        latencyMs: at - started,
      };
      const updated: Delivery = {
        ...d,
        attempts: attempt,
        ...(!outcome.ok ? { lastError: outcome.error } : {}),
        ...(outcome.status !== undefined ? { lastStatus: outcome.status } : {}),
        ...(step.kind === 'dead' ? { deadAt: record.at } : {}),
      };
      await this.opts.queue.finish(updated, status, record, step.kind === 'retry' ? at + step.delayMs : 0);
      this.opts.onAttempt?.(record, sender?.kind ?? 'none');
      if (step.kind === 'dead')
        this.opts.logger.error(
          { deliveryId: d.id, channel: d.recipient.channel, incidentId: d.message.incidentId, error: record.error },
          'notification failed for good (dead-lettered)',
        );
    } catch (err) {
      // Redis failed while settling: the lease brings the delivery back
      this.opts.logger.warn({ err: toError(err).message, deliveryId: d.id }, 'outbox: could not settle a delivery');
    } finally {
      this.active--;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    // a send in flight ends within its timeout; past that its lease brings it back on the next start
    await this.inFlight.drain(2 * this.opts.timeoutMs + 1000);
  }
}
