import type { Redis } from 'ioredis';
import { within } from './async';

/**
 * Shutting down while Redis is unreachable (issue #28.9). The long-lived clients queue commands
 * through an outage (maxRetriesPerRequest: null), so a QUIT or a last release on a dead or frozen
 * Redis waited for ever and a rolling restart during an outage waited out the whole grace period.
 * Stop paths ask first whether Redis answers at all, and close with a bound.
 */

/** True when the connection is up and a PING is answered within `ms` (a frozen server answers nothing). */
export async function redisAnswersWithin(client: Redis, ms = 1000): Promise<boolean> {
  if (client.status !== 'ready') return false;
  return within(
    client.ping().then(
      () => true,
      () => false,
    ),
    ms,
    false,
  );
}

/** QUIT (lets queued replies arrive) for at most `ms`, then drops the connection whatever happened. */
export async function closeRedis(client: Redis, ms = 1000): Promise<void> {
  if (client.status === 'end') return;
  await within(
    client.quit().catch(() => undefined),
    ms,
    undefined,
  );
  client.disconnect();
}
