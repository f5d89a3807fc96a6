-- Notification deliveries (issues #24 §6 and #25 §2): every send attempt notify made, copied from its
-- Redis stream (safety:notify:attempt-log) by the alerts function. One row per (delivery, attempt),
-- so reading the stream again inserts nothing. No foreign key to incidents: a message may be
-- recorded before its incident's row, and camera outages use `camera:<id>`.
CREATE TABLE notification_deliveries (
  delivery_id text NOT NULL,                -- sha256 of (incident, transition, recipient): notify's idempotency key
  attempt     integer NOT NULL,
  incident_id text NOT NULL,
  transition  text NOT NULL,                -- raised, severity-up, resolved, escalation-N, camera-offline …
  channel     text NOT NULL,                -- the channel id of the rules
  recipient   text NOT NULL,
  status      text NOT NULL,                -- sent | retry | dead
  http_status integer,
  error       text,
  latency_ms  integer NOT NULL,
  at          timestamptz NOT NULL,         -- when the attempt ended
  PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX notification_deliveries_incident ON notification_deliveries (incident_id, at);
CREATE INDEX notification_deliveries_at ON notification_deliveries (at);
