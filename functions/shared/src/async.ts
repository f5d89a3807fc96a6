/**
 * The one place for timing primitives: `sleep`, `within` (race a promise against a deadline) and
 * `waitFor` (poll a condition). Every timer they start is cleared when they settle, so nothing they
 * leave behind keeps a process — or Jest — alive.
 */

/** Waits `ms`, or rejects early with the signal's reason when it aborts. Leaves no listener behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves with the promise's value, or with `fallback` after `ms`, whichever comes first.
 * The promise itself is not cancelled (pass it a signal for that); the timer is always cleared.
 */
export function within<T, F>(promise: Promise<T> | undefined, ms: number, fallback: F): Promise<T | F> {
  if (!promise) return Promise.resolve(fallback);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Like `within`, but rejects with an Error naming `what` when the deadline passes. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timedOut = Symbol('timed out');
  const result = await within(promise, ms, timedOut);
  if (result === timedOut) throw new Error(`${what}: no answer within ${ms} ms`);
  return result;
}

export interface WaitForOptions {
  /** @default 10_000 */
  timeoutMs?: number;
  /** Named in the error; a function is called only when the wait fails (e.g. to dump state). */
  what?: string | (() => string | Promise<string>);
  /** Poll interval. @default 50 */
  everyMs?: number;
  signal?: AbortSignal;
  /** Checked before each poll: a reason to give up at once (the process died, Ctrl-C); thrown, naming `what`. */
  abortIf?: () => string | undefined;
}

/**
 * Polls `cond` until it returns a truthy value (returned) or the deadline passes (throws, naming
 * `what`). For tests and start-up checks: waiting for a condition, never a blind sleep.
 */
export async function waitFor<T>(cond: () => Promise<T> | T, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, what = 'condition', everyMs = 50, signal, abortIf } = opts;
  const deadline = Date.now() + timeoutMs;
  const nameOf = async () => (typeof what === 'string' ? what : await what());
  for (;;) {
    const reason = abortIf?.();
    if (reason) throw new Error(`gave up waiting for ${await nameOf()}: ${reason}`);
    const value = await cond();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${await nameOf()}`);
    await sleep(Math.min(everyMs, Math.max(1, deadline - Date.now())), signal);
  }
}

/**
 * `waitFor`, with a throw from `cond` counting as "not yet" instead of failing the wait (connection
 * refused, a 503 read as JSON while the thing comes up); when the deadline passes, the error names
 * `what` and the last thing `cond` threw, so a timeout says why. The one `waitUntil`: tests
 * (through test/support) and `npm start` (scripts/stack) use it.
 */
export async function waitUntil<T>(cond: () => Promise<T> | T, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  let last: unknown;
  const tolerant = async (): Promise<T | undefined> => {
    try {
      return await cond();
    } catch (err) {
      last = err;
      return undefined;
    }
  };
  const { what = 'condition' } = opts;
  return waitFor(tolerant, {
    ...opts,
    what: async () => {
      const name = typeof what === 'string' ? what : await what();
      return last ? `${name}: ${last instanceof Error ? last.message : JSON.stringify(last)}` : name;
    },
  });
}

/**
 * The promises a part started without awaiting them (fire-and-forget publishes: a slow sink must
 * not hold up the caller), kept so that its `stop()` can wait for them — bounded — instead of
 * letting them outlive it.
 */
export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  /** Tracks `promise` until it settles; returns it unchanged. */
  track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return promise;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Waits for everything tracked (including what is tracked meanwhile) at most `ms`; false when some are still running. */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (
        !(await within(
          Promise.all([...this.pending]).then(() => true),
          left,
          false,
        ))
      )
        return false;
    }
    return true;
  }
}
