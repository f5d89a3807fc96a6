/**
 * Waiting in tests. The one implementation lives in functions/shared/src/async.ts (production code
 * waits with it too); this module re-exports it so tests and benchmarks import every test tool
 * from test/support, and adds `waitUntil` — the same waitFor, for conditions that may throw while
 * the thing under test comes up (connection refused, a 503 read as JSON …).
 */
import { waitFor, type WaitForOptions } from '../../functions/shared/src/async';

export { sleep, waitFor, within, withTimeout, type WaitForOptions } from '../../functions/shared/src/async';

/**
 * `waitFor`, with a throw from `cond` counting as "not yet" instead of failing the wait; when the
 * deadline passes, the error names `what` and the last thing `cond` threw, so a timeout says why.
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
