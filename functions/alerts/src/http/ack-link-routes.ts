import type { Logger } from 'pino';
import { verifyAckToken } from '../../../shared/src/ack-link';
import type { Request, Response } from '../../../shared/src/http';
import type { AlertStore } from '../adapters/redis-store';
import { SECURITY_HEADERS } from '../adapters/auth-http';
import { incidentPage } from './incident-page';

const REASONS = {
  malformed: '링크가 올바르지 않습니다 · this link is not valid',
  signature: '링크가 올바르지 않습니다 · this link is not valid',
  expired: '링크가 만료되었습니다 · this link has expired; open the dashboard instead',
} as const;

/**
 * The signed acknowledge links of messages (notify signs them; functions/shared/src/ack-link.ts).
 * They are the credential, so these routes sit outside the dashboard login, and each is scoped to
 * one incident and names one recipient:
 * - `GET /ack/<token>` shows the incident and an "Acknowledge" button. It never acknowledges: mail
 *   scanners and chat unfurlers fetch every link they see.
 * - `POST /ack/<token>` acknowledges, recording the link's recipient as `acknowledgedBy`.
 * Without NOTIFY_LINK_SECRET every link is refused (404).
 */
export function ackLinkRoutes(deps: {
  store: AlertStore;
  secret: string | undefined;
  logger: Logger;
  now?: () => number;
  /** The system of record's side (record + audit log), when it runs. */
  onAcknowledged?: (incidentId: string, at: string, recipient: string, address: string) => Promise<void>;
}) {
  const now = deps.now ?? Date.now;
  return async (req: Request, res: Response): Promise<boolean> => {
    const m = /^\/ack\/([A-Za-z0-9_.-]{1,1024})$/.exec(req.path);
    if (!m?.[1] || (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST')) return false;
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    res.setHeader('cache-control', 'no-store');
    const send = (status: number, html: string) => void res.status(status).type('html').send(html);
    if (!deps.secret) return (send(404, incidentPage(undefined, { notice: REASONS.malformed })), true);
    const v = verifyAckToken(m[1], deps.secret, now());
    if (!v.ok)
      return (send(v.reason === 'expired' ? 410 : 404, incidentPage(undefined, { notice: REASONS[v.reason] })), true);
    const { incidentId, recipient } = v.claims;
    if (req.method === 'POST') {
      const rec = await deps.store.acknowledge(incidentId, new Date(now()).toISOString(), recipient);
      if (rec) deps.logger.info({ incidentId, by: recipient }, 'acknowledged through a signed link');
      await deps.onAcknowledged?.(
        incidentId,
        rec?.acknowledgedAt ?? new Date(now()).toISOString(),
        recipient,
        req.socket.remoteAddress ?? '',
      );
      // POST → redirect → GET (a reload does not post again)
      return (res.redirect(303, `${req.path}?done=1`), true);
    }
    const rec = await deps.store.getIncident(incidentId);
    const done = req.query.done === '1';
    send(
      rec ? 200 : 404,
      incidentPage(rec, {
        ack: { form: req.path },
        notice:
          done && rec?.acknowledgedAt
            ? `확인되었습니다 · acknowledged by ${rec.acknowledgedBy ?? recipient}`
            : `${recipient} 님께 보낸 링크 · link for ${recipient}`,
      }),
    );
    return true;
  };
}
