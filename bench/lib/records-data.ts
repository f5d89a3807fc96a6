import type { RecordDb } from '../../functions/shared/src/record/db';
import { HAZARD_TYPES } from '../../functions/shared/src/verdict';

/**
 * Synthetic history for `npm run bench -- records` (issue #25.8): N incidents over 5 years and
 * 200 cameras, with their transitions, non-safe verdict summaries, corrective actions and camera
 * events. Rows are made by the database itself (`INSERT … SELECT FROM generate_series`, a set-based
 * multi-row insert: no per-row round trip, which matters most on PGlite where every call crosses
 * into WASM), in batches so progress can be printed. Values are derived from a multiplicative hash
 * of the row number, so a run is reproducible.
 */
export interface RecordsSize {
  readonly incidents: number;
  /** Non-safe verdict summaries per incident (10 → 10 M at 1 M incidents, the plan). */
  readonly verdictsPerIncident: number;
  readonly cameras: number;
}

/** The newest incident opens just before this instant; the oldest 5 years earlier. */
export const DATA_END = Date.parse('2026-12-01T00:00:00Z');
export const DATA_SPAN_MS = 1826 * 86_400_000;

/** Korean and English summaries, like the model's (Qwen3-VL writes in the configured language). */
export const SUMMARIES_KO = [
  '작업자가 안전모를 착용하지 않고 지게차 통로를 걷고 있다',
  '안전조끼 없이 적재 구역에 작업자 두 명이 서 있다',
  '출입 금지 구역에 작업자가 들어갔다',
  '작업자가 바닥에 쓰러져 움직이지 않는다',
  '용접 작업 중 불꽃과 연기가 보인다',
  '지게차가 보행자 1미터 이내로 접근했다',
  '작업자가 허리를 굽힌 채 무거운 상자를 들고 있다',
  '비상구 앞에 팔레트가 쌓여 통로를 막고 있다',
  '바닥에 기름이 흘러 미끄럼 위험이 있다',
  '컨베이어 옆에서 안전모 미착용 작업자가 점검 중이다',
];
export const SUMMARIES_EN = [
  'A worker without a hard hat walks along the forklift aisle',
  'Two workers stand in the loading bay without safety vests',
  'A person entered the restricted zone near the press',
  'A worker has fallen to the floor and is not moving',
  'Sparks and smoke are visible during welding',
  'A forklift came within one metre of a pedestrian',
  'A worker lifts a heavy box with a bent back',
  'Pallets are stacked in front of the emergency exit',
  'Oil spilled on the floor creates a slip hazard',
  'A technician without a hard hat inspects the conveyor',
];

const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const sqlArray = (xs: readonly string[]): string => `ARRAY[${xs.map(sqlText).join(', ')}]::text[]`;

/**
 * hash(x, salt) in [0, 2^28): the first 7 hex digits of md5, so each salt gives an independent
 * value (camera, hazard and severity must not follow from one another).
 */
const h = (x: string, salt: number): string => `(('x' || substr(md5((${x})::text || '-${salt}'), 1, 7))::bit(28)::int)`;

