import { FAST_RETRY_WINDOW_MS, respawnDelayMs } from '../src/core/respawn';
import { JUMP_GAP_SECONDS, stallLimitMs, streamGapSeconds } from '../src/core/stall';

describe('respawn delay (issue #26.5)', () => {
  const backoffMs = (failures: number, capMs: number) => Math.min(capMs, 500 * 2 ** failures);
  const base = { capMs: 30_000, backoffMs, now: 1_000_000 };

  it('retries every 1–2 s for the first minute after the camera last recorded', () => {
    for (const [failures, since] of [
      [0, 0],
      [5, 20_000],
      [9, FAST_RETRY_WINDOW_MS - 1],
    ] as const) {
      const d = respawnDelayMs({ ...base, failures, lastClipAt: base.now - since, random: () => 0.5 });
      expect(d).toBe(1500);
    }
    expect(respawnDelayMs({ ...base, failures: 9, lastClipAt: base.now, random: () => 0 })).toBe(1000);
    expect(respawnDelayMs({ ...base, failures: 9, lastClipAt: base.now, random: () => 0.999 })).toBe(1999);
  });

  it('then, or for a camera that never recorded, backs off exponentially to the cap', () => {
    expect(respawnDelayMs({ ...base, failures: 9, lastClipAt: base.now - FAST_RETRY_WINDOW_MS })).toBe(30_000);
    expect(respawnDelayMs({ ...base, failures: 3, lastClipAt: undefined })).toBe(4000);
  });

  it('never waits longer than the cap', () => {
    expect(respawnDelayMs({ ...base, capMs: 800, failures: 0, lastClipAt: base.now, random: () => 0.9 })).toBe(800);
  });
});

describe('stall watchdog and clock jumps (issue #26.5)', () => {
  it('restarts after 2 × SEGMENT_SECONDS + the RTSP timeout without a listed segment', () => {
    expect(stallLimitMs(5, 5)).toBe(15_000);
    expect(stallLimitMs(2, 2)).toBe(6000);
  });

  it('sees a gap when the listed window is longer than the media in the file', () => {
    expect(streamGapSeconds({ start: 10, end: 15.04 }, 5000)).toBeCloseTo(0.04);
    expect(streamGapSeconds({ start: 10, end: 33 }, 3000)).toBe(20);
    expect(streamGapSeconds({ start: 10, end: 33 }, 3000)).toBeGreaterThan(JUMP_GAP_SECONDS);
    expect(streamGapSeconds({ start: 0, end: 1 }, 1200)).toBe(0);
  });
});
