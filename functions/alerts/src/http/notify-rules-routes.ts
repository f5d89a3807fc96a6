import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';
import type { Request, Response } from '../../../shared/src/http';
import { parseRulesEdit } from '../../../shared/src/notify-rules';
import type { StaticAssets } from '../adapters/static-assets';
import { requireRole } from '../adapters/auth-http';

const admin = requireRole('admin');
const API = '/api/admin/notify-rules';

/** notify's published file rules and channels (functions/notify/src/adapters/rules-source.ts). */
interface RulesBase {
  readonly timeZone: string;
  readonly rules: unknown[];
  readonly channels: readonly { readonly id: string; readonly kind: string }[];
}

interface StoredEdit {
  readonly rev: number;
  readonly by: string;
  readonly at: string;
  readonly timeZone: string;
  readonly rules: unknown[];
}

const parse = <T>(raw: string | null): T | undefined => (raw === null ? undefined : (JSON.parse(raw) as T));

/**
 * The admin's routing-rule editor (issue #24 §3), admin only (viewer and operator get 403):
 * - `GET /notify-rules`: the page; `GET /api/admin/notify-rules`: the file's rules, notify's channels
 *   (ids and kinds; never a URL or secret) and the dashboard edit in force, if any.
 * - `PUT /api/admin/notify-rules` (JSON `{timeZone, rules}`): validated with the schema notify loads
 *   its file with (functions/shared/src/notify-rules.ts) against notify's channel ids; a bad rule is
 *   a 400 naming the field. Stored in Redis; notify applies it to the next event. It replaces the
 *   file's rules until `DELETE /api/admin/notify-rules` returns to them (docs/notifications.md).
 * Every change is audited by the record's change audit (http/view-audit.ts), which runs before this.
 */
export function notifyRulesRoutes(deps: { redis: Redis; keys: RedisKeys; assets: StaticAssets; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { redis, keys } = deps;
  return async (req: Request, res: Response): Promise<boolean> => {
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && req.path === '/notify-rules') {
      if (admin(req, res)) deps.assets.send(res, 'notify-rules.html');
      return true;
    }
    if (req.path !== API) return false;
    const who = admin(req, res);
    if (!who) return true;
    res.set('cache-control', 'no-store');
    const [base, edit] = await Promise.all([
      redis.get(keys.notifyRulesBase).then((r) => parse<RulesBase>(r)),
      redis.get(keys.notifyRulesEdit).then((r) => parse<StoredEdit>(r)),
    ]);
    if (get) return (res.status(200).json({ base: base ?? null, edit: edit ?? null }), true);
    if (req.method === 'DELETE') {
      await redis.del(keys.notifyRulesEdit);
      return (res.status(200).json({ inForce: 'file' }), true);
    }
    if (req.method !== 'PUT')
      return (res.status(405).set('allow', 'GET, PUT, DELETE').json({ error: 'use PUT' }), true);
    if (!base)
      return (
        res.status(503).json({ error: 'notify has not started yet, so its channels are unknown; try again later' }),
        true
      );
    const parsed = parseRulesEdit(
      req.body,
      base.channels.map((c) => c.id),
    );
    if (!parsed.ok)
      return (res.status(400).json({ error: `${parsed.field}: ${parsed.message}`, field: parsed.field }), true);
    // a revision notify tells edits apart by; above the last one even if the clock stepped back
    const stored: StoredEdit = {
      rev: Math.max(now().getTime(), (edit?.rev ?? 0) + 1),
      by: who.name,
      at: now().toISOString(),
      ...parsed.edit,
    };
    await redis.set(keys.notifyRulesEdit, JSON.stringify(stored));
    res.status(200).json({ edit: stored });
    return true;
  };
}
