import { Redis } from 'ioredis';

/**
 * One PING with no retries and no offline queue: true when a Redis answers at `url` within
 * `timeoutMs`. For "is anything there?" checks (start-up, tests waiting for a server), never for
 * the long-lived clients, which must wait through outages instead.
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
