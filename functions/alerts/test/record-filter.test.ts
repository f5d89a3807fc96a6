import { historyWhere, parseHistoryFilter, textFilterOnly, type HistoryFilter } from '../src/core/record-filter';

const now = new Date('2026-12-06T12:00:00Z');
const filter = (q: Record<string, string>): HistoryFilter => {
  const parsed = parseHistoryFilter(q);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filter;
};

describe('the history WHERE clause (pure)', () => {
  test('hazard= matches the incident type (incidents are keyed by camera and hazard type)', () => {
    expect(historyWhere(filter({ hazard: 'fire,smoke' }), now)).toEqual({
      where: 'WHERE i.hazard_type = ANY($1)',
      params: [['fire', 'smoke']],
    });
    // one value is an equality, so the planner can walk an index in the page's order
    expect(historyWhere(filter({ hazard: 'fire', severity: 'danger' }), now)).toEqual({
      where: 'WHERE i.hazard_type = $1 AND i.severity = $2',
      params: ['fire', 'danger'],
    });
  });

  test('q uses the trigram index alone, and is a row filter beside a narrow filter or for a 2-character word', () => {
    expect(historyWhere(filter({ q: 'forklift' }), now).where).toBe('WHERE i.search_text ILIKE $1');
    // the row filter reads the indexes' lowercased copy (search_lower), and the heap only when that is NULL
    const rowFilter = (n: number) =>
      `(i.search_lower LIKE lower($${n}) OR (i.search_lower IS NULL AND (SELECT lower(t.search_text) FROM incidents t WHERE t.incident_id = i.incident_id) LIKE lower($${n})))`;
    expect(historyWhere(filter({ q: '용접' }), now).where).toBe(`WHERE ${rowFilter(1)}`);
    expect(historyWhere(filter({ q: 'forklift', camera: 'cam1' }), now).where).toBe(
      `WHERE i.camera_id = $1 AND ${rowFilter(2)}`,
    );
    // wildcards in q are the characters themselves
    expect(historyWhere(filter({ q: '50%_x' }), now).params).toEqual(['%50\\%\\_x%']);
  });

  test('a window of up to 31 days (to = now when absent; a bare date includes its day) is narrow', () => {
    expect(textFilterOnly(filter({ q: 'worker', from: '2026-11-06' }), now)).toBe(true);
    expect(textFilterOnly(filter({ q: 'worker', from: '2026-11-04' }), now)).toBe(false);
    expect(textFilterOnly(filter({ q: 'worker', from: '2026-01-01', to: '2026-01-31' }), now)).toBe(true);
    expect(textFilterOnly(filter({ q: 'worker', from: '2026-01-01', to: '2026-02-01' }), now)).toBe(false);
    expect(textFilterOnly(filter({ q: 'worker', camera: 'cam1,cam2' }), now)).toBe(false);
    expect(textFilterOnly(filter({ q: 'worker', to: '2026-01-01' }), now)).toBe(false);
  });
});
