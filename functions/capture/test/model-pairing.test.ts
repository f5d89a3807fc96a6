import { modelListPast, modelStartPassed, pairingTolerance, pairModelSegment } from '../src/core/model-pairing';

/** Issue #26.1: evidence and model segments, both on the input's one clock, paired by time within one model frame. */

// VIDEO_FPS=2: one model frame + 20 ms (0.52 s)
const tol = pairingTolerance(2);
const seg = (start: number, end: number) => ({ start, end });

describe('pairModelSegment', () => {
  const models = [0, 4, 8, 12].map((s) => ({ start: s, end: s + 4 }));

  it('pairs a window whose ends are each within one model frame, early or late', () => {
    // keyframes 0.1 s before the grid, cut early by the evidence's lead: [3.9, 7.9]
    expect(pairModelSegment(1, { start: 3.9, end: 7.9 }, models, tol)).toBe(1);
    // keyframes 0.5 s after the grid
    expect(pairModelSegment(2, { start: 8.5, end: 12.5 }, models, tol)).toBe(2);
  });

  it('takes nothing when either end is more than one frame off (a GOP late, a 10 s GOP)', () => {
    expect(pairModelSegment(1, { start: 4.9, end: 8.9 }, models, tol)).toBeUndefined();
    expect(pairModelSegment(1, { start: 4, end: 8.9 }, models, tol)).toBeUndefined();
    expect(pairModelSegment(1, { start: 10, end: 20 }, models, tol)).toBeUndefined();
  });

  it("compares a run's first segment from 0, where the model output starts, whatever its media start", () => {
    // the first keyframe 0.8 s into the run: its media starts there, the model (padded back to 0) at 0
    expect(pairModelSegment(0, { start: 0.8, end: 4 }, models, tol)).toBe(0);
    expect(pairModelSegment(1, { start: 0.8, end: 4 }, models, tol)).toBeUndefined();
  });
});

describe('modelListPast', () => {
  it('stops waiting once the model list reaches the window end, not before', () => {
    expect(modelListPast(seg(4, 8), [seg(0, 4)], tol)).toBe(false);
    expect(modelListPast(seg(4, 8), [seg(0, 4), seg(4, 7.6)], tol)).toBe(true);
    expect(modelListPast(seg(4, 8), [], tol)).toBe(false);
  });
});

describe('modelStartPassed: when waiting for a model segment is over', () => {
  test('in phase: the segment that will pair is still open (the list ends at the window start), so keep waiting', () => {
    const evidence = seg(5, 10);
    const models = [seg(0, 5)];
    expect(modelStartPassed(1, evidence, models, tol)).toBe(false);
    expect(modelListPast(evidence, models, tol)).toBe(false);
    expect(pairModelSegment(1, evidence, [...models, seg(5, 10)], tol)).toBe(1);
  });

  test('out of phase: once a listed segment ends past the window start, none can pair, long before the list passes its end', () => {
    // evidence cut at source keyframes 2.9 s past the model's 5 s grid (a run that joined mid-GOP)
    const evidence = seg(7.9, 12.9);
    const models = [seg(0, 5), seg(5, 10)];
    expect(pairModelSegment(2, evidence, models, tol)).toBeUndefined();
    expect(modelStartPassed(2, evidence, models, tol)).toBe(true);
    // the old rule alone waited for [10, 15], a whole model segment more
    expect(modelListPast(evidence, models, tol)).toBe(false);
  });

  test('a list ending within one model frame past the start may still be followed by the pairing segment: wait', () => {
    expect(modelStartPassed(1, seg(5, 10), [seg(0, 5 + tol / 2)], tol)).toBe(false);
  });

  test("a run's first segment is compared from 0, where the model output starts", () => {
    expect(modelStartPassed(0, seg(0.9, 5.9), [], tol)).toBe(false);
    expect(modelStartPassed(0, seg(0.9, 7.9), [seg(0, 5)], tol)).toBe(true);
  });
});
