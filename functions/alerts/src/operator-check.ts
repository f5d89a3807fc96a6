import type { Request, Response } from '../../shared/src/http';

/**
 * The ONE check every operator write of the feedback routes goes through: today the same as the
 * acknowledge route (JSON only — a cross-site form cannot send it without a CORS preflight, which
 * we never grant — and `by` as the operator names themself). When dashboard roles land (issue
 * #17), swap the body of this function for `requireRole('operator')` and take `by` from the
 * authenticated user.
 * @returns who writes, or undefined after answering the request with an error
 */
export function operatorWrite(req: Request, res: Response): { by: string } | undefined {
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'send Content-Type: application/json' });
    return undefined;
  }
  const body = (req.body ?? {}) as { by?: unknown };
  const by = typeof body.by === 'string' && body.by.trim() !== '' ? body.by.trim().slice(0, 100) : 'operator';
  return { by };
}
