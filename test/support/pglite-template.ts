/**
 * A migrated, empty PGlite record made once per machine and migration set, for the record suites to start from
 * (PGlite's loadDataDir) instead of initdb plus every migration. Measured in fresh processes on the 2-core VM:
 * open + migrate 8.4 CPU-s, open from this template 1.9 CPU-s. record-migrate.int still migrates from empty.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderOnce } from '../../simulator/cameras/src/adapters/render-lock';
import { fileExists } from '../../functions/shared/src/file-exists';
import { loadMigrations, migrate } from '../../functions/shared/src/record/migrate';
import { openPglite } from '../../functions/shared/src/record/pglite-db';

const DIR = path.join(os.tmpdir(), 'safety-hanta-pglite-template');

/** The template's name: the migrations' content and PGlite's version (another initdb may not load a dump). */
async function templateKey(): Promise<string> {
  // not in the package's "exports": read from node_modules
  const pkg = path.join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(await fs.readFile(pkg, 'utf8')) as { version: string };
  const hash = createHash('sha256').update(`pglite ${version}\n`);
  for (const m of await loadMigrations()) hash.update(`${m.version} ${m.name}\n${m.sql}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** Migrates a fresh in-memory PGlite and writes its dump to `file` (whole or not at all: a rename). */
async function makeTemplate(file: string): Promise<void> {
  const db = await openPglite(undefined);
  try {
    await migrate(db);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, Buffer.from(await (await db.dumpDataDir()).arrayBuffer()));
    await fs.rename(tmp, file);
  } finally {
    await db.close();
  }
}

let cached: Promise<Blob> | undefined;

/**
 * The template's dump. Parallel Jest workers ask at once on a fresh machine: one makes it under a lock file
 * (simulator/cameras/src/adapters/render-lock.ts), the others wait for it rather than each spend 8 CPU-s.
 */
export function pgliteTemplate(): Promise<Blob> {
  cached ??= (async () => {
    await fs.mkdir(DIR, { recursive: true });
    const file = path.join(DIR, `${await templateKey()}.tar`);
    await renderOnce(
      `${file}.lock`,
      () => fileExists(file),
      () => makeTemplate(file),
    );
    return new Blob([await fs.readFile(file)]);
  })();
  return cached;
}
