import { initialConcurrency, observeConcurrency, type ConcurrencyOptions } from '../src/core/concurrency';

const o: ConcurrencyOptions = { min: 1, max: 64, latencyBudgetMs: 1000, initial: 4 };

describe('AIMD concurrency (core/concurrency.ts)', () => {
  test('grows while latency is under budget and the server does not queue, up to the max', () => {
    let s = initialConcurrency(o);
    for (let i = 0; i < 2000; i++) s = observeConcurrency(s, { latencyMs: 100, serverWaiting: 0 }, o);
    expect(s.limit).toBe(64);
  });

  test('halves when the server queues, once per window, and never below 1', () => {
    let s = { ...initialConcurrency({ ...o, initial: 32 }), slowStart: false };
    s = observeConcurrency(s, { latencyMs: 100, serverWaiting: 3 }, o);
    expect(s.limit).toBe(16);
    // the requests sent under 32 finish overloaded too: one burst is one decrease
    for (let i = 0; i < 10; i++) s = observeConcurrency(s, { latencyMs: 100, serverWaiting: 3 }, o);
    expect(s.limit).toBe(16);
    for (let i = 0; i < 500; i++) s = observeConcurrency(s, { latencyMs: 100, serverWaiting: 5 }, o);
    expect(s.limit).toBe(1);
  });

  test('shrinks when latency exceeds the budget (no server metric)', () => {
    let s = { ...initialConcurrency({ ...o, initial: 20 }), slowStart: false };
    s = observeConcurrency(s, { latencyMs: 5000 }, o);
    expect(s.limit).toBe(10);
  });

  test('after the first overload it grows additively: +1 per window of good completions', () => {
    let s = { ...initialConcurrency({ ...o, initial: 10 }), slowStart: false };
    for (let i = 0; i < 9; i++) s = observeConcurrency(s, { latencyMs: 10 }, o);
    expect(s.limit).toBe(10);
    s = observeConcurrency(s, { latencyMs: 10 }, o);
    expect(s.limit).toBe(11);
  });
});
