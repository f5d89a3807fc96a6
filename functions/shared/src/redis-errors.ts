import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrls } from './redact';

/** One log line per client per this many ms while errors repeat. */
export const REDIS_ERROR_LOG_EVERY_MS = 10_000;

/**
 * Gives a client an 'error' listener with rate-limited logging. ioredis emits 'error' on every
 * failed reconnect and, with no listener, prints "[ioredis] Unhandled error event" with a stack
 * each time (ioredis `built/Redis.js`, `silentEmit`; v6.0.0 here) — a flood during an outage
 * (issue #18.8). The first error is logged at once, then at most one line per interval, with
 * how many were left out. The client keeps reconnecting as before.
 */
export function logRedisErrors<T extends Pick<Redis, 'on'>>(
  client: T,
  logger: Pick<Logger, 'warn'>,
  name: string,
  everyMs = REDIS_ERROR_LOG_EVERY_MS,
): T {
  let lastAt = -Infinity;
  let suppressed = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastAt < everyMs) {
      suppressed++;
      return;
    }
    logger.warn(
      { redis: name, err: redactUrls(err.message), ...(suppressed > 0 ? { suppressed } : {}) },
      `redis connection error (repeats logged at most every ${Math.round(everyMs / 1000)} s)`,
    );
    lastAt = now;
    suppressed = 0;
  });
  return client;
}
