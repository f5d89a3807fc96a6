import { modelListPast, pairingTolerance, pairModelSegment } from '../src/core/model-pairing';

/** Issue #26.1: evidence and model segments, both on the input's one clock, paired by time within one model frame. */
describe('pairModelSegment', () => {
  const tol = pairingTolerance(2); // 0.52 s at 2 fps
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
  const tol = pairingTolerance(2);
  it('stops waiting once the model list reaches the window end, not before', () => {
    expect(modelListPast({ start: 4, end: 8 }, [{ start: 0, end: 4 }], tol)).toBe(false);
    expect(
      modelListPast(
        { start: 4, end: 8 },
        [
          { start: 0, end: 4 },
          { start: 4, end: 7.6 },
        ],
        tol,
      ),
    ).toBe(true);
    expect(modelListPast({ start: 4, end: 8 }, [], tol)).toBe(false);
  });
});