function incidentsSql(from: number, to: number, size: RecordsSize): string {
  const step = DATA_SPAN_MS / size.incidents;
  const start = DATA_END - DATA_SPAN_MS;
  const hz = sqlArray(HAZARD_TYPES.filter((t) => t !== 'other'));
  const hzN = HAZARD_TYPES.length - 1;
  const ko = sqlArray(SUMMARIES_KO);
  const en = sqlArray(SUMMARIES_EN);
  const n = SUMMARIES_KO.length;
  return `
  INSERT INTO incidents (incident_id, camera_id, site, area, zones, hazard_type, hazards, severity, state, summary,
    search_text, clip_paths, opened_at, resolved_at, acknowledged_at, acknowledged_by, doc)
  SELECT id, cam, 'plant-' || (c % 4), 'area-' || (c % 20), ARRAY['zone-' || (c % 5)], hz, ARRAY[hz], sev, st,
    summ, summ || E'\\n' || summ2, ARRAY[cam || '/' || to_char(opened, 'YYYYMMDD"T"HH24MISS') || '.mp4'],
    opened, resolved, acked, CASE WHEN acked IS NULL THEN NULL ELSE 'op-' || (k % 30) END,
    jsonb_build_object('incidentId', id, 'cameraId', cam, 'status', CASE WHEN st = 'open' THEN 'unsafe' ELSE 'safe' END,
      'state', st, 'severity', sev, 'peakSeverity', sev, 'hazardType', hz,
      'hazards', jsonb_build_array(jsonb_build_object('type', hz, 'confidence', 0.8)),
      'summary', summ, 'clipPath', cam || '/' || to_char(opened, 'YYYYMMDD"T"HH24MISS') || '.mp4',
      'capturedAt', opened, 'analyzedAt', opened, 'model', 'Qwen/Qwen3-VL-8B-Instruct', 'openedAt', opened,
      'rev', 3, 'lastEvent', CASE WHEN st = 'open' THEN 'alert.updated' ELSE 'alert.resolved' END,
      'firstReceivedAt', opened, 'lastReceivedAt', opened, 'clipCount', 3)
  FROM (
    SELECT g, id, cam, c, k, opened, hz, sev, st, summ, summ2,
      CASE WHEN st = 'resolved' THEN opened + make_interval(secs => 60 + k % 3600) END AS resolved,
      CASE WHEN k % 10 < 8 THEN opened + make_interval(secs => 10 + k % 900) END AS acked
    FROM (
      SELECT g, 'inc-' || lpad(g::text, 8, '0') AS id, 'cam-' || lpad((${h('g', 1)} % ${size.cameras})::text, 3, '0') AS cam,
        (${h('g', 1)} % ${size.cameras}) AS c, ${h('g', 2)} AS k,
        to_timestamp((${start} + g * ${step} + ${h('g', 3)} % ${Math.max(1, Math.floor(step))}) / 1000.0) AS opened,
        (${hz})[1 + ${h('g', 4)} % ${hzN}] AS hz,
        CASE WHEN ${h('g', 5)} % 10 < 3 THEN 'danger' ELSE 'warning' END AS sev,
        CASE WHEN g >= ${size.incidents} - ${Math.max(1, Math.floor(size.incidents / 200))} THEN 'open' ELSE 'resolved' END AS st,
        CASE WHEN ${h('g', 6)} % 2 = 0 THEN (${ko})[1 + ${h('g', 7)} % ${n}] ELSE (${en})[1 + ${h('g', 7)} % ${n}] END AS summ,
        CASE WHEN ${h('g', 6)} % 2 = 0 THEN (${en})[1 + ${h('g', 8)} % ${n}] ELSE (${ko})[1 + ${h('g', 8)} % ${n}] END AS summ2
      FROM generate_series(${from}::bigint, ${to - 1}::bigint) g
    ) a
  ) b`;
}

/** Three transitions per incident (opened, updated, resolved/acknowledged), keyed like the writer's. */
function eventsSql(from: number, to: number): string {
  return `
  INSERT INTO incident_events (event_id, incident_id, kind, status, severity, summary, clip_path, analyzed_at, at, actor)
  SELECT i.incident_id || ':' || e.kind, i.incident_id, e.kind, CASE WHEN e.kind = 'alert.resolved' THEN 'safe' ELSE 'unsafe' END,
    i.severity, i.summary, i.clip_paths[1], i.opened_at + e.off, i.opened_at + e.off,
    CASE WHEN e.kind = 'acknowledged' THEN i.acknowledged_by END
  FROM incidents i
  CROSS JOIN (VALUES ('alert.opened', interval '0'), ('alert.updated', interval '30 seconds'),
    ('alert.resolved', interval '10 minutes'), ('acknowledged', interval '1 minute')) e(kind, off)
  WHERE i.incident_id >= 'inc-' || lpad('${from}', 8, '0') AND i.incident_id < 'inc-' || lpad('${to}', 8, '0')
    AND (e.kind <> 'alert.resolved' OR i.state = 'resolved') AND (e.kind <> 'acknowledged' OR i.acknowledged_at IS NOT NULL)`;
}

/** `perIncident` non-safe verdict summaries for each incident, every 5 s from its opening. */
function verdictsSql(from: number, to: number, perIncident: number): string {
  return `
  INSERT INTO verdicts (event_id, job_id, camera_id, status, hazards, summary, clip_path, analyzed_at)
  SELECT i.incident_id || ':v' || v, i.incident_id || ':j' || v, i.camera_id, 'unsafe', i.hazards, i.summary,
    i.clip_paths[1], i.opened_at + make_interval(secs => 5 * v)
  FROM incidents i CROSS JOIN generate_series(1, ${perIncident}) v
  WHERE i.incident_id >= 'inc-' || lpad('${from}', 8, '0') AND i.incident_id < 'inc-' || lpad('${to}', 8, '0')`;
}

