-- The event log (issue 14, "events for every console"): every event the bus
-- emits gets its id here. Consoles resume with GET /api/v1/events?since=<id>;
-- on a PostgreSQL server every daemon reads the events the others wrote
-- (NOTIFY kefu_events carries only the id; a poll of id > last is the
-- fallback). Kept events.retentionH hours and at most events.maxRows rows.
-- See docs/scale-out.md.

CREATE TABLE event_log (
  id bigserial PRIMARY KEY,
  type text NOT NULL,
  at timestamptz(3) NOT NULL,
  data jsonb NOT NULL,
  -- the daemon that emitted it (events.origin, or one made at start)
  origin text NOT NULL
);
CREATE INDEX event_log_at ON event_log (at);

-- One row: the highest id the prune deleted; a resume from an older id cannot be served.
CREATE TABLE event_log_state (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  pruned_through bigint NOT NULL DEFAULT 0
);
INSERT INTO event_log_state (one, pruned_through) VALUES (true, 0);
