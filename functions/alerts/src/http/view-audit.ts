import type { Logger } from 'pino';
import type { Request, Response } from '../../../shared/src/http';
import { toError } from '../../../shared/src/errors';
import { identityOf } from '../adapters/auth-http';
import type { AuditEntry, AuditLog } from '../record/audit-log';
import { actorOf } from './record-actor';
import { RENDITION_PREFIX } from '../core/h264-rendition';

/** A live camera tile refreshes every ALERTS_THUMB_INTERVAL_MS: one entry per viewer and camera per this long. */
const LIVE_TILE_WINDOW_MS = 10 * 60_000;

/** Routes whose changes the record routes audit themselves (in the same transaction as the change). */
const SELF_AUDITED =
  /^\/api\/(incidents\/[^/]+\/(ack|assign|actions|hold)|actions\/\d+\/transition|feedback|feedback\/remove)$/;

/** What a GET shows of the footage or the record, or undefined when it shows neither. */
export function viewOf(req: Pick<Request, 'path' | 'query' | 'headers'>): AuditEntry | undefined {
  const p = req.path;
  if (p.startsWith('/clips/')) {
    // a player reads a clip in ranges: the first read (no Range, or from byte 0) is the view
    const range = req.headers.range;
    if (range !== undefined && !/^bytes=0-/.test(range)) return undefined;
    return { action: 'view.clip', target: safeDecode(p.slice('/clips/'.length)) };
  }
  if (p.startsWith(RENDITION_PREFIX)) {
    // an H.264 copy of a clip (issue #26.4) shows that clip's footage: the same entry, saying which
    const range = req.headers.range;
    if (range !== undefined && !/^bytes=0-/.test(range)) return undefined;
    return { action: 'view.clip', target: safeDecode(p.slice(RENDITION_PREFIX.length)), detail: { copy: 'h264' } };
  }
  const thumb = /^\/thumbs\/([^/]+)\.jpg$/.exec(p);
  if (thumb?.[1] !== undefined) {
    const clip = typeof req.query.clip === 'string' ? req.query.clip : undefined;
    return clip ? { action: 'view.thumbnail', target: clip } : { action: 'view.live', target: `camera:${thumb[1]}` };
  }
  const one = /^\/api\/incidents\/([^/.]+)$/.exec(p);
  if (one?.[1] !== undefined) return { action: 'view.incident', target: safeDecode(one[1]) };
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Audits every view of footage (clips, thumbnails, live tiles) and every change made through a
 * route that does not audit itself (cameras, zones), after the dashboard's guard
 * established who asks. A view is written before the footage is sent: if the entry cannot be
 * written, the footage is not shown (503) — no view without its entry.
 */
export function viewAudit(audit: AuditLog, logger: Logger, now: () => number = Date.now) {
  const liveSeen = new Map<string, number>();
  return async (req: Request, res: Response): Promise<boolean> => {
    if (!identityOf(req)) return false; // not past the guard (login page, assets): nothing shown
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (!get) {
      if (req.path.startsWith('/api/') && !SELF_AUDITED.test(req.path)) {
        const who = actorOf(req);
        const entry = { action: `change ${req.method} ${req.path.split('/').slice(0, 3).join('/')}`, target: req.path };
        res.on('finish', () => {
          if (res.statusCode >= 400) return;
          audit
            .write(who, { ...entry, detail: { status: res.statusCode } })
            .catch((err: unknown) => logger.error({ err: toError(err).message, ...entry }, 'audit entry not written'));
        });
      }
      return false;
    }
    const view = viewOf(req);
    if (!view) return false;
    const who = actorOf(req);
    if (view.action === 'view.live') {
      const key = `${who.name}|${who.address}|${view.target}`;
      const last = liveSeen.get(key);
      if (last !== undefined && now() - last < LIVE_TILE_WINDOW_MS) return false;
      liveSeen.set(key, now());
      if (liveSeen.size > 10_000) liveSeen.clear(); // bounded: at worst one extra entry per viewer
    }
    try {
      await audit.write(who, view);
    } catch (err) {
      logger.error({ err: toError(err).message, ...view }, 'audit entry not written: view refused');
      res.status(503).set('retry-after', '5').json({ error: 'the audit log cannot be written; retry shortly' });
      return true;
    }
    return false;
  };
}
