import { applyLiveness, planWatchdogEvents, WATCHDOG_OWNER } from '../src/core/camera-liveness';
import { mergeCameras, type StatusReport } from '../src/core/cameras';

/** Issue #28.2: camera health that does not depend on capture reporting itself (pure core). */
const NOW = Date.parse('2026-12-06T16:00:00Z');
const STALE = 40_000;

function views(reports: Map<string, StatusReport[]>, clips: Map<string, { path: string; mtimeMs: number }>) {
  return mergeCameras({
    reports,
    latestClips: clips,
    lastVerdicts: new Map(),
    openIncidents: [],
    expectedCameras: 2,
    clipFreshMs: 15_000,
    now: NOW,
  });
}

describe('camera liveness (issue #28.2)', () => {
  const deadCapture = new Map<string, StatusReport[]>([
    ['cam1', [{ status: 'online', atMs: NOW - 100_000, lastClipAtMs: NOW - 95_000, owner: 'capture-a' }]],
    ['cam2', [{ status: 'online', atMs: NOW - 100_000, lastClipAtMs: NOW - 95_000, owner: 'capture-a' }]],
  ]);
  const oldClips = new Map([
    ['cam1', { path: 'cam1/a.mp4', mtimeMs: NOW - 95_000 }],
    ['cam2', { path: 'cam2/a.mp4', mtimeMs: NOW - 95_000 }],
  ]);

  it('a camera whose last clip and last report are both too old is offline, whatever it said; no recorder is alive', () => {
    const src = { reports: deadCapture, latestClips: oldClips, staleAfterMs: STALE, now: NOW };
    const before = views(deadCapture, oldClips);
    expect(before.map((v) => v.status)).toEqual(['online', 'online']); // what the dashboard showed before
    const r = applyLiveness(before, src);
    expect(r.views.map((v) => [v.status, v.stale])).toEqual([
      ['offline', true],
      ['offline', true],
    ]);
    expect(r.views[0]?.reason).toMatch(/no clip and no report from capture for 95 s/);
    expect(r.recorders).toBe('none-alive');
    const events = planWatchdogEvents(r.views, src);
    expect(events.map((e) => [e.cameraId, e.status])).toEqual([
      ['cam1', 'offline'],
      ['cam2', 'offline'],
    ]);
    // the same silence gives the same id on every replica and after a restart
    expect(planWatchdogEvents(applyLiveness(before, src).views, src)[0]?.id).toBe(events[0]?.id);
  });

  it('a fresh clip keeps it online; a disabled camera and one never heard from are left alone', () => {
    const clips = new Map([...oldClips, ['cam1', { path: 'cam1/b.mp4', mtimeMs: NOW - 3_000 }]]);
    const r = applyLiveness(views(deadCapture, clips), {
      reports: deadCapture,
      latestClips: clips,
      active: new Set(['cam1']),
      staleAfterMs: STALE,
      now: NOW,
    });
    expect(r.views.map((v) => v.status)).toEqual(['online', 'online']);
    expect(r.recorders).toBe('alive');
    const none = applyLiveness(views(new Map(), new Map()), {
      reports: new Map(),
      latestClips: new Map(),
      staleAfterMs: STALE,
      now: NOW,
    });
    expect(none.views.map((v) => v.status)).toEqual(['unknown', 'unknown']);
    expect(none.recorders).toBe('unknown');
  });

  it('announces offline once, and online when capture is heard from again', () => {
    const watchdogSaid: StatusReport = { status: 'offline', atMs: NOW - 50_000, owner: WATCHDOG_OWNER };
    const reports = new Map([['cam1', [...(deadCapture.get('cam1') ?? []), watchdogSaid]]]);
    const stillDead = { reports, latestClips: oldClips, staleAfterMs: STALE, now: NOW };
    const v = applyLiveness(views(reports, oldClips), stillDead).views;
    expect(v[0]?.status).toBe('offline');
    expect(planWatchdogEvents(v, stillDead).filter((e) => e.cameraId === 'cam1')).toEqual([]);
    // capture restarted: a new report and a new clip, newer than the watchdog's event
    const restarted: StatusReport = {
      status: 'online',
      atMs: NOW - 2_000,
      lastClipAtMs: NOW - 1_000,
      owner: 'capture-b',
    };
    const back = new Map<string, StatusReport[]>([['cam1', [restarted, watchdogSaid]]]);
    const clips = new Map([['cam1', { path: 'cam1/c.mp4', mtimeMs: NOW - 1_000 }]]);
    const src = { reports: back, latestClips: clips, staleAfterMs: STALE, now: NOW };
    const again = planWatchdogEvents(applyLiveness(views(back, clips), src).views, src);
    expect(again.filter((e) => e.cameraId === 'cam1').map((e) => e.status)).toEqual(['online']);
  });
});
