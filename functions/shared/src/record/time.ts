/**
 * Timestamps leave the record as ISO-8601 UTC strings (`2026-12-06T16:54:05.123Z`), the form every
 * JSON contract here uses, whatever the session's TimeZone. Postgres' text output of timestamptz is
 * `2026-12-06 16:54:05.123+00` (ISO style, PostgreSQL docs datatype-datetime.html "Date/Time Output").
 */
export function pgTimestampToIso(text: string): string {
  const s = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** timestamp without time zone: the record stores none, but a query may compute one; read it as UTC. */
export const pgLocalTimestampToIso = (text: string): string => pgTimestampToIso(`${text}+00`);
