/**
 * AIMD on the number of model requests in flight (issue #13 part 3). Pure: the model loop feeds
 * it each finished request's latency and, when known, the server's waiting queue; it answers
 * the current limit. Grow by one per "window" of good completions (≈ +1 per round trip, as TCP
 * congestion avoidance); halve on a sign of overload (latency over budget, or the server queues
 * requests instead of batching them), at most once per window so one burst is one decrease.
 */
export interface ConcurrencyOptions {
  min: number;
  max: number;
  /** INFERENCE_LATENCY_BUDGET_MS: a request slower than this means the server is saturated. */
  latencyBudgetMs: number;
  /** Starting limit (clamped to min..max). */
  initial: number;
  /** Multiplicative decrease factor. @default 0.5 */
  decrease?: number;
}

export interface ConcurrencyState {
  limit: number;
  /** Good completions counted towards the next +1. */
  credit: number;
  /** Completions to ignore after a decrease (requests sent under the old, larger limit). */
  holdoff: number;
  /** Until the first overload: +1 per good completion (doubling per round trip), like TCP slow start. */
  slowStart: boolean;
}

export type Signal = { latencyMs: number; serverWaiting?: number | undefined };

export function initialConcurrency(o: ConcurrencyOptions): ConcurrencyState {
  return { limit: clamp(o.initial, o), credit: 0, holdoff: 0, slowStart: true };
}

/** One finished request → the next state. */
export function observeConcurrency(s: ConcurrencyState, sig: Signal, o: ConcurrencyOptions): ConcurrencyState {
  const overloaded = sig.latencyMs > o.latencyBudgetMs || (sig.serverWaiting ?? 0) > 0;
  if (overloaded) {
    if (s.holdoff > 0) return { ...s, holdoff: s.holdoff - 1, credit: 0, slowStart: false };
    const limit = clamp(Math.floor(s.limit * (o.decrease ?? 0.5)), o);
    // the requests already in flight were sent under the old limit: let them drain first
    return { limit, credit: 0, holdoff: s.limit, slowStart: false };
  }
  const holdoff = Math.max(0, s.holdoff - 1);
  const credit = s.credit + 1;
  const window = s.slowStart ? 1 : s.limit;
  if (credit >= window && s.limit < o.max) return { ...s, limit: clamp(s.limit + 1, o), credit: 0, holdoff };
  return { ...s, credit: Math.min(credit, s.limit), holdoff };
}

function clamp(n: number, o: Pick<ConcurrencyOptions, 'min' | 'max'>): number {
  return Math.max(o.min, Math.min(o.max, Math.round(n)));
}

/** The loop's view: a fixed override (INFERENCE_CONCURRENCY) or the adaptive controller. */
export interface ConcurrencyLimit {
  readonly current: number;
  readonly adaptive: boolean;
  observe(sig: Signal): void;
}

export function fixedLimit(n: number): ConcurrencyLimit {
  return { current: n, adaptive: false, observe: () => undefined };
}

export function adaptiveLimit(o: ConcurrencyOptions, onChange?: (limit: number) => void): ConcurrencyLimit {
  let s = initialConcurrency(o);
  return {
    get current() {
      return s.limit;
    },
    adaptive: true,
    observe(sig) {
      const before = s.limit;
      s = observeConcurrency(s, sig, o);
      if (s.limit !== before) onChange?.(s.limit);
    },
  };
}