/** A corrective action on 1 incident in 20 (owner, due 7 days later); the newest ones still open. */
function actionsSql(from: number, to: number, total: number): string {
  return `
  WITH a AS (
    INSERT INTO actions (incident_id, text, owner, due_at, status, created_at, created_by, updated_at, closed_at, closed_comment)
    SELECT i.incident_id, '통로 정리 및 안전교육 · clear the aisle, retrain the crew', 'owner-' || (g % 12),
      i.opened_at + interval '7 days', CASE WHEN g >= ${total} - ${Math.max(20, Math.floor(total / 100))} THEN 'open' ELSE 'verified' END,
      i.opened_at + interval '1 hour', 'supervisor', i.opened_at + interval '1 hour',
      CASE WHEN g < ${total} - ${Math.max(20, Math.floor(total / 100))} THEN i.opened_at + interval '3 days' END,
      CASE WHEN g < ${total} - ${Math.max(20, Math.floor(total / 100))} THEN 'checked on site' END
    FROM generate_series(${from}::bigint, ${to - 1}::bigint) g
    JOIN incidents i ON i.incident_id = 'inc-' || lpad(g::text, 8, '0')
    WHERE g % 20 = 0
    RETURNING action_id, status, created_at
  )
  INSERT INTO action_events (action_id, from_status, to_status, at, actor)
  SELECT action_id, NULL, 'open', created_at, 'supervisor' FROM a
  UNION ALL SELECT action_id, 'open', 'verified', created_at + interval '3 days', 'supervisor' FROM a WHERE status = 'verified'`;
}

/** Each camera goes offline for an hour about once a week. */
function cameraEventsSql(size: RecordsSize): string {
  const weeks = Math.floor(DATA_SPAN_MS / (7 * 86_400_000));
  return `
  INSERT INTO camera_events (event_id, camera_id, status, at)
  SELECT 'ce-' || c || '-' || w || '-' || s, 'cam-' || lpad(c::text, 3, '0'), s,
    to_timestamp(${(DATA_END - DATA_SPAN_MS) / 1000} + w * 604800 + (c * 3571) % 604800) + CASE WHEN s = 'online' THEN interval '1 hour' ELSE interval '0' END
  FROM generate_series(0, ${size.cameras - 1}) c CROSS JOIN generate_series(0, ${weeks - 1}) w
  CROSS JOIN (VALUES ('offline'), ('online')) st(s)`;
}

export interface Progress {
  (line: string): void;
}

/** The non-unique indexes of the record's tables, as their CREATE statements (to drop and rebuild around a bulk load). */
async function secondaryIndexes(db: RecordDb): Promise<{ name: string; def: string }[]> {
  return db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = 'public' AND indexdef NOT LIKE 'CREATE UNIQUE%'
       AND tablename IN ('incidents', 'incident_events', 'verdicts', 'actions', 'action_events', 'camera_events')`,
  );
}

/**
 * Fills an empty, migrated record. The secondary indexes are dropped during the load and rebuilt
 * after it from their own definitions (PostgreSQL docs, populate.html "Remove Indexes": building
 * an index on existing data is quicker than updating it row by row), so the measured schema is the
 * migrations' schema exactly. Returns the row counts.
 */
export async function generateRecords(
  db: RecordDb,
  size: RecordsSize,
  progress: Progress,
): Promise<Record<string, number>> {
  const indexes = await secondaryIndexes(db);
  for (const ix of indexes) await db.exec(`DROP INDEX ${ix.name}`);
  const batch = 50_000;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
  for (let from = 0; from < size.incidents; from += batch) {
    const to = Math.min(size.incidents, from + batch);
    await db.transaction(async (tx) => {
      await tx.exec(incidentsSql(from, to, size));
      await tx.exec(eventsSql(from, to));
      if (size.verdictsPerIncident > 0) await tx.exec(verdictsSql(from, to, size.verdictsPerIncident));
      await tx.exec(actionsSql(from, to, size.incidents));
    });
    progress(
      `  ${db.kind}: ${to.toLocaleString('en')} / ${size.incidents.toLocaleString('en')} incidents (${elapsed()})`,
    );
  }
  await db.exec(cameraEventsSql(size));
  for (const ix of indexes) {
    progress(`  ${db.kind}: index ${ix.name} … (${elapsed()})`);
    await db.exec(ix.def);
  }
  // VACUUM sets the visibility map (index-only scans need it), as autovacuum does on a live record
  await db.exec('VACUUM ANALYZE');
  progress(`  ${db.kind}: generated in ${elapsed()}`);
  return countRows(db);
}

export async function countRows(db: RecordDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['incidents', 'incident_events', 'verdicts', 'actions', 'action_events', 'camera_events']) {
    const [r] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
    out[t] = Number(r?.n ?? 0);
  }
  return out;
}
