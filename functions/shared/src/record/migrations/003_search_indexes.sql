-- Indexes for the history search at 1 million incidents (issue #25.8; measured with
-- `npm run bench -- records`, numbers and plans in BENCHMARKS.md and docs/records.md "Indexes").
-- The incidents heap is wide (the dashboard's JSON doc, every summary): ~1.2 GB at 1 M rows. A
-- filter the old indexes could not answer (state, severity, hazard with severity) read the heap in
-- a sequential scan, and the capped count (≤ 10,001 matches) read it for every match: 1–3 s.

-- The time order with the filter columns carried in the index: the newest page and the capped
-- count of any filter on camera, hazard, severity and state walk this narrow index (an index-only
-- scan: PostgreSQL evaluates a filter on INCLUDE columns from the index tuple) and touch the heap
-- only for the 50 rows of the page. It replaces incidents_opened, whose key it repeats.
CREATE INDEX incidents_opened_cover ON incidents (opened_at DESC, incident_id DESC)
  INCLUDE (camera_id, hazard_type, severity, state);
DROP INDEX incidents_opened;

-- state=open: the open incidents are a few among a million resolved ones.
CREATE INDEX incidents_state_opened ON incidents (state, opened_at DESC);

-- camera= and hazard= carry the other filter columns too, so camera + hazard + severity + state
-- (and their capped count) are answered from one of these indexes without reading the heap.
CREATE INDEX incidents_camera_opened_cover ON incidents (camera_id, opened_at DESC)
  INCLUDE (hazard_type, severity, state);
DROP INDEX incidents_camera_opened;
CREATE INDEX incidents_hazard_opened_cover ON incidents (hazard_type, opened_at DESC)
  INCLUDE (camera_id, severity, state);
DROP INDEX incidents_hazard_opened;
