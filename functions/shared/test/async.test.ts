import { InFlight, sleep, waitFor, within, withTimeout } from '../src/async';

/**
 * The shared timing kit. Every case also checks that no timer is left behind (Jest would not exit).
 * Timers are counted by wrapping the real setTimeout/clearTimeout (they still run), not from the
 * process-wide list: other test files in the same worker have timers of their own.
 */
const realSetTimeout = global.setTimeout;
const realClearTimeout = global.clearTimeout;
const pendingTimers = new Set<unknown>();
beforeAll(() => {
  jest.spyOn(global, 'setTimeout').mockImplementation(((
    fn: (...a: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const t = realSetTimeout(() => {
      pendingTimers.delete(t);
      fn(...args);
    }, ms);
    pendingTimers.add(t);
    return t;
  }) as unknown as typeof setTimeout);
  jest.spyOn(global, 'clearTimeout').mockImplementation((t) => {
    pendingTimers.delete(t);
    realClearTimeout(t);
  });
});
afterAll(() => jest.restoreAllMocks());
const activeTimers = () => pendingTimers.size;

describe('async kit', () => {
  it('sleep waits at least the time asked, and an abort rejects it early with the reason, clearing its timer', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    const before = activeTimers();
    const ac = new AbortController();
    const slept = sleep(60_000, ac.signal);
    expect(activeTimers()).toBe(before + 1);
    ac.abort(new Error('stop now'));
    await expect(slept).rejects.toThrow('stop now');
    expect(activeTimers()).toBe(before);
    await expect(sleep(10, ac.signal)).rejects.toThrow('stop now'); // already aborted
  });

  it('within gives the value when it comes first, the fallback otherwise, and clears the timer both ways', async () => {
    const before = activeTimers();
    expect(await within(Promise.resolve('value'), 60_000, 'fallback')).toBe('value');
    expect(activeTimers()).toBe(before);
    expect(await within(new Promise<never>(() => undefined), 20, 'fallback')).toBe('fallback');
    expect(await within(undefined, 60_000, 'none')).toBe('none');
    expect(activeTimers()).toBe(before);
    await expect(within(Promise.reject(new Error('boom')), 60_000, 'fallback')).rejects.toThrow('boom');
    expect(activeTimers()).toBe(before);
  });

  it('withTimeout rejects naming what timed out, and passes a value through', async () => {
    await expect(withTimeout(new Promise<never>(() => undefined), 20, 'redis ping')).rejects.toThrow(
      'redis ping: no answer within 20 ms',
    );
    expect(await withTimeout(Promise.resolve(7), 60_000, 'x')).toBe(7);
  });

  it('waitFor returns the first truthy value, and on timeout names the condition (a function only when it fails)', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? `after ${n}` : undefined), { everyMs: 5 })).toBe('after 3');
    const describe = jest.fn(() => 'the queue to drain (3 left)');
    await expect(waitFor(() => false, { timeoutMs: 30, everyMs: 5, what: describe })).rejects.toThrow(
      'timed out after 30 ms waiting for the queue to drain (3 left)',
    );
    expect(describe).toHaveBeenCalledTimes(1);
    const ac = new AbortController();
    const waiting = waitFor(() => false, { timeoutMs: 60_000, everyMs: 10_000, signal: ac.signal });
    ac.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });
});

describe('InFlight', () => {
  it('drain waits for tracked promises (also ones tracked meanwhile), ignores their failures, and stops at its bound', async () => {
    const inflight = new InFlight();
    expect(await inflight.drain(10)).toBe(true); // nothing tracked
    let late = false;
    void inflight.track(
      sleep(30).then(() => {
        void inflight.track(sleep(30).then(() => (late = true)));
      }),
    );
    void inflight.track(Promise.reject(new Error('not delivered'))).catch(() => undefined);
    expect(await inflight.drain(5000)).toBe(true);
    expect(late).toBe(true);
    expect(inflight.size).toBe(0);
    const before = activeTimers();
    void inflight.track(new Promise<never>(() => undefined));
    expect(await inflight.drain(30)).toBe(false);
    expect(inflight.size).toBe(1);
    expect(activeTimers()).toBe(before);
  });
});
