import type { Request, Response } from '../../../shared/src/http';
import { requireRole } from '../adapters/auth-http';

const admin = requireRole('admin');

/**
 * The one gate in front of every camera and zone write: the dashboard's `admin` role (issue #17 —
 * the stack's login URL, `Authorization: Bearer <ALERTS_AUTH_TOKEN>`, or an admin group behind a
 * trusted proxy). Answers the refusal (401/403/415) itself and returns false; true lets the write through.
 */
export function requireAdmin(req: Request, res: Response): boolean {
  return admin(req, res) !== undefined;
}
