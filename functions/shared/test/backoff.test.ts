import { getEventListeners } from 'node:events';
import { computeBackoffMs, sleep } from '../src/cloudevents';

describe('computeBackoffMs', () => {
  test.each([
    [0, 0, 500],
    [1, 0, 1000],
    [3, 0, 4000],
    [10, 0, 8000], // capped
    [0, 1, 375],
    [4, 1, 6000], // up to 25 % jitter
  ])('attempt %i with random %d → %i ms', (attempt, r, ms) => {
    expect(computeBackoffMs(attempt, { random: () => r })).toBe(ms);
  });
});

describe('sleep', () => {
  test('resolves and removes its abort listener', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  test('rejects early when aborted', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
