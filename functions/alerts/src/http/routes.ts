import type { Logger } from 'pino';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { isUnrecoverable, toError } from '../../../shared/src/errors';
import type { Request, Response } from '../../../shared/src/http';
import type { StaticAssets } from '../adapters/static-assets';
import { sendFile } from '../adapters/clip-file';
import type { LiveState } from '../adapters/live-state';
import type { AlertStore } from '../adapters/redis-store';
import type { SseHub } from '../adapters/sse-hub';
import { ThumbnailsBusyError, type ThumbnailCache } from '../adapters/thumbnails';
import { identityOf } from '../adapters/auth-http';
import { summarize } from '../adapters/live-state';
import { servedClipPath } from '../core/clip-url';
import { RENDITION_PREFIX } from '../core/h264-rendition';
import type { RenditionCache } from '../adapters/renditions';
import { sendH264Copy } from './rendition-route';
import { streamClientKey } from '../core/stream-key';
import type { FeedbackStore } from '../adapters/feedback-store';
import { feedbackRoutes } from './feedback-routes';
import { CAMERA_ID } from '../../../shared/src/camera-id';
import type { FeedbackRecorder } from '../record/feedback-log';

export interface RouteDeps {
  readonly clipsDir: string;
  readonly store: AlertStore;
  readonly live: LiveState;
  readonly hub: SseHub;
  readonly thumbs: ThumbnailCache;
  /** H.264 copies of clips the browser cannot play (issue #26.4). */
  readonly renditions: RenditionCache;
  readonly assets: StaticAssets;
  readonly logger: Logger;
  readonly feedback: FeedbackStore;
  /** The record's feedback table (issue #25); absent with RECORD_DIR=off. */
  readonly feedbackRecord?: FeedbackRecorder | undefined;
  /** The camera registry API (camera-routes.ts). */
  readonly cameras?: (req: Request, res: Response) => Promise<boolean>;
}

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

function reject(res: Response, err: unknown): void {
  const e = toError(err);
  // A path the guard refuses, or one that does not exist: never say more than that. Other errors
  // (ffmpeg's stderr names the absolute file) stay in the server log (issue #18.8).
  res
    .status(isUnrecoverable(e) ? 404 : 500)
    .json({ error: isUnrecoverable(e) ? 'not found' : 'could not read the clip (details in the server log)' });
}

/** `GET /api/incidents?offset=&limit=`: at most this many per page. */
const PAGE_MAX = 200;

function pageParams(query: Request['query']): { offset: number; limit: number } | undefined {
  const num = (v: unknown, dflt: number) =>
    v === undefined ? dflt : typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  const offset = num(query.offset, 0);
  const limit = num(query.limit, 50);
  return Number.isFinite(offset) && Number.isFinite(limit) && limit >= 1 && limit <= PAGE_MAX
    ? { offset, limit }
    : undefined;
}

/**
 * The dashboard's HTTP routes (everything but POST / and the health/metrics endpoints):
 * the page and its assets, the JSON API, the SSE stream, clips (Range), their H.264 copies and thumbnails.
 * Returns false for anything it does not handle.
 */
