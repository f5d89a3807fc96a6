import { z } from 'zod';
import { CameraIdSchema } from '../../../shared/src/camera-id';

/** Corrective action statuses, in workflow order; `overdue` and `none` are filter-only. */
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'verified'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** `GET /api/incidents` (and `.csv`): at most this many per page. */
export const HISTORY_PAGE_MAX = 200;

const time = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/, 'a date (YYYY-MM-DD) or an ISO time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date');
const word = z.string().trim().min(1).max(200);
/** `a,b,c`: any of them (multi-select, as Frigate users asked in #1941). */
const anyOf = <T extends string>(item: z.ZodType<T, string>) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(item).min(1).max(50));
const int = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? dflt);

/** The history filters (query parameters), validated at the boundary. */
export const HistoryFilterSchema = z.object({
  from: time.optional(),
  to: time.optional(),
  camera: anyOf(CameraIdSchema).optional(),
  site: word.optional(),
  area: word.optional(),
  zone: word.optional(),
  hazard: anyOf(z.string().regex(/^[a-z_]{1,64}$/)).optional(),
  severity: anyOf(z.enum(['warning', 'danger'])).optional(),
  state: anyOf(z.enum(['open', 'resolved'])).optional(),
  acknowledgedBy: word.optional(),
  actionStatus: z.enum([...ACTION_STATUSES, 'overdue', 'none']).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  offset: int(0, 100_000_000, 0),
  limit: int(1, HISTORY_PAGE_MAX, 50),
});
export type HistoryFilter = z.infer<typeof HistoryFilterSchema>;

/** Parses query parameters; a repeated parameter is refused rather than guessed at. */
export function parseHistoryFilter(
  query: Record<string, unknown>,
): { ok: true; filter: HistoryFilter } | { ok: false; error: string } {
  const parsed = HistoryFilterSchema.safeParse(query);
  if (parsed.success) return { ok: true, filter: parsed.data };
  const first = parsed.error.issues[0];
  return { ok: false, error: `${first?.path.join('.') || 'query'}: ${first?.message ?? 'invalid'}` };
}

/** `%`, `_` and `\` are ILIKE wildcards: a search for "50%" means the characters. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A date alone means that whole day (UTC) for `to`: `to=2026-12-06` includes the 6th. */
function upperBound(to: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? new Date(Date.parse(to) + 86_400_000).toISOString() : to;
}

/** A window this short or shorter (or one camera) narrows the history enough to scan it for q. */
const NARROW_WINDOW_MS = 31 * 86_400_000;

/** Whether q should be a plain filter over the rows the other filters select (see historyWhere). */
export function textFilterOnly(f: HistoryFilter, now: Date): boolean {
  if (f.q !== undefined && [...f.q].length < 3) return true;
  if (f.camera?.length === 1) return true;
  if (f.from === undefined) return false;
  const to = f.to === undefined ? now.getTime() : Date.parse(upperBound(f.to));
  return to - Date.parse(f.from) <= NARROW_WINDOW_MS;
}

/**
 * The WHERE clause and its parameters for a filter (pure; the table is aliased `i`). Every value is
 * a bound parameter. Indexes that serve each part: docs/records.md "Indexes".
 */
export function historyWhere(f: HistoryFilter, now: Date): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown): string => (params.push(v), `$${params.length}`);
  const conds: string[] = [];
  // One value is an equality: the planner walks (camera_id, opened_at DESC, incident_id DESC) in the
  // page's order for `camera_id = $1`, but for `= ANY('{x}')` it reads every entry and sorts them.
  const oneOf = (col: string, vs: readonly string[]): string =>
    vs.length === 1 ? `${col} = ${p(vs[0])}` : `${col} = ANY(${p(vs)})`;
  if (f.from) conds.push(`i.opened_at >= ${p(f.from)}`);
  if (f.to) conds.push(`i.opened_at < ${p(upperBound(f.to))}`);
  if (f.camera) conds.push(oneOf('i.camera_id', f.camera));
  if (f.site) conds.push(`i.site = ${p(f.site)}`);
  if (f.area) conds.push(`i.area = ${p(f.area)}`);
  if (f.zone) conds.push(`${p(f.zone)} = ANY(i.zones)`);
  // an incident is keyed by (camera, hazard type) (functions/inference/src/core/incidents.ts), so a
  // hazard's incidents are those of that type; indexed by incidents_hazard_time (migration 005)
  if (f.hazard) conds.push(oneOf('i.hazard_type', f.hazard));
  if (f.severity) conds.push(oneOf('i.severity', f.severity));
  if (f.state) conds.push(oneOf('i.state', f.state));
  if (f.acknowledgedBy) conds.push(`i.acknowledged_by = ${p(f.acknowledgedBy)}`);
  if (f.q) {
    const like = p(`%${likeEscape(f.q)}%`);
    // With a narrow filter beside it, or a word of fewer than 3 characters (no whole trigram: most
    // Korean words are 2 syllables, e.g. 용접), q is checked row by row on what the other indexes
    // find: the trigram index would otherwise read every posting of a common word (400 k rows for
    // "worker" at 1 M incidents, 0.5 s). It reads search_lower, the lowercased copy the covering
    // indexes carry (migration 005), so the walk stays index-only and the match is a LIKE without
    // ILIKE's per-row lower(); a text too long for an index entry is NULL there, and that row's
    // search_text is read by key. Not coalesce(search_lower, (SELECT …)): the planner then costs the
    // subquery for every row, and a month's count took 154–216 ms instead of 25 ms (EXPLAIN ANALYZE at
    // 1 M incidents; 40 ms of it compiling JIT, as the estimate passed jit_above_cost).
    conds.push(
      textFilterOnly(f, now)
        ? `(i.search_lower LIKE lower(${like}) OR (i.search_lower IS NULL AND (SELECT lower(t.search_text) FROM incidents t WHERE t.incident_id = i.incident_id) LIKE lower(${like})))`
        : `i.search_text ILIKE ${like}`,
    );
  }
  if (f.actionStatus === 'none') conds.push('NOT EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.incident_id)');
  else if (f.actionStatus === 'overdue')
    conds.push(
      `EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.incident_id AND a.status IN ('open', 'in_progress') AND a.due_at < ${p(now.toISOString())})`,
    );
  else if (f.actionStatus)
    conds.push(
      `EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.incident_id AND a.status = ${p(f.actionStatus)})`,
    );
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}
