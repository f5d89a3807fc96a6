import type { Redis } from 'ioredis';
import type { Request, Response } from '../../../shared/src/http';

type Routes = (req: Request, res: Response) => Promise<boolean> | boolean;

/** ioredis' words for "Redis did not answer": the command timeout, a closed or refused connection. */
const UNAVAILABLE =
  /Command timed out|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|max retries/i;

/**
 * With Redis down, the API answers 503 at once instead of hanging (issue #28.9: `/api/state`,
 * `/api/stream` and `/api/cameras` waited 70 s and more, one open request per poll). The
 * connection's state says so at once when it is down; a frozen Redis (connection up, no answers)
 * is caught by the client's command timeout (ALERTS_REDIS_TIMEOUT_MS), mapped here to 503 too.
 * `/readyz` already answered 503; the page and its assets need no Redis and stay served.
 */
export function redisGate(redis: Pick<Redis, 'status'>, routes: Routes): Routes {
  const unavailable = (res: Response) =>
    res.status(503).set('retry-after', '5').json({ error: 'the store (Redis) is not reachable; retry shortly' });
  return async (req, res) => {
    const needsStore = req.path.startsWith('/api/') || req.path === '/logout';
    if (needsStore && redis.status !== 'ready') return (unavailable(res), true);
    try {
      return await routes(req, res);
    } catch (err) {
      if (!needsStore || res.headersSent || !UNAVAILABLE.test(String((err as Error)?.message))) throw err;
      unavailable(res);
      return true;
    }
  };
}
