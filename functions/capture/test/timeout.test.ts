import { within } from '../src/core/timeout';

describe('within', () => {
  it('returns the value when the promise is first', async () => {
    await expect(within(Promise.resolve(1), 1000, 'late')).resolves.toBe(1);
  });
  it('returns the fallback when the promise is too slow', async () => {
    await expect(within(new Promise(() => undefined), 10, 'late')).resolves.toBe('late');
  });
  it('treats a missing promise as done', async () => {
    await expect(within(undefined, 10, 'none')).resolves.toBe('none');
  });
});
