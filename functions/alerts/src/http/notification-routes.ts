import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';
import type { Request, Response } from '../../../shared/src/http';
import { PushSubscriptionSchema } from '../../../shared/src/push-subscriptions';
import { PushSubscriptions } from '../../../shared/src/push-subscriptions';
import type { AlertStore } from '../adapters/redis-store';
import type { StaticAssets } from '../adapters/static-assets';
import { identityOf, requireRole } from '../adapters/auth-http';
import { incidentPage } from './incident-page';

const parseList = <T>(raw: string[]): T[] => raw.map((s) => JSON.parse(s) as T);

/**
 * The dashboard's side of notify (issue #24): the Notifications page (every message the outbox
 * "sent", failed deliveries, the last attempts), the incident page a message links to, and the PWA
 * (manifest, service worker, Web Push subscription). Reads notify's keys (functions/shared/src/keys.ts).
 */
export function notificationRoutes(deps: {
  redis: Redis;
  keys: RedisKeys;
  store: AlertStore;
  assets: StaticAssets;
  vapidPublicKey: string | undefined;
}) {
  const subs = new PushSubscriptions(deps.redis, deps.keys);
  return async (req: Request, res: Response): Promise<boolean> => {
    const p = req.path;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && p === '/notifications') return (deps.assets.send(res, 'notifications.html'), true);
    if (get && p === '/manifest.webmanifest') return (deps.assets.send(res, 'manifest.webmanifest'), true);
    // served from the root so its scope is the whole dashboard (W3C Service Workers §"scope": the script's path by default)
    if (get && p === '/sw.js') return (deps.assets.send(res, 'sw.js'), true);
    if (get && p === '/api/notifications') {
      const k = deps.keys;
      const [outbox, dead, attempts, stats] = await Promise.all([
        deps.redis.lrange(k.notifyOutbox, 0, 99),
        deps.redis.lrange(k.notifyDead, 0, 99),
        deps.redis.lrange(k.notifyAttempts, 0, 99),
        deps.redis.hgetall(k.notifyStats),
      ]);
      res
        .status(200)
        .set('cache-control', 'no-store')
        .json({
          outbox: parseList(outbox),
          // a dead letter is an alarm: the dashboard shows "notification failed"
          failed: parseList<Record<string, unknown>>(dead).map(({ idempotencyKey: _k, ...d }) => d),
          attempts: parseList(attempts),
          stats: Object.fromEntries(Object.entries(stats).map(([key, v]) => [key, Number(v)])),
        });
      return true;
    }
    if (get && p === '/api/push/key') return (res.status(200).json({ publicKey: deps.vapidPublicKey ?? null }), true);
    if (req.method === 'POST' && p === '/api/push/subscriptions') {
      const who = requireRole('viewer')(req, res);
      if (!who) return true;
      if (!req.is('application/json'))
        return (res.status(415).json({ error: 'send Content-Type: application/json' }), true);
      const parsed = PushSubscriptionSchema.safeParse(req.body);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        return (res.status(400).json({ error: `${i?.path.join('.') || '(body)'}: ${i?.message ?? 'invalid'}` }), true);
      }
      const id = await subs.put({ subscription: parsed.data, user: who.name, at: new Date().toISOString() });
      return (res.status(201).json({ id }), true);
    }
    const inc = /^\/incident\/([^/]{1,256})$/.exec(p);
    if (get && inc?.[1]) {
      let id: string;
      try {
        id = decodeURIComponent(inc[1]);
      } catch {
        return (res.status(400).json({ error: 'malformed incident id' }), true);
      }
      const rec = await deps.store.getIncident(id);
      const who = identityOf(req);
      const page = incidentPage(rec, {
        ...(rec
          ? { thumbnailUrl: `/thumbs/${encodeURIComponent(rec.cameraId)}.jpg?clip=${encodeURIComponent(rec.clipPath)}` }
          : {}),
        ...(rec && who?.role !== 'viewer' ? { ack: { api: rec.incidentId } } : {}),
      });
      return (
        res
          .status(rec ? 200 : 404)
          .type('html')
          .set('cache-control', 'no-store')
          .send(page),
        true
      );
    }
    return false;
  };
}