export function dashboardRoutes(deps: RouteDeps): (req: Request, res: Response) => Promise<boolean> {
  const feedback = feedbackRoutes(deps);
  return async (req, res) => {
    if (await feedback(req, res)) return true;
    const p = req.path;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && (p === '/' || p === '/index.html')) return (deps.assets.send(res, 'index.html'), true);
    if (get && (p === '/cameras' || p === '/cameras.html')) return (deps.assets.send(res, 'cameras.html'), true);
    if (p.startsWith('/api/cameras') && deps.cameras) return deps.cameras(req, res);
    if (get && p.startsWith('/assets/')) return (deps.assets.send(res, p.slice('/assets/'.length)), true);
    if (get && p === '/favicon.ico') return (deps.assets.send(res, 'favicon.svg'), true);
    if (get && p === '/api/state')
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json(await deps.live.snapshot()),
        true
      );
    if (get && p === '/api/stream') {
      const key = streamClientKey(identityOf(req), req.socket.remoteAddress);
      const refused = deps.hub.admit(key) ?? deps.hub.connect(res, await deps.live.initialMessages(), key);
      if (refused)
        res
          .status(429)
          .set('retry-after', '30')
          .json({ error: `${refused}; close another dashboard tab or retry later` });
      return true;
    }
    if (get && p === '/api/incidents') {
      const page = pageParams(req.query);
      if (!page) return (res.status(400).json({ error: `offset ≥ 0 and limit 1–${PAGE_MAX} (integers)` }), true);
      const { incidents, total } = await deps.store.pageIncidents(page.offset, page.limit);
      const next = page.offset + incidents.length;
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({
            incidents: incidents.map(summarize),
            total,
            ...(next < total && incidents.length > 0 ? { nextOffset: next } : {}),
          }),
        true
      );
    }
    const ack = /^\/api\/incidents\/([^/]+)\/ack$/.exec(p);
    if (ack?.[1] !== undefined && req.method === 'POST') {
      // JSON only: a cross-site form cannot send it without a CORS preflight (which we never grant).
      if (!req.is('application/json'))
        return (res.status(415).json({ error: 'send Content-Type: application/json' }), true);
      const id = decode(ack[1]);
      if (id === undefined) return (res.status(400).json({ error: 'malformed incident id' }), true);
      // who acknowledged is who authenticated (issue #17), never a name the client typed
      const rec = await deps.store.acknowledge(id, new Date().toISOString(), identityOf(req)?.name);
      if (!rec) return (res.status(404).json({ error: `no incident ${id}` }), true);
      return (res.status(200).json(summarize(rec)), true);
    }
    const one = /^\/api\/incidents\/([^/]+)$/.exec(p);
    if (one?.[1] !== undefined && get) {
      const id = decode(one[1]);
      const rec = id === undefined ? undefined : await deps.store.getIncident(id);
      return (rec ? res.status(200).json(rec) : res.status(404).json({ error: 'no such incident' }), true);
    }
    if (get && p.startsWith(RENDITION_PREFIX)) {
      const parsed = servedClipPath(p, RENDITION_PREFIX);
      if (!parsed.ok) return (res.status(parsed.status).json({ error: parsed.reason }), true);
      await sendH264Copy(req, res, { ...deps, reject }, parsed.relPath);
      return true;
    }
    if (get && p.startsWith('/clips/')) {
      const parsed = servedClipPath(p, '/clips/');
      if (!parsed.ok) return (res.status(parsed.status).json({ error: parsed.reason }), true);
      const real = await resolveClipPath(deps.clipsDir, parsed.relPath).catch((err: unknown) => err as Error);
      if (real instanceof Error) return (reject(res, real), true);
      await sendFile(req, res, real, 'video/mp4');
      return true;
    }
    const thumb = /^\/thumbs\/([^/]+)\.jpg$/.exec(p);
    if (get && thumb?.[1] !== undefined) {
      const cameraId = thumb[1];
      if (!CAMERA_ID.test(cameraId)) return (res.status(400).json({ error: 'bad camera id' }), true);
      const asked = typeof req.query.clip === 'string' ? req.query.clip : undefined;
      if (asked !== undefined && !asked.startsWith(`${cameraId}/`))
        return (res.status(400).json({ error: `clip must belong to ${cameraId}` }), true);
      const clip = asked ?? deps.live.latestClipOf(cameraId);
      if (!clip) return (res.status(404).json({ error: `no clip yet for ${cameraId}` }), true);
      const gone = new AbortController();
      res.on('close', () => gone.abort()); // the browser left: its ffmpeg is killed unless another waits for it
      try {
        const jpeg = await deps.thumbs.get(clip, gone.signal);
        res
          .status(200)
          .set({ 'content-type': 'image/jpeg', 'cache-control': asked ? 'private, max-age=86400' : 'no-cache' })
          .send(jpeg);
      } catch (err) {
        deps.logger.debug({ err: toError(err).message, clip }, 'thumbnail failed');
        if (res.destroyed) return true;
        if (err instanceof ThumbnailsBusyError)
          res.status(503).set('retry-after', '5').json({ error: 'thumbnails are busy; retry shortly' });
        else if (isUnrecoverable(err)) reject(res, err);
        else res.status(500).json({ error: 'thumbnail extraction failed' }); // ffmpeg's words stay in the log
      }
      return true;
    }
    return false;
  };
}
