import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from '../../shared/src/http';

/**
 * The one gate in front of every camera write. Until the dashboard's roles land (the integrator
 * swaps this body for `requireRole('admin')`), a write needs `Authorization: Bearer
 * <ALERTS_ADMIN_TOKEN>`; with no token configured, writes are refused. Answers the refusal
 * itself and returns false; true lets the write through.
 */
export function requireAdmin(req: Request, res: Response, adminToken: string | undefined): boolean {
  if (!adminToken) {
    res.status(403).json({ error: 'camera writes are disabled: set ALERTS_ADMIN_TOKEN and send it as a Bearer token' });
    return false;
  }
  const header = req.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const want = Buffer.from(adminToken);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    res.status(401).set('www-authenticate', 'Bearer realm="safety-hanta"').json({ error: 'send Authorization: Bearer <ALERTS_ADMIN_TOKEN>' });
    return false;
  }
  return true;
}
