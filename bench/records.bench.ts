import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { RecordDb } from '../functions/shared/src/record/db';
import { openRecord } from '../functions/shared/src/record/open';
import { RecordReader, TOTAL_CAP } from '../functions/alerts/src/record/record-reader';
import { reportRows } from '../functions/alerts/src/record/report-data';
import { parseHistoryFilter } from '../functions/alerts/src/core/record-filter';
import { buildReport } from '../functions/alerts/src/core/report';
import { renderReportHtml } from '../functions/alerts/src/core/report-html';
import { reportWindow, type ReportKind } from '../functions/alerts/src/core/report-window';
import { countRows, DATA_END, DATA_SPAN_MS, generateRecords, type RecordsSize } from './lib/records-data';
import type { BenchContext } from './run';
import { percentile, type BenchTable } from './table';

/**
 * `npm run bench -- records [--incidents N] [--verdicts-per-incident V] [--engines pglite,postgres] [--fresh]`
 * (issue #25.8): fills a record with N incidents (default 1 M) on PGlite and on a real PostgreSQL
 * (DATABASE_URL, else TEST_DATABASE_URL; a database `bench_records_<N>` is created on it), then
 * times the history search (the alerts code path: `RecordReader.search`, page + capped count) over
 * realistic filter combinations, and the daily/shift/weekly report (rows + model + HTML).
 * A filled database is reused by the next run unless `--fresh`.
 */
const DAY = 86_400_000;

/** Filter combinations an operator uses; `i` varies the camera, the window and the words per repetition. */
const cam = (i: number) => `cam-${String((i * 37) % 200).padStart(3, '0')}`;
const day = (i: number, back: number) => new Date(DATA_END - ((i * 97) % 1500) * DAY - back * DAY).toISOString();
const COMBOS: { name: string; query: (i: number) => Record<string, string> }[] = [
  { name: 'newest page (no filter)', query: () => ({}) },
  { name: 'last 24 h', query: () => ({ from: new Date(DATA_END - DAY).toISOString() }) },
  { name: 'a week, one camera', query: (i) => ({ from: day(i, 7), to: day(i, 0), camera: cam(i) }) },
  { name: 'one camera, all time', query: (i) => ({ camera: cam(i) }) },
  { name: 'hazard + severity', query: (i) => ({ hazard: i % 2 ? 'fire' : 'blocked_exit', severity: 'danger' }) },
  { name: 'state=open', query: () => ({ state: 'open' }) },
  { name: 'q Korean (안전모)', query: (i) => ({ q: i % 2 ? '안전모' : '지게차' }) },
  { name: 'q English (forklift)', query: (i) => ({ q: i % 2 ? 'forklift' : 'emergency exit' }) },
  { name: 'q Korean + month', query: (i) => ({ q: '용접', from: day(i, 30), to: day(i, 0) }) },
  { name: 'camera + hazard + 30 d', query: (i) => ({ camera: cam(i), hazard: 'no_hard_hat', from: day(i, 30) }) },
  { name: 'q + camera + danger', query: (i) => ({ q: 'worker', camera: cam(i), severity: 'danger' }) },
  { name: 'q no match', query: (i) => ({ q: `없는말${i}` }) },
  { name: 'page 20 of a month', query: (i) => ({ from: day(i, 30), to: day(i, 0), offset: '950', limit: '50' }) },
];

interface Flags {
  size: RecordsSize;
  engines: ('pglite' | 'postgres')[];
  fresh: boolean;
  reps: number;
}

function flags(ctx: BenchContext): Flags {
  const f = ctx.flags ?? {};
  const num = (k: string, env: string, d: number) => Number(f[k] ?? ctx.env[env] ?? d);
  return {
    size: {
      incidents: num('incidents', 'BENCH_RECORDS_INCIDENTS', 1_000_000),
      verdictsPerIncident: num('verdicts-per-incident', 'BENCH_RECORDS_VERDICTS', 10),
      cameras: 200,
    },
    engines: (f.engines ?? 'pglite,postgres').split(',') as Flags['engines'],
    fresh: 'fresh' in f,
    reps: num('reps', 'BENCH_RECORDS_REPS', 20),
  };
}

async function openPostgresBench(ctx: BenchContext, name: string, fresh: boolean): Promise<RecordDb> {
  const base = ctx.env.DATABASE_URL ?? ctx.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return openRecord({ databaseUrl: url.toString(), recordDir: 'memory' });
}

async function openEngine(ctx: BenchContext, engine: 'pglite' | 'postgres', fl: Flags): Promise<RecordDb> {
  const name = `bench_records_${fl.size.incidents}_${fl.size.verdictsPerIncident}`;
  if (engine === 'postgres') return openPostgresBench(ctx, name, fl.fresh);
  const dir = path.join(os.tmpdir(), `safety-hanta-${name}`);
  if (fl.fresh) fs.rmSync(dir, { recursive: true, force: true });
  return openRecord({ recordDir: dir });
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const out = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, out];
}

