/**
 * Capped exponential backoff with jitter (after openai-node): 0.5 s · 2^n, at most `capMs`,
 * minus up to 25 % jitter so retrying clients spread out.
 */
export function computeBackoffMs(
  attempt: number,
  opts: { baseMs?: number; capMs?: number; random?: () => number } = {},
): number {
  const { baseMs = 500, capMs = 8000, random = Math.random } = opts;
  const delay = Math.min(baseMs * 2 ** attempt, capMs);
  return Math.round(delay * (1 - 0.25 * random()));
}

/** `sleep` lives in the shared kit (`../async`); re-exported for existing importers. */
export { sleep } from '../async';
