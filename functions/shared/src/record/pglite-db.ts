import fs from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Queryable, RecordDb } from './db';
import { pgLocalTimestampToIso, pgTimestampToIso } from './time';

const asText = (v: string): string => v;
// the same values as pg-db.ts: timestamps as ISO strings, int8 as text
const parsers = {
  [types.TIMESTAMPTZ]: pgTimestampToIso,
  [types.TIMESTAMP]: pgLocalTimestampToIso,
  [types.INT8]: asText,
};

function wrap(db: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<R>(sql, [...params], { parsers })).rows,
    exec: async (sql) => void (await db.exec(sql)),
  };
}

/** The embedded record, which can also dump its data directory (an uncompressed tar). */
export type PgliteRecordDb = RecordDb & { dumpDataDir(): Promise<Blob> };

/**
 * The embedded record: PGlite (one connection, in this process). `dataDir` undefined = in memory
 * (tests). pg_trgm is PGlite's contrib build (`@electric-sql/pglite/contrib/pg_trgm`), so the
 * migrations' `CREATE EXTENSION pg_trgm` works here as on a server.
 * @param loadDataDir a data directory dumped by PGlite's dumpDataDir() to start from instead of initdb
 *   (tests: test/support/pglite-template.ts, a migrated record made once per run)
 */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PgliteRecordDb> {
  // PGlite makes only the last folder (a fresh clone has no .safety-hanta/ yet: npm start failed with ENOENT)
  if (dataDir !== undefined) await fs.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm }, ...(loadDataDir ? { loadDataDir } : {}) });
  return {
    kind: 'pglite',
    ...wrap(db),
    // PGlite serialises transactions itself (one connection): nothing else runs inside this one
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    session: (fn) => fn(wrap(db)),
    close: () => db.close(),
    dumpDataDir: () => db.dumpDataDir('none'),
  };
}
