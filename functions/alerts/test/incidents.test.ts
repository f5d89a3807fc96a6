import type { AlertData } from '../../shared/src/events';
import {
  acknowledge,
  alertKindOf,
  applyAlertEvent,
  HISTORY_CAP,
  incidentDurationMs,
  type AlertEventInput,
  type DashboardIncident,
} from '../src/core/incidents';

const T0 = Date.parse('2026-11-28T20:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function data(over: Partial<AlertData> = {}): AlertData {
  return {
    incidentId: 'inc-1',
    cameraId: 'cam1',
    status: 'warning',
    state: 'open',
    severity: 'warning',
    hazardType: 'no_hard_hat',
    hazards: [{ type: 'no_hard_hat', description: 'no helmet', confidence: 0.8 }],
    summary: '안전모 미착용',
    clipPath: 'cam1/a.mp4',
    capturedAt: at(0),
    analyzedAt: at(1),
    model: 'm',
    openedAt: at(0),
    ...over,
  };
}
const ev = (eventId: string, kind: AlertEventInput['kind'], over: Partial<AlertData> = {}): AlertEventInput => ({
  eventId,
  kind,
  data: data(over),
  receivedAt: at(100),
});

function run(events: AlertEventInput[]): { record: DashboardIncident; kinds: string[]; alerts: boolean[] } {
  let rec: DashboardIncident | undefined;
  const kinds: string[] = [];
  const alerts: boolean[] = [];
  for (const e of events) {
    const r = applyAlertEvent(rec, e);
    rec = r.record;
    kinds.push(r.kind);
    alerts.push(r.alert);
  }
  if (!rec) throw new Error('no record');
  return { record: rec, kinds, alerts };
}

