import fs from 'node:fs/promises';
import path from 'node:path';
import type { Zone } from '../camera-registry/schema';
import { renderZonesPng, zonesHash } from './render';

/** Overlays live in CLIPS_DIR (the only directory we open files in); retention skips dot-directories. */
export const OVERLAY_DIR = '.zones';

/**
 * The overlay PNG of a zone set, rendered once per distinct set (the file name is its content
 * hash) and written atomically (temp + rename), so concurrent preparers never read half a file.
 * Undefined when there are no zones (nothing to composite).
 */
export class ZoneOverlayFiles {
  private readonly ready = new Map<string, Promise<string>>();

  constructor(private readonly clipsDir: string) {}

  pathFor(zones: readonly Zone[]): Promise<string | undefined> {
    if (zones.length === 0) return Promise.resolve(undefined);
    const hash = zonesHash(zones);
    let p = this.ready.get(hash);
    if (!p) {
      p = this.write(hash, zones);
      this.ready.set(hash, p);
      p.catch(() => this.ready.delete(hash));
    }
    return p;
  }

  private async write(hash: string, zones: readonly Zone[]): Promise<string> {
    const dir = path.join(this.clipsDir, OVERLAY_DIR);
    const file = path.join(dir, `${hash}.png`);
    if (
      await fs.stat(file).then(
        () => true,
        () => false,
      )
    )
      return file;
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, renderZonesPng(zones));
    await fs.rename(tmp, file);
    return file;
  }
}
