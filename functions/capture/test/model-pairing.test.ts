import { modelListPast, modelStartPassed, pairingTolerance, pairModelSegment } from '../src/core/model-pairing';

// VIDEO_FPS=2: one model frame + 20 ms
const tol = pairingTolerance(2);
const seg = (start: number, end: number) => ({ start, end });

describe('modelStartPassed: when waiting for a model segment is over', () => {
  test('in phase: the segment that will pair is still open (the list ends at the window start), so keep waiting', () => {
    const evidence = seg(5, 10);
    const models = [seg(0, 5)];
    expect(modelStartPassed(1, evidence, models, 0, tol)).toBe(false);
    expect(modelListPast(evidence, models, 0, tol)).toBe(false);
    expect(pairModelSegment(1, evidence, [...models, seg(5, 10)], 0, tol)).toBe(1);
  });

  test('out of phase: once a listed segment ends past the window start, none can pair, long before the list passes its end', () => {
    // evidence cut at source keyframes 2.9 s past the model's 5 s grid (a run that joined mid-GOP)
    const evidence = seg(7.9, 12.9);
    const models = [seg(0, 5), seg(5, 10)];
    expect(pairModelSegment(2, evidence, models, 0, tol)).toBeUndefined();
    expect(modelStartPassed(2, evidence, models, 0, tol)).toBe(true);
    // the old rule alone waited for [10, 15], a whole model segment more
    expect(modelListPast(evidence, models, 0, tol)).toBe(false);
  });

  test('a list ending within one model frame past the start may still be followed by the pairing segment: wait', () => {
    expect(modelStartPassed(1, seg(5, 10), [seg(0, 5 + tol / 2)], 0, tol)).toBe(false);
  });

  test("the run offset shifts the window; a run's first segment starts at 0 on the model timeline", () => {
    expect(modelStartPassed(1, seg(5.4, 10.4), [seg(0, 5)], 0.4, tol)).toBe(false);
    expect(modelStartPassed(0, seg(0, 5.9), [], 0.9, tol)).toBe(false);
    expect(modelStartPassed(0, seg(0, 7.9), [seg(0, 5)], 0.9, tol)).toBe(true);
  });
});
