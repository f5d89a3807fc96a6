import type { Request, Response } from '../../../shared/src/http';
import { identityOf, requireRole } from '../adapters/auth-http';
import type { Role } from '../core/auth';
import type { Actor } from '../record/audit-log';

/**
 * Who is asking, for the audit log: the authenticated identity and the address. Behind a trusted
 * proxy (identity via `proxy`) the address the proxy reports is kept beside the proxy's own.
 */
export function actorOf(req: Request): Actor {
  const id = identityOf(req);
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return {
    name: id?.name ?? 'anonymous',
    role: id?.role ?? '',
    address: id?.via === 'proxy' && first ? `${first} via ${peer}` : peer,
  };
}

const guards = { viewer: requireRole('viewer'), operator: requireRole('operator'), admin: requireRole('admin') };

/** The role check of today's access control; answers 401/403/415 itself and returns undefined. */
export function allowed(role: Role, req: Request, res: Response): Actor | undefined {
  return guards[role](req, res) ? actorOf(req) : undefined;
}

/** Decodes a path segment; undefined when it is malformed. */
export function segment(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
