import pg from 'pg';
import type { Queryable, RecordDb } from './db';
import { pgLocalTimestampToIso, pgTimestampToIso } from './time';

// timestamptz arrive as ISO strings (time.ts) and int8 as strings, not Date/number, so both back ends hand the same JSON-ready
// values to the code above them (PGlite is told the same in pglite-db.ts). OIDs from
// postgres src/include/catalog/pg_type.dat: 1184 timestamptz, 1114 timestamp, 20 int8.
const asText = (v: string): string => v;
const OURS: Record<number, (v: string) => unknown> = {
  1184: pgTimestampToIso,
  1114: pgLocalTimestampToIso,
  20: asText,
};
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number): ((v: string) => unknown) =>
    OURS[oid] ?? (pg.types.getTypeParser(oid) as (v: string) => unknown)) as never,
};

function wrap(client: pg.ClientBase | pg.Pool): Queryable {
  return {
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await client.query({ text: sql, values: [...params], types: typeParsers })).rows as R[],
    // the simple-query protocol (no parameters) accepts several statements in one string
    exec: async (sql) => void (await client.query(sql)),
  };
}

/** The record on a real PostgreSQL (`DATABASE_URL`), through a small connection pool. */
export function openPostgres(url: string, opts: { max?: number } = {}): RecordDb {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 5, connectionTimeoutMillis: 5000 });
  // an idle client losing its server (Postgres restart) emits 'error' on the pool; unhandled it kills the process
  pool.on('error', () => undefined);
  const withClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // a connection dropped while checked out emits 'error' on the client (the pending query rejects
    // too); without a listener that would be an uncaught exception. The broken client is discarded.
    let broken: Error | undefined;
    const onError = (err: Error): void => void (broken = err);
    client.on('error', onError);
    try {
      return await fn(client);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
  return {
    kind: 'postgres',
    ...wrap(pool),
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const out = await fn(wrap(client));
          await client.query('COMMIT');
          return out;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    session: (fn) => withClient((client) => fn(wrap(client))),
    close: () => pool.end(),
  };
}
