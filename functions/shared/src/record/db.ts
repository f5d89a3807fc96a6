/**
 * The system of record's one database interface (issue #25): the same SQL runs on a real
 * PostgreSQL (`pg`, DATABASE_URL) and on PGlite (Postgres compiled to WASM, embedded, the default
 * when DATABASE_URL is unset). Callers never see which one it is, except through {@link RecordDb.kind}.
 */

/** Something that runs parameterised SQL ($1, $2 …): the database, or one transaction of it. */
export interface Queryable {
  /** One statement with parameters; returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (a migration file). */
  exec(sql: string): Promise<void>;
}

export interface RecordDb extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection (no transaction): what a session-level advisory lock needs, since
   * a pool would hand the unlock to another connection.
   */
  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
