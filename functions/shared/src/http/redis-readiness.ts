import type { Redis } from 'ioredis';
import { within } from '../async';

/** How long a readiness probe waits for Redis's PONG before calling it down. */
export const REDIS_PING_TIMEOUT_MS = 1000;

/**
 * The Redis part of every function's GET /readyz: true when the connection is up and a PING
 * answers in time. The status is checked first because a PING on a connection that is down
 * waits in ioredis's offline queue (issue #18.8) and would hold the probe.
 */
export async function redisReady(redis: Redis, timeoutMs = REDIS_PING_TIMEOUT_MS): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  return within(
    redis.ping().then(
      () => true,
      () => false,
    ),
    timeoutMs,
    false,
  );
}
