import fs from 'node:fs/promises';
import path from 'node:path';
import { fileExists } from '../../../shared/src/file-exists';
import type { RejectCode } from '../core/mp4-boxes';

/** Where rejected clips go: never deleted, each beside a `<name>.reason.json`. */
export const QUARANTINE_DIR = '.quarantine';
/** ffmpeg's working folder, on the same filesystem as CLIPS_DIR so rename() is atomic. */
export const STAGING_DIR = '.staging';

export interface QuarantineRecord {
  code: RejectCode;
  reason: string;
  /** Where the file was (relative to CLIPS_DIR). */
  from: string;
  at: string;
  cameraId?: string | undefined;
  event?: unknown;
}

/**
 * Moves `absFile` to `CLIPS_DIR/.quarantine/<cameraId>/<name>` and writes the reason next
 * to it. Returns the quarantined path relative to CLIPS_DIR.
 */
export async function quarantine(clipsDir: string, absFile: string, record: QuarantineRecord): Promise<string> {
  const dir = path.join(clipsDir, QUARANTINE_DIR, record.cameraId ?? '_unknown');
  await fs.mkdir(dir, { recursive: true });
  const base = path.basename(absFile);
  let target = path.join(dir, base);
  // two rejects of the same name must not overwrite each other's evidence
  if (await fileExists(target)) target = path.join(dir, `${Date.now()}-${base}`);
  await fs.rename(absFile, target);
  await fs.writeFile(`${target}.reason.json`, `${JSON.stringify(record, null, 2)}\n`);
  return path.relative(clipsDir, target);
}