async function measureSearch(db: RecordDb, reps: number): Promise<(string | number)[][]> {
  const reader = new RecordReader(db, () => new Date(DATA_END));
  const rows: (string | number)[][] = [];
  const all: number[] = [];
  for (const combo of COMBOS) {
    const ms: number[] = [];
    let matches = '';
    for (let i = 0; i < reps + 1; i++) {
      const parsed = parseHistoryFilter(combo.query(i));
      if (!parsed.ok) throw new Error(`${combo.name}: ${parsed.error}`);
      const [t, r] = await timed(() => reader.search(parsed.filter));
      if (i === 0) continue; // the first run warms the cache
      ms.push(t);
      if (i === 1) matches = r.totalCapped ? `> ${r.total}` : String(r.total);
    }
    all.push(...ms);
    rows.push([combo.name, matches, percentile(ms, 50), percentile(ms, 95), Math.max(...ms)]);
  }
  rows.push(['**all combinations**', '', percentile(all, 50), percentile(all, 95), Math.max(...all)]);
  return rows;
}

async function measureReports(db: RecordDb, reps: number): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const kind of ['shift', 'daily', 'weekly'] as ReportKind[]) {
    const ms: number[] = [];
    let incidents = 0;
    for (let i = 0; i < Math.min(reps, 10) + 1; i++) {
      const date = new Date(DATA_END - (1 + ((i * 131) % 1500)) * DAY).toISOString().slice(0, 10);
      const w = reportWindow(kind, date, 540)!;
      const [t, html] = await timed(async () => {
        const r = await reportRows(db, w);
        incidents = r.incidents.length;
        const model = buildReport(w, r.incidents, r.actions, r.cameraEvents, new Date(DATA_END));
        return renderReportHtml(model, { css: { href: '/assets/report.css' }, thumbSrc: () => undefined });
      });
      if (!html.includes('<html')) throw new Error(`${kind} report rendered no HTML`);
      if (i > 0) ms.push(t);
    }
    rows.push([kind, incidents, percentile(ms, 50), percentile(ms, 95), Math.max(...ms)]);
  }
  return rows;
}

export async function recordsBench(ctx: BenchContext): Promise<BenchTable[]> {
  const fl = flags(ctx);
  const tables: BenchTable[] = [];
  const cmd = `npm run bench -- records --incidents ${fl.size.incidents} --verdicts-per-incident ${fl.size.verdictsPerIncident}`;
  for (const engine of fl.engines) {
    console.error(`records: opening ${engine} …`);
    const db = await openEngine(ctx, engine, fl);
    try {
      let counts = await countRows(db);
      const have = counts.incidents ?? 0;
      let genSeconds = 'reused';
      if (have !== fl.size.incidents) {
        if (have > 0) throw new Error(`${engine} bench database holds ${have} incidents; use --fresh`);
        console.error(`records: generating on ${engine} (${JSON.stringify(fl.size)}) …`);
        const [t, c] = await timed(() => generateRecords(db, fl.size, (l) => console.error(l)));
        counts = c;
        genSeconds = (t / 1000).toFixed(0);
      }
      // a reused record may have had migrations applied since it was filled: VACUUM sets the visibility
      // map of what they built (index-only scans need it), as autovacuum does on a live record
      if (genSeconds === 'reused') await db.exec('VACUUM ANALYZE incidents');
      const sizeNote = Object.entries(counts)
        .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
        .join(', ');
      const years = (DATA_SPAN_MS / (365.25 * DAY)).toFixed(0);
      console.error(`records: searching on ${engine} …`);
      tables.push({
        title: `Record history search on ${engine}, ${fl.size.incidents.toLocaleString('en')} incidents (ms)`,
        command: `${cmd} --engines ${engine}`,
        columns: ['filters', 'matches (1st rep)', 'p50', 'p95', 'max'],
        rows: await measureSearch(db, fl.reps),
        notes: [
          `rows: ${sizeNote}; ${fl.size.cameras} cameras over ${years} years; ${genSeconds === 'reused' ? 'filled by an earlier run' : `generated in ${genSeconds} s`}`,
          `${fl.reps} repetitions per combination (camera, window and words vary), after one warm-up; page of 50 + count capped at ${(TOTAL_CAP + 1).toLocaleString('en')}`,
        ],
      });
      console.error(`records: reports on ${engine} …`);
      tables.push({
        title: `Record reports on ${engine}, ${fl.size.incidents.toLocaleString('en')} incidents (ms: rows + model + HTML)`,
        command: `${cmd} --engines ${engine}`,
        columns: ['report', 'incidents in window (1st rep)', 'p50', 'p95', 'max'],
        rows: await measureReports(db, fl.reps),
        notes: ['10 different dates per kind; the PDF adds chromium printing, not measured here'],
      });
    } finally {
      await db.close();
    }
  }
  return tables;
}
