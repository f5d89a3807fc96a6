-- The history search without the wide heap (issue #25.8; measured with `npm run bench -- records`,
-- plans in docs/records.md "Indexes, and why"). After 003 a filter on camera, hazard, severity, state
-- and time was index-only, but a text filter beside one camera or one month still read each
-- candidate's heap row (~1.3 kB, the JSON doc): `q=worker&camera=…&severity=danger` read 4,310 heap
-- pages for 5,007 rows, 0.93 s from a cold cache. The reader now walks the matches once, reading only
-- the key and filter columns, and reads the wide rows by key for the page alone (record-reader.ts).

-- The search text, lowercased, for the covering indexes. Lowercased because the row filter is then
-- a plain LIKE: ILIKE in a multibyte encoding lowercases every row's text with lower() before it
-- matches (postgres src/backend/utils/adt/like.c, Generic_Text_IC_like), which cost 64 ms for one
-- month's 16 k rows where LIKE took 13 ms (EXPLAIN ANALYZE on the 1 M bench database); so
-- `lower(search_text) LIKE lower(q)` is the same match as `search_text ILIKE q`, without the per-row
-- lower(). A B-tree entry holds at most 2,704 bytes on 8 kB pages (postgres
-- src/backend/access/nbtree/nbtutils.c _bt_check_third_page: "Values larger than 1/3 of a buffer
-- page cannot be indexed"), and search_text grows with every distinct summary; so a text over 2,000
-- bytes (about 15 summaries) is NULL here, and the reader lowercases that row's search_text from the
-- heap instead (record-filter.ts). Adding a stored generated column rewrites the table once.
ALTER TABLE incidents ADD COLUMN search_lower text
  GENERATED ALWAYS AS (CASE WHEN octet_length(search_text) <= 2000 THEN lower(search_text) END) STORED;

-- Time order, with incident_id in the key so the page's order (opened_at DESC, incident_id DESC)
-- comes from the index alone, and the search text carried: the newest page, every time window, and
-- a text filter within a window are index-only scans.
CREATE INDEX incidents_time_search ON incidents (opened_at DESC, incident_id DESC)
  INCLUDE (camera_id, hazard_type, severity, state, search_lower);
DROP INDEX incidents_opened_cover;

-- One camera's history (5,000 rows at 1 M incidents, spread over the whole heap): index-only with
-- any of hazard, severity, state and a text filter.
CREATE INDEX incidents_camera_search ON incidents (camera_id, opened_at DESC, incident_id DESC)
  INCLUDE (hazard_type, severity, state, search_lower);
DROP INDEX incidents_camera_opened_cover;

-- hazard= and state= with incident_id in the key, so their page is index-only too.
CREATE INDEX incidents_hazard_time ON incidents (hazard_type, opened_at DESC, incident_id DESC)
  INCLUDE (camera_id, severity, state);
DROP INDEX incidents_hazard_opened_cover;
CREATE INDEX incidents_state_time ON incidents (state, opened_at DESC, incident_id DESC)
  INCLUDE (camera_id, hazard_type, severity);
DROP INDEX incidents_state_opened;
