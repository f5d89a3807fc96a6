/**
 * Capped exponential backoff with jitter (after openai-node): 0.5 s · 2^n, at most `capMs`,
 * minus up to 25 % jitter so retrying clients spread out.
 */
export function computeBackoffMs(attempt: number, opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const { baseMs = 500, capMs = 8000, random = Math.random } = opts;
  const delay = Math.min(baseMs * 2 ** attempt, capMs);
  return Math.round(delay * (1 - 0.25 * random()));
}

/** Waits `ms`, or rejects early when the signal aborts. Leaves no listener behind on the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
