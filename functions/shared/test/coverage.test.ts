import { computeCoverage, parseJudged, parseMark } from '../src/coverage';

const S = 1000;

describe('camera coverage (issue #26.7)', () => {
  it('is judged seconds ÷ elapsed seconds, overlaps counted once, clipped to the window', () => {
    const c = computeCoverage({ from: 0, to: 20 * S }, [
      { start: -2 * S, end: 5 * S },
      { start: 5 * S, end: 10 * S },
      { start: 8 * S, end: 10 * S },
      { start: 10 * S, end: 25 * S },
    ]);
    expect(c.judgedSeconds).toBe(20);
    expect(c.ratio).toBe(1);
    expect(c.gaps).toEqual([]);
  });

  it('lists each hole with the cause marked in it: the camera first, then a refused clip, then a restart', () => {
    const c = computeCoverage(
      { from: 0, to: 60 * S },
      [
        { start: 0, end: 10 * S },
        { start: 14 * S, end: 30 * S },
        { start: 38 * S, end: 50 * S },
        { start: 50.5 * S, end: 58 * S },
      ],
      [
        { at: 9 * S, cause: 'recorder-restart' },
        { at: 31 * S, cause: 'recorder-restart' },
        { at: 33 * S, cause: 'camera-offline' },
      ],
    );
    expect(c.gaps).toEqual([
      { from: 10 * S, to: 14 * S, seconds: 4, cause: 'recorder-restart' },
      { from: 30 * S, to: 38 * S, seconds: 8, cause: 'camera-offline' },
      // 0.5 s between two clips is stamp jitter, not a gap; the window's end is one
      { from: 58 * S, to: 60 * S, seconds: 2, cause: 'unknown' },
    ]);
    expect(c.judgedSeconds).toBe(45.5);
    expect(c.ratio).toBeCloseTo(45.5 / 60);
  });

  it('reads the Redis members back and ignores anything else', () => {
    expect(parseJudged('1000-6000')).toEqual({ start: 1000, end: 6000 });
    expect(parseJudged('x')).toBeUndefined();
    expect(parseMark('1000:clip-refused')).toEqual({ at: 1000, cause: 'clip-refused' });
    expect(parseMark('1000:unknown')).toBeUndefined();
    expect(parseMark('1000:bogus')).toBeUndefined();
  });
});
