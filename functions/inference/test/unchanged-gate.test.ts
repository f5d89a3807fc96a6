import { THUMB_BYTES } from '../../shared/src/model-clip';
import { decideUnchanged, thumbsDifference, type LastJudged } from '../src/core/unchanged-gate';

const frame = (level: number) => new Uint8Array(THUMB_BYTES).fill(level);
const clip = (...levels: number[]) => levels.map(frame);
const opts = { threshold: 2, maxSkipMs: 60_000 };
const T0 = Date.parse('2026-12-02T12:00:00Z');
const last = (over: Partial<LastJudged> = {}): LastJudged => ({
  jobId: 'cam1-judged',
  status: 'safe',
  at: T0,
  thumbs: clip(100, 100, 100),
  ...over,
});

describe('unchanged-scene gate (core/unchanged-gate.ts)', () => {
  test('skips an unchanged clip when the last judged one was safe, recent, and no incident is open', () => {
    const d = decideUnchanged({ thumbs: clip(100, 101, 100), at: T0 + 5000, last: last(), incidentOpen: false }, opts);
    expect(d).toEqual({ skip: true, repeats: 'cam1-judged', difference: 1 });
  });

  test.each(['warning', 'danger', 'uncertain'])('never skips after a %s verdict', (status) => {
    const d = decideUnchanged(
      { thumbs: clip(100, 100, 100), at: T0 + 5000, last: last({ status }), incidentOpen: false },
      opts,
    );
    expect(d).toMatchObject({ skip: false, why: 'not-safe' });
  });

  test('never skips while an incident is open on the camera', () => {
    const d = decideUnchanged({ thumbs: clip(100, 100, 100), at: T0 + 5000, last: last(), incidentOpen: true }, opts);
    expect(d).toMatchObject({ skip: false, why: 'incident-open' });
  });

  test('never skips past UNCHANGED_MAX_SKIP_SECONDS from the last JUDGED clip (skips do not chain)', () => {
    // clips at +5 s … +55 s could be skipped; at +60 s the judged clip is too old, whatever was skipped since
    expect(decideUnchanged({ thumbs: clip(100), at: T0 + 55_000, last: last(), incidentOpen: false }, opts).skip).toBe(
      true,
    );
    expect(
      decideUnchanged({ thumbs: clip(100), at: T0 + 60_000, last: last(), incidentOpen: false }, opts),
    ).toMatchObject({
      skip: false,
      why: 'too-old',
    });
    // an older clip than the reference (out of order) is judged too
    expect(
      decideUnchanged({ thumbs: clip(100), at: T0 - 5000, last: last(), incidentOpen: false }, opts),
    ).toMatchObject({
      skip: false,
      why: 'too-old',
    });
  });

  test('a changed scene is judged, even when only one frame of several changed', () => {
    const d = decideUnchanged({ thumbs: clip(100, 100, 160), at: T0 + 5000, last: last(), incidentOpen: false }, opts);
    expect(d).toMatchObject({ skip: false, why: 'changed', difference: 60 });
  });

  test('a worker entering one corner (3 of 576 pixels) is a change: a frame mean would have hidden it', () => {
    const entered = frame(100);
    entered.set([180, 170, 160], 0); // mean difference 0.42, under any noise floor
    const d = decideUnchanged(
      { thumbs: [frame(100), entered, frame(100)], at: T0 + 5000, last: last(), incidentOpen: false },
      opts,
    );
    expect(d).toMatchObject({ skip: false, why: 'changed', difference: 80 });
  });

  test('no thumbnails or no reference: judged', () => {
    expect(decideUnchanged({ thumbs: undefined, at: T0, last: last(), incidentOpen: false }, opts)).toMatchObject({
      why: 'no-thumbs',
    });
    expect(decideUnchanged({ thumbs: clip(1), at: T0, last: undefined, incidentOpen: false }, opts)).toMatchObject({
      why: 'no-history',
    });
    expect(
      decideUnchanged({ thumbs: clip(1), at: T0 + 1, last: last({ thumbs: [] }), incidentOpen: false }, opts),
    ).toMatchObject({ why: 'no-history' });
  });

  test('frames of another size count as fully changed', () => {
    expect(thumbsDifference([new Uint8Array(10)], [frame(0)])).toBe(255);
  });
});
