/**
 * Throwaway systems of record for tests (issue #25): every test file gets its own database, so files
 * run in parallel. `postgres`: a fresh database on the test server (TEST_DATABASE_URL, which
 * .ci/run exports; default the local Debian cluster), dropped at the end. `pglite`: an in-memory PGlite.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RecordDb } from '../../functions/shared/src/record/db';
import { migrate } from '../../functions/shared/src/record/migrate';
import { openPglite } from '../../functions/shared/src/record/pglite-db';
import { openPostgres } from '../../functions/shared/src/record/pg-db';
import { pgliteTemplate } from './pglite-template';

export type RecordBackend = 'pglite' | 'postgres';
export const RECORD_BACKENDS: readonly RecordBackend[] = ['pglite', 'postgres'];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of another database on the test server (`name` replaces the path). */
export function databaseUrl(name: string, base = TEST_DATABASE_URL): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An empty database on the test server; `drop()` removes it (connections forced off). */
export async function createThrowawayDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export interface TestRecord {
  readonly db: RecordDb;
  /** The postgres URL (undefined for PGlite). */
  readonly url?: string;
  close(): Promise<void>;
}

/**
 * A migrated, empty record on `backend`; close() also drops the Postgres database. A migrated PGlite starts
 * from the run's template (pglite-template.ts: 1.9 CPU-s instead of 8.4); `migrate: false` gives an empty one.
 */
export async function openTestRecord(backend: RecordBackend, opts: { migrate?: boolean } = {}): Promise<TestRecord> {
  if (backend === 'pglite') {
    const db = opts.migrate === false ? await openPglite(undefined) : await openTemplatePglite();
    return { db, close: () => db.close() };
  }
  const throwaway = await createThrowawayDatabase();
  const db = openPostgres(throwaway.url, { max: 4 });
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    url: throwaway.url,
    close: async () => {
      await db.close();
      await throwaway.drop();
    },
  };
}

/** An in-memory PGlite record from the run's migrated template, for a function under test (AlertsDeps.openRecord). */
export async function openTemplatePglite(): Promise<RecordDb> {
  return openPglite(undefined, await pgliteTemplate());
}
