import type { Request, Response } from '../../../shared/src/http';
import type { DeliveryQueue } from '../adapters/delivery-queue';

/**
 * notify's own read-only status (`GET /api/notify/status`: pending, counters). No secrets, no
 * message bodies: the dashboard (alerts function) shows the outbox and dead letters to logged-in users.
 */
export function notifyRoutes(deps: { queue: DeliveryQueue }) {
  return async (req: Request, res: Response): Promise<boolean> => {
    if (req.method === 'GET' && req.path === '/api/notify/status') {
      const [pending, stats] = await Promise.all([deps.queue.pending(), deps.queue.stats()]);
      res
        .status(200)
        .set('cache-control', 'no-store')
        .json({ pending, ...stats });
      return true;
    }
    return false;
  };
}
