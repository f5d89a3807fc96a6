/**
 * Formats a duration for the incident feed, compact: `12s`, `3m 05s`, `1h 02m`, `2d 03h`.
 * Self-contained (no imports, no inner functions): the dashboard script embeds its source
 * text verbatim (`formatDuration.toString()`), so browser and server format identically.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${String(h).padStart(2, '0')}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * A connection URL safe to show on the unauthenticated /readyz: `redis://:secret@host:6379`
 * → `redis://:***@host:6379` (in the cluster REDIS_URL carries the Redis password).
 */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
