/**
 * How long a recorder waits before respawning ffmpeg (issue #26.5). A camera that was recording
 * a moment ago most likely rebooted or lost its link for seconds: retry every 1–2 s for the first
 * minute (a 20 s outage then lost ≈30 s of timeline with pure exponential backoff, 60 s lost ≈83 s;
 * camera-compat.md case 6a). After that, or for a camera that never recorded, the capped
 * exponential backoff spares the camera and the log. Pure: `random` is injected.
 */
export const FAST_RETRY_WINDOW_MS = 60_000;

export function respawnDelayMs(i: {
  /** Consecutive runs without a clip. */
  failures: number;
  /** When the last clip of this camera was placed (ms), if any. */
  lastClipAt: number | undefined;
  now: number;
  capMs: number;
  backoffMs: (failures: number, capMs: number) => number;
  random?: () => number;
}): number {
  const recent = i.lastClipAt !== undefined && i.now - i.lastClipAt < FAST_RETRY_WINDOW_MS;
  if (recent) return Math.min(i.capMs, 1000 + Math.round((i.random ?? Math.random)() * 1000));
  return i.backoffMs(i.failures, i.capMs);
}
