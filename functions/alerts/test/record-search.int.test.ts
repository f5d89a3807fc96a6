import { parseHistoryFilter, type HistoryFilter } from '../src/core/record-filter';
import { NO_PLACE } from '../src/core/record-row';
import { RecordReader, TOTAL_CAP } from '../src/record/record-reader';
import { RecordWriter } from '../src/record/record-writer';
import { alertData } from './helpers';
import { openTestRecord, RECORD_BACKENDS, type TestRecord } from '../../../test/support/record-db';

const filter = (q: Record<string, string>): HistoryFilter => {
  const parsed = parseHistoryFilter(q);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filter;
};

/**
 * The history search's one-walk query (record-reader.ts) and the search text the covering indexes
 * carry (migration 005), on both engines: the page, its order and the capped total come from one
 * query, and a search text too long for an index entry is still found by the row filter.
 */
describe.each(RECORD_BACKENDS)('the history search on %s', (backend) => {
  let rec: TestRecord;
  const now = new Date('2026-12-01T12:00:00Z');
  beforeAll(async () => {
    rec = await openTestRecord(backend);
  });
  afterAll(async () => {
    await rec?.close();
  });

  test('a search text over 2,000 bytes is not in the indexes, yet found by q beside a narrow filter and by q alone', async () => {
    const writer = new RecordWriter(rec.db);
    const base = { cameraId: 'cam-long', openedAt: '2026-11-30T08:00:00.000Z' };
    // 30 distinct summaries (~80 bytes each): the word is only in the first
    const summaries = Array.from({ length: 30 }, (_, k) =>
      k === 0
        ? 'A welder without a face shield near the gas cylinders'
        : `작업자 ${k}번이 통로를 지나가며 적재물을 확인한다 (${k})`,
    );
    for (const [k, summary] of summaries.entries())
      await writer.alert(
        `long-${k}`,
        k === 0 ? 'raised' : 'updated',
        alertData({ ...base, incidentId: 'long', summary }),
        base.openedAt,
        NO_PLACE,
      );
    await writer.alert(
      'short-0',
      'raised',
      alertData({ ...base, incidentId: 'short', summary: 'A welder on a ladder' }),
      base.openedAt,
      NO_PLACE,
    );

    const [row] = await rec.db.query<{ bytes: number; short: string | null }>(
      'SELECT octet_length(search_text) AS bytes, search_lower AS short FROM incidents WHERE incident_id = $1',
      ['long'],
    );
    expect(row!.bytes).toBeGreaterThan(2000);
    expect(row!.short).toBeNull(); // so the row filter must read the heap's search_text for it

    const reader = new RecordReader(rec.db, () => now);
    const ids = async (q: Record<string, string>) =>
      (await reader.search(filter(q))).incidents.map((i) => i.incidentId).sort();
    expect(await ids({ q: 'face shield', camera: 'cam-long' })).toEqual(['long']);
    expect(await ids({ q: 'welder', from: '2026-11-29' })).toEqual(['long', 'short']);
    expect(await ids({ q: 'face shield' })).toEqual(['long']);
    expect(await ids({ q: '통로', camera: 'cam-long' })).toEqual(['long']);
    expect(await ids({ q: 'ladder', camera: 'cam-long' })).toEqual(['short']);
    // as ILIKE: either case, on both paths (the row filter matches lowercased text)
    expect(await ids({ q: 'FACE Shield', camera: 'cam-long' })).toEqual(['long']);
    expect(await ids({ q: 'WELDER', camera: 'cam-long' })).toEqual(['long', 'short']);
    expect(await ids({ q: 'WELDER' })).toEqual(['long', 'short']);
  });

  test('one query gives the page newest first (ties by id), and the total capped past TOTAL_CAP', async () => {
    // TOTAL_CAP + 5 incidents on one camera, two per minute (the same opened_at: the id breaks the tie)
    await rec.db.exec(`
      INSERT INTO incidents (incident_id, camera_id, hazard_type, severity, state, summary, search_text, opened_at, doc)
      SELECT 'p-' || lpad(g::text, 5, '0'), 'cam-page', 'fire', 'danger', 'resolved', 'forklift ' || g,
        'forklift ' || g, timestamptz '2026-10-01T00:00:00Z' + (g / 2) * interval '1 minute',
        jsonb_build_object('incidentId', 'p-' || lpad(g::text, 5, '0'), 'cameraId', 'cam-page', 'hazards', '[]'::jsonb)
      FROM generate_series(1, ${TOTAL_CAP + 5}) g`);
    const reader = new RecordReader(rec.db, () => now);

    const first = await reader.search(filter({ camera: 'cam-page', limit: '3' }));
    expect(first.incidents.map((i) => i.incidentId)).toEqual(['p-01005', 'p-01004', 'p-01003']);
    expect(first).toMatchObject({ total: TOTAL_CAP, totalCapped: true });

    const exact = await reader.search(filter({ camera: 'cam-page', q: 'forklift 100', limit: '50' }));
    expect(exact.incidents.map((i) => i.incidentId)).toEqual([
      'p-01005',
      'p-01004',
      'p-01003',
      'p-01002',
      'p-01001',
      'p-01000',
      'p-00100',
    ]);
    expect(exact).toMatchObject({ total: 7, totalCapped: false });

    // past the last match: no rows, the total still told
    const beyond = await reader.search(filter({ camera: 'cam-page', q: 'forklift 100', offset: '7' }));
    expect(beyond).toMatchObject({ incidents: [], total: 7, totalCapped: false });
    // a page past the cap reads that far, and the total stays capped
    const deep = await reader.search(filter({ camera: 'cam-page', offset: '1003', limit: '5' }));
    expect(deep.incidents.map((i) => i.incidentId)).toEqual(['p-00002', 'p-00001']);
    expect(deep).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
    const none = await reader.search(filter({ camera: 'cam-none' }));
    expect(none).toEqual({ incidents: [], total: 0, totalCapped: false });
  });
});
