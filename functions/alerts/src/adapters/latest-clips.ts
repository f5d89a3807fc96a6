import fs from 'node:fs/promises';
import path from 'node:path';
import { datedInFuture } from '../../../shared/src/clip-identity';
import { CAMERA_ID } from '../../../shared/src/camera-id';

/** Newest clip of one camera on the volume. */
export interface LatestClip {
  /** Relative to CLIPS_DIR, `/`-separated. */
  readonly path: string;
  readonly mtimeMs: number;
}

/**
 * Finds each camera's newest finished clip: `CLIPS_DIR/<camera>/<timestamp>.mp4` (capture renames
 * finished clips into place, so whatever is there is complete). File names are UTC timestamps,
 * so the greatest name is the newest; only the top few names are stat'ed.
 */
export async function scanLatestClips(clipsDir: string): Promise<Map<string, LatestClip>> {
  const out = new Map<string, LatestClip>();
  const dirs = await fs.readdir(clipsDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    dirs
      .filter((d) => d.isDirectory() && CAMERA_ID.test(d.name))
      .map(async (d) => {
        const names = await fs.readdir(path.join(clipsDir, d.name)).catch(() => [] as string[]);
        const now = Date.now();
        const candidates = names
          // a clip dated in the future is never "the newest": it would hold the tile for good (#28.13)
          .filter((n) => n.endsWith('.mp4') && !n.startsWith('.') && !datedInFuture(n, undefined, now))
          .sort()
          .reverse()
          .slice(0, 5);
        for (const name of candidates) {
          // lstat: a symlink is never "the latest clip" (the path guard would refuse it anyway).
          const stat = await fs.lstat(path.join(clipsDir, d.name, name)).catch(() => undefined);
          // mtime bounded by now: a touched-forward file must not look alive for ever
          if (stat?.isFile())
            return void out.set(d.name, { path: `${d.name}/${name}`, mtimeMs: Math.min(stat.mtimeMs, now) });
        }
      }),
  );
  return out;
}
