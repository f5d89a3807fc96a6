import { buildReport } from '../src/core/report';
import { reportWindow } from '../src/core/report-window';
import { reportRows } from '../src/record/report-data';
import { openTestRecord, RECORD_BACKENDS, type TestRecord } from '../../../test/support/record-db';

/**
 * The report's camera events (report-data.ts) on both engines: the window's events, and each
 * camera's LAST event before the window, which says whether it was online when the window opened.
 */
describe.each(RECORD_BACKENDS)('the report rows on %s', (backend) => {
  let rec: TestRecord;
  beforeAll(async () => {
    rec = await openTestRecord(backend);
  });
  afterAll(async () => {
    await rec?.close();
  });

  test("each camera's state when the window opens is its last event before it, not its first", async () => {
    const events: [string, string, string][] = [
      // cam-a went offline a month earlier and came back an hour later: online all through the window
      ['cam-a', 'offline', '2026-01-01T00:00:00Z'],
      ['cam-a', 'online', '2026-01-01T01:00:00Z'],
      // cam-b went offline two days before and stayed offline
      ['cam-b', 'online', '2026-01-20T00:00:00Z'],
      ['cam-b', 'offline', '2026-01-30T00:00:00Z'],
      // cam-c was online before, and offline for the window's last 6 hours
      ['cam-c', 'online', '2026-01-15T00:00:00Z'],
      ['cam-c', 'offline', '2026-02-01T18:00:00Z'],
      // after the window: not part of it
      ['cam-a', 'offline', '2026-02-03T00:00:00Z'],
    ];
    for (const [k, [cam, status, at]] of events.entries())
      await rec.db.query('INSERT INTO camera_events (event_id, camera_id, status, at) VALUES ($1, $2, $3, $4)', [
        `ce-${k}`,
        cam,
        status,
        at,
      ]);
    const w = reportWindow('daily', '2026-02-01', 0)!;
    const rows = await reportRows(rec.db, w);
    expect(rows.cameraEvents.map((e) => [e.cameraId, e.status, new Date(e.at).toISOString()])).toEqual([
      ['cam-a', 'online', '2026-01-01T01:00:00.000Z'],
      ['cam-b', 'offline', '2026-01-30T00:00:00.000Z'],
      ['cam-c', 'online', '2026-01-15T00:00:00.000Z'],
      ['cam-c', 'offline', '2026-02-01T18:00:00.000Z'],
    ]);
    const report = buildReport(w, rows.incidents, rows.actions, rows.cameraEvents, new Date('2026-02-02T00:00:00Z'));
    expect(report.online).toEqual({ 'cam-a': 1, 'cam-b': 0, 'cam-c': 0.75 });
  });
});
