import net from 'node:net';
import { RetryableError } from '../../shared/src/errors';
import { migrate } from '../../shared/src/record/migrate';
import { openPostgres } from '../../shared/src/record/pg-db';
import { AuditLog } from '../src/record/audit-log';
import { RecordReader } from '../src/record/record-reader';
import { RecordWriter } from '../src/record/record-writer';
import { runRecordRetention } from '../src/record/retention';
import { Workflow } from '../src/record/workflow';
import { FeedbackLog } from '../src/record/feedback-log';
import { NO_PLACE } from '../src/core/record-row';
import { alertData } from './helpers';
import { createThrowawayDatabase, openTestRecord, RECORD_BACKENDS } from '../../../test/support/record-db';

const who = { name: 'admin', role: 'admin', address: '127.0.0.1' };
const YEAR = 365.25 * 86_400_000;

describe.each(RECORD_BACKENDS)('record retention on %s', (backend) => {
  test('5-year classes: old resolved incidents and audit entries go; a legal hold keeps its incident and names its clips', async () => {
    const rec = await openTestRecord(backend);
    try {
      const writer = new RecordWriter(rec.db);
      const workflow = new Workflow(rec.db, new AuditLog(rec.db));
      const now = new Date('2032-06-01T00:00:00Z');
      const old = (id: string, clip: string) =>
        alertData({
          incidentId: id,
          state: 'resolved',
          clipPath: clip,
          openedAt: '2026-01-01T00:00:00.000Z',
          analyzedAt: '2026-01-01T00:01:00.000Z',
          resolvedAt: '2026-01-01T00:01:00.000Z',
        });
      await writer.alert('e1', 'resolved', old('old-plain', 'cam1/a.mp4'), '2026-01-01T00:01:00.000Z', NO_PLACE);
      await writer.alert('e2', 'resolved', old('old-held', 'cam1/b.mp4'), '2026-01-01T00:01:00.000Z', NO_PLACE);
      const recent = alertData({ incidentId: 'recent', openedAt: '2032-05-01T00:00:00.000Z' });
      await writer.alert('e3', 'raised', recent, '2032-05-01T00:00:00.000Z', NO_PLACE);
      await workflow.createAction('old-plain', { text: 'fix', owner: 'kim', due: '2026-02-01T00:00:00.000Z' }, who);
      expect((await workflow.hold('old-held', true, 'labour inspection 2026-31', who)).ok).toBe(true);
      // an audit entry 6 years old (by the database's clock: its trigger checks the age with now())
      await rec.db.query("INSERT INTO audit_log (at, actor, action) VALUES ($1, 'ana', 'view.clip')", [
        new Date(Date.now() - 6 * YEAR).toISOString(),
      ]);

      // operator feedback from 2026 on each old incident: the held one's stays with it
      const feedback = new FeedbackLog(rec.db, new AuditLog(rec.db));
      for (const [id, clip] of [
        ['old-plain', 'cam1/a.mp4'],
        ['old-held', 'cam1/b.mp4'],
      ] as const)
        await feedback.given(
          {
            v: 1,
            target: { kind: 'incident', id },
            kind: 'false_alarm',
            hazards: ['fire'],
            cameraId: 'cam1',
            clipPath: clip,
            predicted: { status: 'danger', hazards: ['fire'] },
            by: 'ana',
            at: '2026-01-02T00:00:00.000Z',
          },
          who,
        );

      const r = await runRecordRetention(rec.db, 1826, now);
      expect(r).toMatchObject({ ran: true, incidents: 1, feedback: 1, auditEntries: 1, heldClips: ['cam1/b.mp4'] });
      expect((await feedback.ofIncident('old-held', ['cam1/b.mp4'])).map((f) => f.targetId)).toEqual(['old-held']);
      const left = await rec.db.query<{ incident_id: string }>('SELECT incident_id FROM incidents ORDER BY 1');
      expect(left.map((x) => x.incident_id)).toEqual(['old-held', 'recent']);
      // the deleted incident's transitions and actions went with it (ON DELETE CASCADE)
      expect(await rec.db.query("SELECT 1 FROM incident_events WHERE incident_id = 'old-plain'")).toEqual([]);
      expect(await rec.db.query("SELECT 1 FROM actions WHERE incident_id = 'old-plain'")).toEqual([]);
      // released: the next round deletes it
      await workflow.hold('old-held', false, 'case closed', who);
      expect((await runRecordRetention(rec.db, 1826, now)).incidents).toBe(1);
      // the audit log kept the feedback, the hold and its release (younger than 5 years)
      const audit = await new AuditLog(rec.db).list({ target: 'old-held', limit: 10, offset: 0 });
      expect(audit.map((a) => a.action).sort()).toEqual(['feedback.give', 'incident.hold', 'incident.release']);
    } finally {
      await rec.close();
    }
  });
});

/** A TCP relay to the test Postgres that can be cut: the database "briefly down". */
async function cuttableRelay(target: URL) {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('postgres briefly down: the write fails as retryable (the event is answered 503), the redelivery lands once', async () => {
  const db = await createThrowawayDatabase();
  const relay = await cuttableRelay(new URL(db.url));
  const viaRelay = new URL(db.url);
  viaRelay.host = `127.0.0.1:${relay.port}`;
  const rec = openPostgres(viaRelay.toString(), { max: 2 });
  try {
    await migrate(rec);
    const writer = new RecordWriter(rec);
    const data = alertData({ incidentId: 'during-outage' });
    relay.cut();
    await expect(writer.alert('ev-1', 'raised', data, data.analyzedAt, NO_PLACE)).rejects.toBeInstanceOf(
      RetryableError,
    );
    relay.restore();
    expect(await writer.alert('ev-1', 'raised', data, data.analyzedAt, NO_PLACE)).toBe(true);
    expect(await writer.alert('ev-1', 'raised', data, data.analyzedAt, NO_PLACE)).toBe(false); // redelivered again
    const page = await new RecordReader(rec).search({ offset: 0, limit: 10 });
    expect(page.incidents.map((i) => i.incidentId)).toEqual(['during-outage']);
  } finally {
    await rec.close();
    await relay.close();
    await db.drop();
  }
});
