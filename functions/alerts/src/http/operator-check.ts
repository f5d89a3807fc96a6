import type { Request, Response } from '../../../shared/src/http';
import { requireRole } from '../adapters/auth-http';

const operator = requireRole('operator');

/**
 * The one check every operator write of the feedback routes goes through: the dashboard's
 * `operator` role (issue #17), which also insists on JSON for cookie sessions (CSRF). The writer
 * is the authenticated identity, never a name taken from the body.
 * @returns who writes, or undefined after answering the request with 401/403/415
 */
export function operatorWrite(req: Request, res: Response): { by: string } | undefined {
  const who = operator(req, res);
  return who ? { by: who.name } : undefined;
}
