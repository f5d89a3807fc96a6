import { chooseThumb, mergeCameras, parseStatusReport } from '../src/core/cameras';
import { clipPathFromUrl, clipUrl } from '../src/core/clip-url';
import { buildCounters, countersChanged } from '../src/core/counters';
import { formatDuration } from '../src/core/format';
import { parseRange } from '../src/core/range';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [12_000, '12s'],
    [65_000, '1m 05s'],
    [3_600_000, '1h 00m'],
    [3_725_000, '1h 02m'],
    [90_000_000, '1d 01h'],
    [-5_000, '0s'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('has a self-contained source the browser can embed', () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: the source must run on its own, as the browser embeds it
    const fn = new Function(`return (${formatDuration.toString()})`)() as (ms: number) => string;
    expect(fn(3_725_000)).toBe('1h 02m');
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=500-', 1000, { start: 500, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=900-5000', 1000, { start: 900, end: 999 }],
    ['bytes=0-0,5-9', 1000, { start: 0, end: 0 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
  ])('%s of %d', (h, size, want) => expect(parseRange(h, size)).toEqual(want));
  it('unsatisfiable and ignored forms', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange(undefined, 1000)).toBeUndefined();
    expect(parseRange('items=0-1', 1000)).toBeUndefined();
    expect(parseRange('bytes=5-2', 1000)).toBeUndefined();
    expect(parseRange('bytes=abc', 1000)).toBeUndefined();
  });
});

describe('clipPathFromUrl', () => {
  it('accepts a clip path and decodes it once', () => {
    expect(clipPathFromUrl('/clips/cam1/a%20b.mp4', '/clips/')).toEqual({ ok: true, relPath: 'cam1/a b.mp4' });
    expect(clipUrl('cam1/a b.mp4')).toBe('/clips/cam1/a%20b.mp4');
  });
  it.each([
    '/clips/../../etc/passwd',
    '/clips/%2e%2e/%2e%2e/etc/passwd',
    '/clips/cam1%2f..%2f..%2fetc',
    '/clips/%2Fetc%2Fpasswd',
    '/clips//etc/passwd',
    '/clips/%zz',
    '/clips/a%00b',
  ])('rejects %s', (p) => expect(clipPathFromUrl(p, '/clips/').ok).toBe(false));
});

describe('counters', () => {
  const keda = { listLength: 8, activationListLength: 0, minReplicas: 1, maxReplicas: 8 };
  const base = {
    queueDepth: 0,
    verdictsLastMinute: 3,
    verdictsByStatus: { safe: '5', danger: 2 },
    openIncidents: 1,
    unacknowledged: 1,
    camerasOnline: 2,
    camerasTotal: 3,
  };
  it('applies KEDA’s formula and normalises the status counts', () => {
    const c = buildCounters({ ...base, queueDepth: 19 }, keda, new Date(0));
    expect(c.kedaReplicas).toBe(3);
    expect(c.verdictsByStatus).toEqual({ danger: 2, warning: 0, safe: 5, uncertain: 0 });
    expect(buildCounters(base, keda, new Date(0)).kedaReplicas).toBe(1);
    expect(buildCounters({ ...base, queueDepth: 1000 }, keda, new Date(0)).kedaReplicas).toBe(8);
    expect(buildCounters(base, { ...keda, minReplicas: 0 }, new Date(0)).kedaReplicas).toBe(0);
  });
  it('changes ignore the timestamp', () => {
    const a = buildCounters(base, keda, new Date(0));
    expect(countersChanged(a, buildCounters(base, keda, new Date(5000)))).toBe(false);
    expect(countersChanged(a, buildCounters({ ...base, queueDepth: 1 }, keda, new Date(0)))).toBe(true);
    expect(countersChanged(undefined, a)).toBe(true);
  });
});

describe('cameras', () => {
  const now = Date.parse('2026-11-28T20:00:00Z');
  it('parses capture’s hash leniently', () => {
    expect(parseStatusReport('{"status":"online","lastClipAt":"2026-11-28T19:59:55Z","owner":"c-0"}')).toMatchObject({
      status: 'online',
      owner: 'c-0',
      atMs: now - 5000,
    });
    expect(parseStatusReport('{"status":"weird"}')).toBeUndefined();
    expect(parseStatusReport('not json')).toBeUndefined();
  });
  it('merges sources, newest report wins, expected cameras shown, natural order', () => {
    const views = mergeCameras({
      reports: new Map([
        [
          'cam2',
          [
            { status: 'online', atMs: now - 60_000 },
            { status: 'offline', atMs: now - 1000, reason: 'no clip' },
          ],
        ],
      ]),
      latestClips: new Map([['cam10', { path: 'cam10/x.mp4', mtimeMs: now - 2000 }]]),
      lastVerdicts: new Map(),
      openIncidents: [],
      expectedCameras: 3,
      clipFreshMs: 15_000,
      now,
    });
    expect(views.map((v) => v.cameraId)).toEqual(['cam1', 'cam2', 'cam3', 'cam10']);
    expect(views[1]).toMatchObject({ status: 'offline', reason: 'no clip' });
    expect(views[0]?.status).toBe('unknown');
    expect(views[3]).toMatchObject({ status: 'online', latestClip: 'cam10/x.mp4' });
  });
});

describe('chooseThumb', () => {
  it('moves to the latest clip at most once per interval', () => {
    const first = chooseThumb(undefined, 'cam1/a.mp4', 0, 10_000);
    expect(first).toEqual({ path: 'cam1/a.mp4', sinceMs: 0 });
    expect(chooseThumb(first, 'cam1/b.mp4', 5_000, 10_000)).toBe(first);
    expect(chooseThumb(first, 'cam1/c.mp4', 10_000, 10_000)).toEqual({ path: 'cam1/c.mp4', sinceMs: 10_000 });
    expect(chooseThumb(first, undefined, 99_000, 10_000)).toBe(first);
    expect(chooseThumb(undefined, undefined, 0, 10_000)).toBeUndefined();
  });
});
