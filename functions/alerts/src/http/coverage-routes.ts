import type { Request, Response } from '../../../shared/src/http';
import type { CameraCoverage } from '../adapters/camera-coverage';

/** `seconds` = 60 s … 24 h; default one hour. */
const MIN_SECONDS = 60;
const MAX_SECONDS = 24 * 3600;

/**
 * `GET /api/coverage?seconds=3600` (viewer): per camera, seconds judged ÷ seconds elapsed in the
 * window and each gap `{from, to, seconds, cause}` (issue #26.7). Times are epoch ms.
 */
export function coverageRoutes(coverage: CameraCoverage): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    if (req.path !== '/api/coverage' || !(req.method === 'GET' || req.method === 'HEAD')) return false;
    const raw = req.query.seconds;
    const seconds = raw === undefined ? 3600 : typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS))
      return (res.status(400).json({ error: `seconds: an integer ${MIN_SECONDS}–${MAX_SECONDS}` }), true);
    res
      .status(200)
      .set('cache-control', 'no-store')
      .json(await coverage.all(seconds));
    return true;
  };
}
