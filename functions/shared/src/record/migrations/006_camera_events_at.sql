-- The report's camera events in its window (report-data.ts): camera_events_camera_at leads with the
-- camera, so a time range alone read the whole table (104 k rows after 5 years of 200 cameras going
-- offline once a week; a sequential scan of 935 pages per report).
CREATE INDEX camera_events_at ON camera_events (at);
