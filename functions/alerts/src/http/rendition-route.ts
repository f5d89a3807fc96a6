import type { Logger } from 'pino';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { isUnrecoverable, toError } from '../../../shared/src/errors';
import type { Request, Response } from '../../../shared/src/http';
import { modelClipPaths } from '../../../shared/src/model-clip';
import { sendBuffer, sendFile } from '../adapters/clip-file';
import { FfmpegBusyError } from '../adapters/ffmpeg-cache';
import type { RenditionCache } from '../adapters/renditions';

/**
 * `GET /renditions/h264/<clip>`: an H.264 copy of an evidence clip, for a browser that cannot
 * decode the clip itself (issue #26.4: HEVC cameras). The clip path passed the same checks as
 * `/clips/` and is resolved by the path guard before anything is read. First choice: capture's
 * model clip of that very clip (`<cam>/.model/<stamp>.mp4`, always H.264: shared/src/model-clip.ts;
 * small and sampled, but no CPU here); else a transcode of the evidence made here and cached.
 * `X-Rendition` says which (`model-clip` | `transcode`). Audited as a view of the clip (view-audit.ts).
 */
export async function sendH264Copy(
  req: Request,
  res: Response,
  deps: {
    clipsDir: string;
    renditions: RenditionCache;
    logger: Logger;
    reject: (res: Response, err: unknown) => void;
  },
  relPath: string,
): Promise<void> {
  const evidence = await resolveClipPath(deps.clipsDir, relPath).catch((err: unknown) => toError(err));
  if (evidence instanceof Error) return deps.reject(res, evidence);
  const model = await resolveClipPath(deps.clipsDir, modelClipPaths(relPath).clip).catch(() => undefined);
  if (model) {
    res.set('x-rendition', 'model-clip');
    return sendFile(req, res, model, 'video/mp4');
  }
  const gone = new AbortController();
  res.on('close', () => gone.abort()); // the player left: its ffmpeg is killed unless another waits for it
  try {
    const mp4 = await deps.renditions.get(relPath, gone.signal);
    res.set('x-rendition', 'transcode');
    sendBuffer(req, res, mp4, 'video/mp4');
  } catch (err) {
    deps.logger.warn({ err: toError(err).message, clip: relPath }, 'H.264 copy failed');
    if (res.destroyed) return;
    if (err instanceof FfmpegBusyError)
      res.status(503).set('retry-after', '5').json({ error: 'H.264 copies are busy; retry shortly' });
    else if (isUnrecoverable(err)) deps.reject(res, err);
    else res.status(500).json({ error: 'could not make an H.264 copy (details in the server log)' });
  }
}
