/**
 * Resolves with the promise's value, or with `fallback` after `ms` — whichever comes first.
 * The timer is cleared either way, so nothing keeps the process (or jest) alive afterwards.
 */
export function within<T, F>(promise: Promise<T> | undefined, ms: number, fallback: F): Promise<T | F> {
  if (!promise) return Promise.resolve(fallback);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
