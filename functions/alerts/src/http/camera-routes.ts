import type { Logger } from 'pino';
import { CameraEntryError } from '../../../shared/src/camera-registry/schema';
import { CAMERA_ID } from '../../../shared/src/camera-id';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import type { Request, Response } from '../../../shared/src/http';
import { requireAdmin } from './admin-guard';
import { publicEntry, sealBodyCredentials } from '../../../shared/src/camera-registry/credential-input';

export interface CameraRouteDeps {
  readonly registry: CameraRegistry;
  readonly logger: Logger;
  /** CAMERA_CREDENTIALS_KEY: seals camera passwords (absent: a URL with a password is refused). */
  readonly credentialsKey?: Buffer | undefined;
}

const ONE = /^\/api\/cameras\/([^/]+)$/;

/**
 * The camera registry API: GET /api/cameras, GET|PUT|PATCH|DELETE /api/cameras/{id}. Writes go
 * through {@link requireAdmin}; a bad body gets 400 naming the field (`{error, field}`), and the
 * stored entry is then unchanged. Returns false for any other path.
 */
export function cameraRoutes(deps: CameraRouteDeps): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    const p = req.path;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (p === '/api/cameras') {
      if (!get)
        return (res.status(405).set('allow', 'GET').json({ error: 'use PUT /api/cameras/{id} to add a camera' }), true);
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({ cameras: (await deps.registry.list()).map(publicEntry) }),
        true
      );
    }
    const m = ONE.exec(p);
    if (m?.[1] === undefined) return false;
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      return (res.status(400).json({ error: 'malformed camera id', field: 'id' }), true);
    }
    if (!CAMERA_ID.test(id))
      return (res.status(400).json({ error: 'id: letters, digits, _ or -, at most 64', field: 'id' }), true);
    if (get) {
      const e = await deps.registry.get(id);
      return (
        e
          ? res.status(200).set('cache-control', 'no-store').json(publicEntry(e))
          : res.status(404).json({ error: `no camera ${id}` }),
        true
      );
    }
    if (!['PUT', 'PATCH', 'DELETE'].includes(req.method))
      return (
        res
          .status(405)
          .set('allow', 'GET, PUT, PATCH, DELETE')
          .json({ error: `${req.method} not allowed` }),
        true
      );
    if (!requireAdmin(req, res)) return true;
    if (req.method === 'DELETE') {
      return (
        (await deps.registry.remove(id)) ? res.status(204).end() : res.status(404).json({ error: `no camera ${id}` }),
        true
      );
    }
    // JSON only: a cross-site form cannot send it without a CORS preflight (which we never grant).
    if (!req.is('application/json'))
      return (res.status(415).json({ error: 'send Content-Type: application/json' }), true);
    try {
      const stored = await deps.registry.get(id);
      const sealed = sealBodyCredentials(req.body, stored, deps.credentialsKey);
      // a camera added here is a real one: TCP unless said otherwise (issue #26.3; RTSP_TRANSPORT is for seeded ones)
      const body =
        !stored && typeof sealed === 'object' && sealed !== null && !('transport' in sealed)
          ? { ...sealed, transport: 'tcp' }
          : sealed;
      if (req.method === 'PUT') {
        const { entry, created } = await deps.registry.put(id, body);
        deps.logger.info({ cameraId: id, created }, 'camera saved');
        return (res.status(created ? 201 : 200).json(publicEntry(entry)), true);
      }
      const entry = await deps.registry.patch(id, body);
      if (!entry) return (res.status(404).json({ error: `no camera ${id}` }), true);
      deps.logger.info({ cameraId: id }, 'camera updated');
      return (res.status(200).json(publicEntry(entry)), true);
    } catch (err) {
      if (err instanceof CameraEntryError)
        return (res.status(400).json({ error: err.message, field: err.field }), true);
      throw err;
    }
  };
}
