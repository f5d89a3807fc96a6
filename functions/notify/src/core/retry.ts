/**
 * When a failed send is tried again (issue #24 §6): timeouts, connection errors, 5xx and 429 are
 * retried with capped, jittered exponential backoff; a `Retry-After` answer wins (RFC 9110
 * §10.2.3: an HTTP-date or a number of seconds). Other 4xx are permanent: the message is wrong
 * for the receiver, and retrying only repeats it, so it is dead-lettered at once.
 */

/** What one send attempt came to (a channel adapter returns it; it never throws). */
export type SendOutcome =
  | { readonly ok: true; readonly status?: number }
  | {
      readonly ok: false;
      /** HTTP status, when there was an answer. */
      readonly status?: number;
      readonly error: string;
      /** false: never retried (a 4xx other than 408/429, a bad address). */
      readonly retryable: boolean;
      /** From Retry-After, when the receiver said. */
      readonly retryAfterMs?: number;
    };

/** Whether an HTTP status is worth another try: 408, 429 and every 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds from `nowMs`, or undefined when absent or unreadable (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v); // IMF-fixdate (and the obsolete forms Date.parse also reads)
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** The outcome of an HTTP answer. */
export function httpOutcome(status: number, retryAfter: string | null, bodyText: string, nowMs: number): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  return {
    ok: false,
    status,
    error: `HTTP ${status}${bodyText ? `: ${bodyText.slice(0, 200)}` : ''}`,
    retryable: retryableStatus(status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export type NextStep =
  { readonly kind: 'done' } | { readonly kind: 'retry'; readonly delayMs: number } | { readonly kind: 'dead' };

/**
 * After attempt number `attempt` (1-based): done, retry after a delay, or dead-letter. The delay
 * is base × 2^(attempt-1), capped, with full jitter in its upper half so a burst of failures does
 * not come back in step; a Retry-After is honoured even beyond the cap (the receiver asked).
 */
export function nextStep(
  outcome: SendOutcome,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): NextStep {
  if (outcome.ok) return { kind: 'done' };
  if (!outcome.retryable || attempt >= policy.maxAttempts) return { kind: 'dead' };
  if (outcome.retryAfterMs !== undefined) return { kind: 'retry', delayMs: outcome.retryAfterMs };
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, attempt - 1));
  return { kind: 'retry', delayMs: Math.round(exp / 2 + random() * (exp / 2)) };
}
