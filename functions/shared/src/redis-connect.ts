import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toError } from './errors';
import { redactUrls } from './redact';
import { logRedisErrors } from './redis-errors';

/**
 * Opens one long-lived client per name (e.g. a command and a pub/sub connection), each with
 * rate-limited error logging, and waits until all are connected. Fails fast at start-up, with
 * the address (password redacted) and what to do, instead of retrying in silence.
 * @throws Error "cannot reach Redis at …" when any of them cannot connect (all are closed)
 */
export async function connectRedisClients<const Names extends readonly string[]>(
  url: string,
  logger: Logger,
  names: Names,
  /** per client name: a command timeout (ms), so a frozen Redis fails a request instead of hanging it */
  commandTimeoutMs?: Readonly<Partial<Record<Names[number], number>>>,
): Promise<{ -readonly [K in keyof Names]: Redis }> {
  const clients = names.map((name: Names[number]) => {
    const commandTimeout = commandTimeoutMs?.[name];
    return logRedisErrors(
      new Redis(url, {
        maxRetriesPerRequest: null,
        lazyConnect: true,
        ...(commandTimeout !== undefined ? { commandTimeout } : {}),
      }),
      logger,
      name,
    );
  });
  try {
    await Promise.all(clients.map((c) => c.connect()));
    return clients as { -readonly [K in keyof Names]: Redis }; // one client per name, in order
  } catch (err) {
    for (const c of clients) c.disconnect();
    throw new Error(
      `cannot reach Redis at ${redactUrls(url)}: ${redactUrls(toError(err).message).replace(/\.$/, '')}. Start Redis or set REDIS_URL.`,
      { cause: err },
    );
  }
}