describe('incident reducer', () => {
  it('raised → updated → resolved in order', () => {
    const { record, kinds, alerts } = run([
      ev('e1', 'raised'),
      ev('e2', 'updated', { analyzedAt: at(6), summary: 'still no helmet', clipPath: 'cam1/b.mp4', clipCount: 2 }),
      ev('e3', 'resolved', {
        analyzedAt: at(11),
        state: 'resolved',
        status: 'safe',
        resolvedAt: at(11),
        clipPath: 'cam1/c.mp4',
      }),
    ]);
    expect(kinds).toEqual(['created', 'updated', 'updated']);
    expect(alerts).toEqual([true, false, false]);
    expect(record).toMatchObject({
      state: 'resolved',
      status: 'safe',
      resolvedAt: at(11),
      clipPath: 'cam1/c.mp4',
      lastEvent: 'resolved',
      rev: 3,
    });
    expect(record.history.map((h) => h.eventId)).toEqual(['e1', 'e2', 'e3']);
  });

  it('a redelivered event id changes nothing', () => {
    const first = applyAlertEvent(undefined, ev('e1', 'raised'));
    const again = applyAlertEvent(first.record, ev('e1', 'raised'));
    expect(again.kind).toBe('duplicate');
    expect(again.alert).toBe(false);
    expect(again.record).toBe(first.record);
  });

  it('an older update arriving late only lands in the history', () => {
    const { record, kinds } = run([
      ev('e1', 'raised'),
      ev('e3', 'updated', { analyzedAt: at(11), summary: 'newest' }),
      ev('e2', 'updated', { analyzedAt: at(6), summary: 'older' }),
    ]);
    expect(kinds).toEqual(['created', 'updated', 'stale']);
    expect(record.summary).toBe('newest');
    expect(record.history.map((h) => h.eventId)).toEqual(['e1', 'e2', 'e3']);
  });

  it('resolved is terminal even when an update arrives after it, and out-of-order first events create the record', () => {
    const { record, kinds, alerts } = run([
      ev('e3', 'resolved', { analyzedAt: at(11), state: 'resolved', status: 'safe' }),
      ev('e1', 'raised'),
      ev('e2', 'updated', { analyzedAt: at(20) }),
    ]);
    expect(kinds[0]).toBe('created');
    expect(alerts).toEqual([false, false, false]);
    expect(record.state).toBe('resolved');
    expect(record.resolvedAt).toBe(at(11));
  });

  it('escalation warning → danger re-alerts, also an acknowledged incident (its acknowledgement is cleared)', () => {
    const raised = applyAlertEvent(undefined, ev('e1', 'raised'));
    const escalated = applyAlertEvent(
      raised.record,
      ev('e2', 'updated', { analyzedAt: at(6), severity: 'danger', status: 'danger' }),
    );
    expect(escalated.alert).toBe(true);
    expect(escalated.record.peakSeverity).toBe('danger');

    const acked = acknowledge(raised.record, at(3), 'kim');
    const again = applyAlertEvent(
      acked,
      ev('e2', 'updated', { analyzedAt: at(6), severity: 'danger', status: 'danger', summary: 'worse' }),
    );
    expect(again.alert).toBe(true);
    expect(again.record).toMatchObject({
      severity: 'danger',
      summary: 'worse',
      previousAcknowledgedAt: at(3),
      previousAcknowledgedBy: 'kim',
    });
    expect(again.record.acknowledgedAt).toBeUndefined();
    // a later update of the same severity, once acknowledged again, stays silent
    const reacked = acknowledge(again.record, at(7), 'lee');
    const same = applyAlertEvent(
      reacked,
      ev('e3', 'updated', { analyzedAt: at(8), severity: 'danger', status: 'danger' }),
    );
    expect(same.alert).toBe(false);
    expect(same.record.acknowledgedBy).toBe('lee');
  });

  it('acknowledging twice keeps the first acknowledgement', () => {
    const { record } = run([ev('e1', 'raised')]);
    const once = acknowledge(record, at(5), 'a');
    expect(once.rev).toBe(record.rev + 1);
    expect(acknowledge(once, at(9), 'b')).toBe(once);
  });

  it('keeps the earliest openedAt and caps the history (first entry kept)', () => {
    const events = [ev('e0', 'raised', { openedAt: at(0) })];
    for (let i = 1; i <= HISTORY_CAP + 10; i++)
      events.push(ev(`e${i}`, 'updated', { analyzedAt: at(i * 5), openedAt: at(i) }));
    const { record } = run(events);
    expect(record.history).toHaveLength(HISTORY_CAP);
    expect(record.history[0]?.eventId).toBe('e0');
    expect(record.history.at(-1)?.eventId).toBe(`e${HISTORY_CAP + 10}`);
    expect(record.openedAt).toBe(at(0));
  });

  it('maps CloudEvent types to kinds', () => {
    expect(alertKindOf('com.safetyhanta.alert.raised')).toBe('raised');
    expect(alertKindOf('com.safetyhanta.alert.resolved')).toBe('resolved');
    expect(alertKindOf('com.safetyhanta.verdict.created')).toBeUndefined();
  });

  it('duration runs while open and stops at resolvedAt', () => {
    expect(incidentDurationMs({ openedAt: at(0), state: 'open' }, T0 + 65_000)).toBe(65_000);
    expect(incidentDurationMs({ openedAt: at(0), state: 'resolved', resolvedAt: at(30) }, T0 + 999_000)).toBe(30_000);
  });
});

describe('#18.8 alert data cannot overwrite what the store owns', () => {
  const forged = {
    acknowledgedAt: at(2),
    acknowledgedBy: 'attacker',
    rev: 999,
    history: [],
    peakSeverity: 'danger',
    firstReceivedAt: at(-999),
    lastReceivedAt: at(-999),
    lastEvent: 'resolved',
  };
  it('#18.8 extra fields in alert data overwriting stored fields: an alert cannot arrive already acknowledged', () => {
    const { record, alerts } = run([ev('e1', 'raised', forged)]);
    expect(record.acknowledgedAt).toBeUndefined();
    expect(record.acknowledgedBy).toBeUndefined();
    expect(record).toMatchObject({ rev: 1, peakSeverity: 'warning', firstReceivedAt: at(100), lastEvent: 'raised' });
    expect(record.history.map((h) => h.eventId)).toEqual(['e1']);
    expect(alerts).toEqual([true]);
  });

  it('#18.8 … nor on a later update', () => {
    const { record } = run([
      ev('e1', 'raised'),
      ev('e2', 'updated', { analyzedAt: at(6), ...(forged as unknown as Partial<AlertData>) }),
    ]);
    expect(record.acknowledgedAt).toBeUndefined();
    expect(record).toMatchObject({ rev: 2, lastEvent: 'updated', firstReceivedAt: at(100) });
    expect(record.history.map((h) => h.eventId)).toEqual(['e1', 'e2']);
  });
});
