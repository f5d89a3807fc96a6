import path from 'node:path';
import type { RecordDb } from './db';
import { migrate } from './migrate';
import { openPglite } from './pglite-db';
import { openPostgres } from './pg-db';

export interface RecordSettings {
  readonly databaseUrl?: string | undefined;
  /** PGlite's data directory; `memory` = in memory. */
  readonly recordDir: string;
}

/**
 * Opens the system of record and brings its schema up to date: PostgreSQL when DATABASE_URL is
 * set, else embedded PGlite in RECORD_DIR (so `npm start` needs no database installed).
 */
export async function openRecord(settings: RecordSettings): Promise<RecordDb> {
  const db = settings.databaseUrl
    ? openPostgres(settings.databaseUrl)
    : await openPglite(settings.recordDir === 'memory' ? undefined : path.resolve(settings.recordDir));
  try {
    await migrate(db);
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

export type { Queryable, RecordDb } from './db';
