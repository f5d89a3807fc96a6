import { FAST_RETRY_WINDOW_MS, respawnDelayMs } from '../src/core/respawn';

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
