import { AlertSchema } from '../../shared/src/events';
import { applyAlertEvent, markObserved, markUnobserved, type DashboardIncident } from '../src/core/incidents';
import {
  planObservation,
  resolvedEventId,
  unobservedResolution,
  type ObservationInputs,
} from '../src/core/observation';

/** Issue #28.4: the pure rule, with an injected clock (ms from T0). */
const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const MARK_S = 8; // CAMERA_OFFLINE_SECONDS + 2 clips
const RESOLVE_S = 60;

function incident(over: Partial<DashboardIncident> = {}): DashboardIncident {
  const base = applyAlertEvent(undefined, {
    eventId: 'e1',
    kind: 'raised',
    receivedAt: at(0),
    data: {
      incidentId: 'cam2-x-fire',
      cameraId: 'cam2',
      status: 'danger',
      state: 'open',
      severity: 'danger',
      hazardType: 'fire',
      hazards: [{ type: 'fire', description: 'flames', confidence: 0.9 }],
      summary: '화재',
      clipPath: 'cam2/a.mp4',
      capturedAt: at(0),
      analyzedAt: at(0),
      model: 'm',
      openedAt: at(0),
      clipCount: 1,
    },
  }).record;
  return { ...base, ...over };
}

function plan(over: Partial<ObservationInputs> & { nowS: number; verdictS?: number }) {
  const { nowS, verdictS, ...rest } = over;
  return planObservation({
    open: [incident()],
    lastVerdictMs: new Map(verdictS === undefined ? [] : [['cam2', T0 + verdictS * 1000]]),
    active: new Set(['cam1', 'cam2']),
    startedAtMs: T0,
    unobservedAfterMs: MARK_S * 1000,
    resolveAfterMs: RESOLVE_S * 1000,
    now: T0 + nowS * 1000,
    ...rest,
  }).map((c) => ('since' in c ? `${c.kind} since ${c.since}` : c.kind));
}

describe('open incidents of a camera that gives no verdict (issue #28.4, pure)', () => {
  test('a live camera: unobserved from its last verdict once silent past the mark, resolved after the further time', () => {
    expect(plan({ verdictS: 10, nowS: 17 })).toEqual([]);
    expect(plan({ verdictS: 10, nowS: 18 })).toEqual([`unobserved since ${at(10)}`]);
    expect(plan({ verdictS: 10, nowS: 10 + MARK_S + RESOLVE_S - 1 })).toEqual([`unobserved since ${at(10)}`]);
    expect(plan({ verdictS: 10, nowS: 10 + MARK_S + RESOLVE_S })).toEqual([`resolve since ${at(10)}`]);
  });

  test('already marked: nothing more until the resolve; the mark’s time is kept', () => {
    const marked = [incident({ unobservedSince: at(10) })];
    expect(plan({ open: marked, verdictS: 10, nowS: 30 })).toEqual([]);
    expect(plan({ open: marked, verdictS: 10, nowS: 100 })).toEqual([`resolve since ${at(10)}`]);
  });

  test('verdicts return before the resolve: observed again', () => {
    const marked = [incident({ unobservedSince: at(10) })];
    expect(plan({ open: marked, verdictS: 40, nowS: 41 })).toEqual(['observed']);
  });

  test('an alert event about it counts as a verdict of its camera', () => {
    expect(plan({ open: [incident({ lastReceivedAt: at(50) })], verdictS: 10, nowS: 55 })).toEqual([]);
  });

  test('a camera gone from the registry: unobserved at once, resolved the further time after its last verdict', () => {
    const gone = { active: new Set(['cam1']) };
    expect(plan({ ...gone, verdictS: 10, nowS: 11 })).toEqual([`unobserved since ${at(10)}`]);
    expect(plan({ ...gone, verdictS: 10, nowS: 10 + RESOLVE_S })).toEqual([`resolve since ${at(10)}`]);
    // a verdict after the mark does not bring a removed camera's incident back
    expect(plan({ ...gone, open: [incident({ unobservedSince: at(0) })], verdictS: 10, nowS: 11 })).toEqual([]);
  });

  test('startup: an earlier run’s incident on a removed camera resolves at once; on a live camera the silence counts from the start', () => {
    const hourAgo = { verdictS: -3600, open: [incident({ lastReceivedAt: at(-3600), openedAt: at(-3700) })] };
    expect(plan({ ...hourAgo, active: new Set(['cam1']), nowS: 1 })).toEqual([`resolve since ${at(-3600)}`]);
    expect(plan({ ...hourAgo, nowS: 1 })).toEqual([]);
    expect(plan({ ...hourAgo, nowS: MARK_S })).toEqual([`unobserved since ${at(-3600)}`]);
    expect(plan({ ...hourAgo, nowS: MARK_S + RESOLVE_S })).toEqual([`resolve since ${at(-3600)}`]);
  });

  test('camera_offline incidents are left to the camera’s events unless the camera is gone; resolved ones are skipped', () => {
    const offline = [incident({ hazardType: 'camera_offline' })];
    expect(plan({ open: offline, verdictS: 0, nowS: 10_000 })).toEqual([]);
    expect(plan({ open: offline, active: new Set(), verdictS: 0, nowS: 10_000 })).toEqual([`resolve since ${at(0)}`]);
    expect(plan({ open: [incident({ state: 'resolved' })], verdictS: 0, nowS: 10_000 })).toEqual([]);
  });

  test('an unknown registry (empty or unreadable) treats every camera as live', () => {
    expect(plan({ active: undefined, verdictS: 0, nowS: 1 })).toEqual([]);
  });
});

describe('marks and the unobserved resolution', () => {
  test('mark / unmark bump rev and are idempotent', () => {
    const open = incident();
    const marked = markUnobserved(open, at(10));
    expect(marked).toMatchObject({ unobservedSince: at(10), rev: open.rev + 1 });
    expect(markUnobserved(marked, at(20))).toBe(marked);
    const back = markObserved(marked);
    expect(back.unobservedSince).toBeUndefined();
    expect(back.rev).toBe(marked.rev + 1);
    expect(markObserved(back)).toBe(back);
  });

  test('the resolution is a valid alert.resolved with reason unobserved, newer than what the store has', () => {
    const open = markUnobserved(incident(), at(10));
    const data = unobservedResolution(open, at(10), at(100));
    expect(AlertSchema.parse(data)).toMatchObject({ state: 'resolved', reason: 'unobserved', status: 'uncertain' });
    const applied = applyAlertEvent(open, {
      eventId: resolvedEventId(open.incidentId),
      kind: 'resolved',
      data,
      receivedAt: at(100),
    });
    expect(applied.kind).toBe('updated');
    expect(applied.record).toMatchObject({
      state: 'resolved',
      resolvedAt: at(100),
      reason: 'unobserved',
      unobservedSince: at(10),
      peakSeverity: 'danger',
    });
    expect(resolvedEventId('cam2-x-fire')).toBe('cam2-x-fire-resolved');
  });
});
