import fs from 'node:fs/promises';
import path from 'node:path';
import type { Queryable, RecordDb } from './db';

/** The migrations shipped with the code: `migrations/NNN_name.sql`, applied in number order, each once. */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Advisory lock key of the migration step (any constant bigint; every replica uses the same one).
 * PostgreSQL docs, "Advisory Locks" (explicit-locking.html#ADVISORY-LOCKS): a session-level lock
 * is held until released or the session ends, and a second `pg_advisory_lock` on the same key waits.
 */
const MIGRATION_LOCK = 7_244_250_025;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Reads and orders the numbered .sql files (pure apart from the reads). */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_-]+\.sql$/.test(f)).sort();
  // the version is the migrations table's key: a second file with the same number would never run
  const clash = files.find((f, i) => i > 0 && f.slice(0, 3) === files[i - 1]!.slice(0, 3));
  if (clash) throw new Error(`two migrations share version ${clash.slice(0, 3)} in ${dir}: renumber one (${clash})`);
  return Promise.all(
    files.map(async (f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: await fs.readFile(path.join(dir, f), 'utf8'),
    })),
  );
}

async function applied(conn: Queryable): Promise<Set<number>> {
  await conn.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const rows = await conn.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => r.version));
}

/**
 * Brings the schema up to date. Two replicas starting at once: the second waits on the advisory
 * lock, then finds every version already in schema_migrations and applies nothing. Each file
 * runs in its own transaction with its schema_migrations row, so a failure leaves no half-applied file.
 * @returns the versions this call applied
 */
export async function migrate(db: RecordDb, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  return db.session(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const done = await applied(conn);
      const ran: number[] = [];
      for (const m of all) {
        if (done.has(m.version)) continue;
        await conn.exec(
          `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}');\nCOMMIT;`,
        );
        ran.push(m.version);
      }
      return ran;
    } catch (err) {
      await conn.exec('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
