import fs from 'node:fs/promises';
import path from 'node:path';

const CAMERA_DIR = /^[A-Za-z0-9_-]{1,64}$/;

/** Newest clip of one camera on the volume. */
export interface LatestClip {
  /** Relative to CLIPS_DIR, `/`-separated. */
  readonly path: string;
  readonly mtimeMs: number;
}

/**
 * Finds each camera's newest finished clip: `CLIPS_DIR/<camera>/<timestamp>.mp4` (capture renames
 * finished clips into place, so whatever is there is complete). File names are UTC timestamps,
 * so the greatest name is the newest; only that one file is stat'ed.
 */
export async function scanLatestClips(clipsDir: string): Promise<Map<string, LatestClip>> {
  const out = new Map<string, LatestClip>();
  const dirs = await fs.readdir(clipsDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    dirs
      .filter((d) => d.isDirectory() && CAMERA_DIR.test(d.name))
      .map(async (d) => {
        const names = await fs.readdir(path.join(clipsDir, d.name)).catch(() => [] as string[]);
        const newest = names.filter((n) => n.endsWith('.mp4') && !n.startsWith('.')).sort().pop();
        if (!newest) return;
        const stat = await fs.stat(path.join(clipsDir, d.name, newest)).catch(() => undefined);
        if (stat?.isFile()) out.set(d.name, { path: `${d.name}/${newest}`, mtimeMs: stat.mtimeMs });
      }),
  );
  return out;
}
