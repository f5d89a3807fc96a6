import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';

/** A mailed report's marker outlives the day it guards (a late tick must still see it). */
const SENT_SECONDS = 3 * 24 * 3600;

/**
 * Once per local date across replicas and redelivered ticks: `SET NX EX` claims a date for the
 * length of one attempt (a replica killed mid-send lets the claim lapse, so a later tick retries),
 * a sent report keeps the marker for days, a failed one deletes it at once.
 * SET NX/EX semantics: https://redis.io/docs/latest/commands/set/ ("NX -- Only set the key if it
 * does not already exist").
 */
export class ReportMarker {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** True when this caller now owns the date's attempt. */
  async claim(date: string, leaseSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.keys.notifyReportMailed(date), 'sending', 'EX', leaseSeconds, 'NX')) === 'OK';
  }

  /** The number of this attempt at the date's report (1, 2, …), shared by the replicas. */
  async nextAttempt(date: string): Promise<number> {
    const key = this.keys.notifyReportAttempts(date);
    const [[, n]] = (await this.redis.multi().incr(key).expire(key, SENT_SECONDS).exec()) as [[null, number], unknown];
    return n;
  }

  async sent(date: string): Promise<void> {
    await this.redis.set(this.keys.notifyReportMailed(date), 'sent', 'EX', SENT_SECONDS);
  }

  /**
   * Lets the next tick try again. Only the claimant calls this, within its lease (the attempt's
   * timeouts add up to less than the lease), so it never deletes another replica's claim.
   */
  async release(date: string): Promise<void> {
    await this.redis.del(this.keys.notifyReportMailed(date));
  }
}
