-- The system of record (issue #25; docs/records.md). Runs unchanged on PostgreSQL 15 and PGlite.
-- pg_trgm: trigram indexes make ILIKE '%…%' searchable in any language, Korean included (full-text
-- search does not segment Korean). It is a "trusted" extension since PostgreSQL 13, so the database
-- owner may create it (PostgreSQL docs, pgtrgm.html: "This module is considered trusted").
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per incident: the latest state (doc = the dashboard's incident without its history),
-- plus the columns the history filters use.
CREATE TABLE incidents (
  incident_id     text PRIMARY KEY,
  camera_id       text NOT NULL,
  site            text NOT NULL DEFAULT '',
  area            text NOT NULL DEFAULT '',
  zones           text[] NOT NULL DEFAULT '{}',
  hazard_type     text NOT NULL,
  hazards         text[] NOT NULL DEFAULT '{}',
  severity        text NOT NULL,            -- the peak severity
  state           text NOT NULL,
  summary         text NOT NULL DEFAULT '', -- the latest summary
  search_text     text NOT NULL DEFAULT '', -- every distinct summary, for the trigram search
  clip_paths      text[] NOT NULL DEFAULT '{}',
  opened_at       timestamptz NOT NULL,
  resolved_at     timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_note        text,
  owner           text,
  legal_hold      boolean NOT NULL DEFAULT false,
  doc             jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_opened ON incidents (opened_at DESC, incident_id DESC);
CREATE INDEX incidents_camera_opened ON incidents (camera_id, opened_at DESC);
CREATE INDEX incidents_hazard_opened ON incidents (hazard_type, opened_at DESC);
CREATE INDEX incidents_search_trgm ON incidents USING gin (search_text gin_trgm_ops);
CREATE INDEX incidents_held ON incidents (incident_id) WHERE legal_hold;

-- Every transition of an incident: the alert events (by CloudEvent id: a redelivery inserts
-- nothing) and the operators' changes (acknowledged, assigned, hold, release).
CREATE TABLE incident_events (
  event_id    text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents ON DELETE CASCADE,
  kind        text NOT NULL,
  status      text,
  severity    text,
  summary     text,
  clip_path   text,
  analyzed_at timestamptz,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text,
  note        text
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);

-- The summaries of non-safe verdicts (safe ones are counted in Redis, not kept).
CREATE TABLE verdicts (
  event_id    text PRIMARY KEY,
  job_id      text NOT NULL,
  camera_id   text NOT NULL,
  status      text NOT NULL,
  hazards     text[] NOT NULL DEFAULT '{}',
  summary     text NOT NULL,
  clip_path   text NOT NULL,
  analyzed_at timestamptz NOT NULL
);
CREATE INDEX verdicts_time ON verdicts (analyzed_at);
CREATE INDEX verdicts_camera_time ON verdicts (camera_id, analyzed_at);

-- camera.offline / camera.online, for each camera's online time in the reports.
CREATE TABLE camera_events (
  event_id  text PRIMARY KEY,
  camera_id text NOT NULL,
  status    text NOT NULL,
  at        timestamptz NOT NULL
);
CREATE INDEX camera_events_camera_at ON camera_events (camera_id, at);

-- Corrective actions: open -> in_progress -> done -> verified (closed, with a comment).
CREATE TABLE actions (
  action_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id    text NOT NULL REFERENCES incidents ON DELETE CASCADE,
  text           text NOT NULL,
  owner          text NOT NULL,
  due_at         timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'open',
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  closed_comment text
);
CREATE INDEX actions_incident ON actions (incident_id);
CREATE INDEX actions_status ON actions (status, due_at);

CREATE TABLE action_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action_id   bigint NOT NULL REFERENCES actions ON DELETE CASCADE,
  from_status text,
  to_status   text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  comment     text
);
CREATE INDEX action_events_action ON action_events (action_id, at);

-- Who viewed or changed what, from where. Append-only, enforced here and not only in the code.
CREATE TABLE audit_log (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  role    text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  action  text NOT NULL,
  target  text NOT NULL DEFAULT '',
  detail  jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target, at);

-- UPDATE is always refused; DELETE only by the retention job (it sets safetyhanta.retention = 'on'
-- for its transaction) and only for entries older than 5 years (1826 days: 중대재해처벌법 시행령 제13조).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('safetyhanta.retention', true) = 'on'
     AND OLD.at < now() - interval '1826 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
