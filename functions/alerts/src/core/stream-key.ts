import type { Identity } from './auth';

/**
 * Whose share of ALERTS_SSE_MAX_PER_CLIENT a live stream counts against (issue #28.6). Not the
 * peer address: behind Knative every request comes from queue-proxy at 127.0.0.1, so counting
 * by address gave the whole plant one share, and one viewer's tabs locked the admin out. A login
 * session (each login gets its own id), a bearer token (by role: scripts sharing a token share
 * its share), a proxy user; only with auth off, where there is no one to tell apart, the address.
 * ALERTS_SSE_MAX_STREAMS still caps the total.
 */
export function streamClientKey(who: Identity | undefined, peerAddress: string | undefined): string {
  if (who?.session) return `session:${who.session.id}`;
  if (who?.via === 'bearer') return `token:${who.role}`;
  if (who?.via === 'proxy') return `user:${who.name}`;
  return `addr:${peerAddress ?? ''}`;
}
