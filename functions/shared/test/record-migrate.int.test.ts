import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadMigrations, migrate } from '../src/record/migrate';
import { openPostgres } from '../src/record/pg-db';
import { createThrowawayDatabase, openTestRecord, RECORD_BACKENDS } from '../../../test/support/record-db';
import { tsLoaderArgs } from '../src/ts-loader';

const FIXTURE = path.join(__dirname, 'fixtures', 'record-migrate.ts');

function runMigrateProcess(url: string): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, [...tsLoaderArgs(), FIXTURE, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out, err })));
}

describe.each(RECORD_BACKENDS)('record migrations on %s', (backend) => {
  test('from empty: every numbered file once, then nothing; the audit log refuses UPDATE, DELETE and TRUNCATE', async () => {
    const rec = await openTestRecord(backend, { migrate: false });
    try {
      const versions = (await loadMigrations()).map((m) => m.version);
      expect(await migrate(rec.db)).toEqual(versions);
      expect(await migrate(rec.db)).toEqual([]);
      const rows = await rec.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(versions);

      await rec.db.query("INSERT INTO audit_log (actor, action, target) VALUES ('ana', 'view.clip', 'cam1/a.mp4')");
      await expect(rec.db.query("UPDATE audit_log SET actor = 'eve'")).rejects.toThrow(/append-only: UPDATE/);
      await expect(rec.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only: DELETE/);
      await expect(rec.db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE/);
      // even the retention job may not delete an entry younger than 5 years
      await expect(
        rec.db.transaction(async (tx) => {
          await tx.query("SELECT set_config('safetyhanta.retention', 'on', true)");
          await tx.query('DELETE FROM audit_log');
        }),
      ).rejects.toThrow(/append-only: DELETE/);
      expect(await rec.db.query('SELECT actor FROM audit_log')).toEqual([{ actor: 'ana' }]);
    } finally {
      await rec.close();
    }
  });
});

test('postgres: two replicas migrating at once (two processes, and two pools in one) apply each file once', async () => {
  const versions = (await loadMigrations()).map((m) => m.version);
  const throwaway = await createThrowawayDatabase();
  try {
    const [a, b] = await Promise.all([runMigrateProcess(throwaway.url), runMigrateProcess(throwaway.url)]);
    expect([a.code, b.code, a.err + b.err]).toEqual([0, 0, '']);
    const ran = [JSON.parse(a.out) as number[], JSON.parse(b.out) as number[]];
    // one applied everything, the other waited on the advisory lock and found nothing to do
    expect(ran.sort((x, y) => y.length - x.length)).toEqual([versions, []]);
  } finally {
    await throwaway.drop();
  }
  const again = await createThrowawayDatabase();
  const pools = [openPostgres(again.url, { max: 1 }), openPostgres(again.url, { max: 1 })];
  try {
    const ran = await Promise.all(pools.map((db) => migrate(db)));
    expect(ran.flat().sort()).toEqual(versions);
    const rows = await pools[0]!.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(String(versions.length));
  } finally {
    await Promise.all(pools.map((db) => db.close()));
    await again.drop();
  }
});
