-- Operator feedback in the record (issue #25 item 2; the feedback itself is issue #16). Redis keeps
-- the live set the dashboard and capture's retention read (one record per target and kind); this
-- table keeps every mark and every withdrawal for 5 years, like the incidents: who said the model
-- was wrong about which clip, and when. Rows are only inserted (a withdrawal is a row of its own).
CREATE TABLE feedback (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  op          text NOT NULL CHECK (op IN ('given', 'withdrawn')),
  target_kind text NOT NULL CHECK (target_kind IN ('incident', 'verdict')),
  target_id   text NOT NULL,
  kind        text NOT NULL,                 -- false_alarm | missed_hazard
  hazards     text[] NOT NULL DEFAULT '{}',
  camera_id   text NOT NULL DEFAULT '',
  clip_path   text NOT NULL DEFAULT '',
  predicted   jsonb,                         -- what the model said about the clip
  actor       text NOT NULL,
  note        text,
  at          timestamptz NOT NULL DEFAULT now()
);
-- an incident's feedback (target = the incident), and a verdict's found through its clip, which
-- the incident lists in clip_paths
CREATE INDEX feedback_target ON feedback (target_kind, target_id, at);
CREATE INDEX feedback_clip ON feedback (clip_path);
CREATE INDEX feedback_at ON feedback (at);
