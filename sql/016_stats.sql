-- The statistics engine (issue 13): agent-state history, and hourly rollups
-- of the call records kept EXACT by triggers, in the same transaction as the
-- write that changes a figure (a call's end, a re-wrap, a leg's end, an
-- attempt linked to its call, a wrap-up that closes, a pruned call).
--
-- Invariant: stats_hourly = GROUP BY over stats_call_facts_v (the facts of
-- every ended call, computed from calls, call_legs, campaign_attempts and
-- agent_state_history), and stats_agent_hours = every closed agent-state
-- interval split at UTC hour boundaries. Hours are UTC: any time zone whose
-- offset is a whole number of hours (Asia/Shanghai, UTC, Europe/*...) buckets
-- them exactly into its local hours, days, weeks and months.

-- What the answer-speed figures are measured against (the daemon writes this
-- from config at start-up and rebuilds the rollups when it changed).
CREATE TABLE stats_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  service_level_ms integer NOT NULL DEFAULT 20000 CHECK (service_level_ms > 0),
  ring_cycle_ms integer NOT NULL DEFAULT 6000 CHECK (ring_cycle_ms > 0),
  -- The zone of the daily rollups (stats.timeZone).
  time_zone text NOT NULL DEFAULT 'UTC'
);
INSERT INTO stats_settings DEFAULT VALUES;

-- Every agent state with its start and end (end null: the current one).
-- call_id: the call of on-call / ringing, and for wrap-up the call just ended.
CREATE TABLE agent_state_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id text NOT NULL,
  state text NOT NULL,
  reason text,
  seat_id text,
  call_id uuid,
  started_at timestamptz(3) NOT NULL,
  ended_at timestamptz(3),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX agent_state_history_agent ON agent_state_history (agent_id, started_at);
CREATE UNIQUE INDEX agent_state_history_open ON agent_state_history (agent_id) WHERE ended_at IS NULL;
CREATE INDEX agent_state_history_call ON agent_state_history (call_id) WHERE call_id IS NOT NULL;

-- Time per (UTC hour, agent, state), from closed history intervals.
CREATE TABLE stats_agent_hours (
  hour timestamptz NOT NULL,
  agent_id text NOT NULL,
  state text NOT NULL,
  ms bigint NOT NULL,
  PRIMARY KEY (hour, agent_id, state)
);
CREATE INDEX stats_agent_hours_agent ON stats_agent_hours (agent_id, hour);

-- The facts of one ended call, as the view computes them. The hour is the
-- call's start hour (UTC): a call that spans midnight counts on its start day.
CREATE VIEW stats_call_facts_v AS
SELECT c.id AS call_id,
  date_trunc('hour', c.started_at, 'UTC') AS hour,
  coalesce(c.agent_id, '') AS agent_id,
  coalesce(c.queue_id, '') AS queue_id,
  c.line_id,
  coalesce((SELECT a.campaign_id::text FROM campaign_attempts a WHERE a.call_id = c.id ORDER BY a.placed_at, a.id LIMIT 1), '') AS campaign_id,
  coalesce(c.outcome, '') AS outcome,
  c.direction,
  1::bigint AS calls,
  x.ans::int::bigint AS answered,
  (c.disposition IS NOT DISTINCT FROM 'abandoned')::int::bigint AS abandoned,
  CASE WHEN c.disposition = 'abandoned' THEN greatest(0, coalesce(c.queue_wait_ms, (extract(epoch FROM (c.ended_at - c.started_at)) * 1000)::bigint)) ELSE 0 END::bigint AS abandon_wait_ms,
  CASE WHEN x.ans THEN x.wait ELSE 0 END::bigint AS answer_wait_ms,
  (x.ans AND x.wait <= s.service_level_ms)::int::bigint AS sl_met,
  (x.ans AND x.wait <= 1 * s.ring_cycle_ms)::int::bigint AS ring1,
  (x.ans AND x.wait <= 2 * s.ring_cycle_ms)::int::bigint AS ring2,
  (x.ans AND x.wait <= 3 * s.ring_cycle_ms)::int::bigint AS ring3,
  (x.ans AND x.wait <= 4 * s.ring_cycle_ms)::int::bigint AS ring4,
  (x.ans AND x.wait <= 5 * s.ring_cycle_ms)::int::bigint AS ring5,
  CASE WHEN x.ans THEN coalesce(
    (SELECT sum((extract(epoch FROM (l.ended_at - l.answered_at)) * 1000)::bigint) FROM call_legs l
      WHERE l.call_id = c.id AND l.kind = 'agent' AND l.answered_at IS NOT NULL AND l.ended_at IS NOT NULL),
    greatest(0, (extract(epoch FROM (c.ended_at - c.answered_at)) * 1000)::bigint - coalesce(c.queue_wait_ms, 0))) ELSE 0 END::bigint AS talk_ms,
  coalesce((SELECT sum((extract(epoch FROM (h.ended_at - h.started_at)) * 1000)::bigint) FROM agent_state_history h
    WHERE h.call_id = c.id AND h.state = 'wrap-up' AND h.ended_at IS NOT NULL), 0)::bigint AS wrap_ms,
  (SELECT count(*) FROM agent_state_history h WHERE h.call_id = c.id AND h.state = 'wrap-up' AND h.ended_at IS NOT NULL)::bigint AS wraps
FROM calls c
CROSS JOIN stats_settings s
CROSS JOIN LATERAL (SELECT
  (c.answered_at IS NOT NULL AND coalesce(c.disposition, '') NOT IN ('abandoned', 'missed', 'blocked', 'busy', 'no-answer', 'failed', 'overflow')) AS ans,
  greatest(0, coalesce(c.queue_wait_ms, (extract(epoch FROM (c.answered_at - c.started_at)) * 1000)::bigint)) AS wait) x
WHERE c.ended_at IS NOT NULL;

-- What each ended call added to stats_hourly (so a change subtracts exactly that).
CREATE TABLE stats_call_facts (
  call_id uuid PRIMARY KEY,
  hour timestamptz NOT NULL, agent_id text NOT NULL, queue_id text NOT NULL, line_id text NOT NULL,
  campaign_id text NOT NULL, outcome text NOT NULL, direction text NOT NULL,
  calls bigint NOT NULL, answered bigint NOT NULL, abandoned bigint NOT NULL, abandon_wait_ms bigint NOT NULL,
  answer_wait_ms bigint NOT NULL, sl_met bigint NOT NULL, ring1 bigint NOT NULL, ring2 bigint NOT NULL, ring3 bigint NOT NULL,
  ring4 bigint NOT NULL, ring5 bigint NOT NULL, talk_ms bigint NOT NULL, wrap_ms bigint NOT NULL, wraps bigint NOT NULL
);

-- Sums per (UTC hour, agent, queue, line, campaign, outcome, direction); '' = none.
CREATE TABLE stats_hourly (
  hour timestamptz NOT NULL, agent_id text NOT NULL, queue_id text NOT NULL, line_id text NOT NULL,
  campaign_id text NOT NULL, outcome text NOT NULL, direction text NOT NULL,
  calls bigint NOT NULL, answered bigint NOT NULL, abandoned bigint NOT NULL, abandon_wait_ms bigint NOT NULL,
  answer_wait_ms bigint NOT NULL, sl_met bigint NOT NULL, ring1 bigint NOT NULL, ring2 bigint NOT NULL, ring3 bigint NOT NULL,
  ring4 bigint NOT NULL, ring5 bigint NOT NULL, talk_ms bigint NOT NULL, wrap_ms bigint NOT NULL, wraps bigint NOT NULL,
  PRIMARY KEY (hour, agent_id, queue_id, line_id, campaign_id, outcome, direction)
);
CREATE INDEX stats_hourly_agent ON stats_hourly (agent_id, hour);
CREATE INDEX stats_hourly_queue ON stats_hourly (queue_id, hour);

-- The same sums per (local day in stats_settings.time_zone, agent, queue): what a
-- month report per agent or queue in the configured zone reads (a few rows per agent-day).
CREATE TABLE stats_daily (
  day date NOT NULL, agent_id text NOT NULL, queue_id text NOT NULL,
  calls bigint NOT NULL,
  answered bigint NOT NULL,
  abandoned bigint NOT NULL,
  abandon_wait_ms bigint NOT NULL,
  answer_wait_ms bigint NOT NULL,
  sl_met bigint NOT NULL,
  ring1 bigint NOT NULL,
  ring2 bigint NOT NULL,
  ring3 bigint NOT NULL,
  ring4 bigint NOT NULL,
  ring5 bigint NOT NULL,
  talk_ms bigint NOT NULL,
  wrap_ms bigint NOT NULL,
  wraps bigint NOT NULL,
  PRIMARY KEY (day, agent_id, queue_id)
);
CREATE TABLE stats_agent_days (
  day date NOT NULL,
  agent_id text NOT NULL,
  state text NOT NULL,
  ms bigint NOT NULL,
  PRIMARY KEY (day, agent_id, state)
);

CREATE FUNCTION stats_hourly_add(f stats_call_facts, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_hourly VALUES (f.hour, f.agent_id, f.queue_id, f.line_id, f.campaign_id, f.outcome, f.direction,
    sign * f.calls, sign * f.answered, sign * f.abandoned, sign * f.abandon_wait_ms, sign * f.answer_wait_ms, sign * f.sl_met,
    sign * f.ring1, sign * f.ring2, sign * f.ring3, sign * f.ring4, sign * f.ring5, sign * f.talk_ms, sign * f.wrap_ms, sign * f.wraps)
  ON CONFLICT (hour, agent_id, queue_id, line_id, campaign_id, outcome, direction) DO UPDATE SET
    calls = stats_hourly.calls + EXCLUDED.calls, answered = stats_hourly.answered + EXCLUDED.answered,
    abandoned = stats_hourly.abandoned + EXCLUDED.abandoned, abandon_wait_ms = stats_hourly.abandon_wait_ms + EXCLUDED.abandon_wait_ms,
    answer_wait_ms = stats_hourly.answer_wait_ms + EXCLUDED.answer_wait_ms, sl_met = stats_hourly.sl_met + EXCLUDED.sl_met,
    ring1 = stats_hourly.ring1 + EXCLUDED.ring1, ring2 = stats_hourly.ring2 + EXCLUDED.ring2, ring3 = stats_hourly.ring3 + EXCLUDED.ring3,
    ring4 = stats_hourly.ring4 + EXCLUDED.ring4, ring5 = stats_hourly.ring5 + EXCLUDED.ring5, talk_ms = stats_hourly.talk_ms + EXCLUDED.talk_ms,
    wrap_ms = stats_hourly.wrap_ms + EXCLUDED.wrap_ms, wraps = stats_hourly.wraps + EXCLUDED.wraps;
  INSERT INTO stats_daily VALUES ((f.hour AT TIME ZONE (SELECT time_zone FROM stats_settings))::date, f.agent_id, f.queue_id,
    sign * f.calls, sign * f.answered, sign * f.abandoned, sign * f.abandon_wait_ms, sign * f.answer_wait_ms, sign * f.sl_met, sign * f.ring1, sign * f.ring2, sign * f.ring3, sign * f.ring4, sign * f.ring5, sign * f.talk_ms, sign * f.wrap_ms, sign * f.wraps)
  ON CONFLICT (day, agent_id, queue_id) DO UPDATE SET
    calls = stats_daily.calls + EXCLUDED.calls, answered = stats_daily.answered + EXCLUDED.answered, abandoned = stats_daily.abandoned + EXCLUDED.abandoned, abandon_wait_ms = stats_daily.abandon_wait_ms + EXCLUDED.abandon_wait_ms, answer_wait_ms = stats_daily.answer_wait_ms + EXCLUDED.answer_wait_ms, sl_met = stats_daily.sl_met + EXCLUDED.sl_met, ring1 = stats_daily.ring1 + EXCLUDED.ring1, ring2 = stats_daily.ring2 + EXCLUDED.ring2, ring3 = stats_daily.ring3 + EXCLUDED.ring3, ring4 = stats_daily.ring4 + EXCLUDED.ring4, ring5 = stats_daily.ring5 + EXCLUDED.ring5, talk_ms = stats_daily.talk_ms + EXCLUDED.talk_ms, wrap_ms = stats_daily.wrap_ms + EXCLUDED.wrap_ms, wraps = stats_daily.wraps + EXCLUDED.wraps;
  IF sign < 0 THEN
    DELETE FROM stats_hourly WHERE hour = f.hour AND agent_id = f.agent_id AND queue_id = f.queue_id AND line_id = f.line_id
      AND campaign_id = f.campaign_id AND outcome = f.outcome AND direction = f.direction AND calls = 0;
    DELETE FROM stats_daily WHERE day = (f.hour AT TIME ZONE (SELECT time_zone FROM stats_settings))::date AND agent_id = f.agent_id
      AND queue_id = f.queue_id AND calls = 0;
  END IF;
END $$;

-- Recompute one call's facts from the raw tables and move its contribution:
-- subtract what it added before (if anything), add what it adds now. Writing
-- the same end twice changes nothing; a re-wrap moves the call to its new outcome.
CREATE FUNCTION stats_refresh_call(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  old_f stats_call_facts;
  new_f stats_call_facts;
BEGIN
  IF p_id IS NULL THEN RETURN; END IF;
  -- One refresh of a call at a time: two writes about the same call (its row and
  -- a leg, from two connections) would otherwise both find no facts and both
  -- insert them. The lock is held to the end of the transaction, and the next
  -- statements see what the other committed.
  PERFORM pg_advisory_xact_lock(hashtextextended(p_id::text, 0));
  SELECT * INTO old_f FROM stats_call_facts WHERE call_id = p_id FOR UPDATE;
  IF FOUND THEN
    PERFORM stats_hourly_add(old_f, -1);
    DELETE FROM stats_call_facts WHERE call_id = p_id;
  END IF;
  SELECT * INTO new_f FROM stats_call_facts_v WHERE call_id = p_id;
  IF FOUND THEN
    INSERT INTO stats_call_facts SELECT new_f.*;
    PERFORM stats_hourly_add(new_f, 1);
  END IF;
END $$;

CREATE FUNCTION stats_calls_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM stats_refresh_call(OLD.id); RETURN NULL; END IF;
  PERFORM stats_refresh_call(NEW.id);
  RETURN NULL;
END $$;
-- Open calls are left alone (most writes to a call row happen while it is up).
CREATE TRIGGER stats_calls_insert AFTER INSERT ON calls
  FOR EACH ROW WHEN (NEW.ended_at IS NOT NULL) EXECUTE FUNCTION stats_calls_trigger();
CREATE TRIGGER stats_calls_update AFTER UPDATE ON calls
  FOR EACH ROW WHEN (OLD.ended_at IS NOT NULL OR NEW.ended_at IS NOT NULL) EXECUTE FUNCTION stats_calls_trigger();
CREATE TRIGGER stats_calls_delete AFTER DELETE ON calls
  FOR EACH ROW WHEN (OLD.ended_at IS NOT NULL) EXECUTE FUNCTION stats_calls_trigger();

CREATE FUNCTION stats_related_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_refresh_call(OLD.call_id); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.call_id IS DISTINCT FROM OLD.call_id) THEN
    PERFORM stats_refresh_call(NEW.call_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_legs AFTER INSERT OR UPDATE OR DELETE ON call_legs
  FOR EACH ROW EXECUTE FUNCTION stats_related_trigger();
CREATE TRIGGER stats_attempts AFTER INSERT OR UPDATE OF call_id OR DELETE ON campaign_attempts
  FOR EACH ROW EXECUTE FUNCTION stats_related_trigger();

-- Split [from, to) at UTC hour boundaries into stats_agent_hours (sign -1 removes).
CREATE FUNCTION stats_agent_time(p_agent text, p_state text, p_from timestamptz, p_to timestamptz, sign integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO stats_agent_hours(hour, agent_id, state, ms)
  SELECT h, p_agent, p_state, sign * (extract(epoch FROM (least(h + interval '1 hour', p_to) - greatest(h, p_from))) * 1000)::bigint
  FROM generate_series(date_trunc('hour', p_from, 'UTC'), p_to, interval '1 hour') AS h
  WHERE h < p_to AND p_to > p_from
  ON CONFLICT (hour, agent_id, state) DO UPDATE SET ms = stats_agent_hours.ms + EXCLUDED.ms;
  INSERT INTO stats_agent_days(day, agent_id, state, ms)
  SELECT (h AT TIME ZONE (SELECT time_zone FROM stats_settings))::date, p_agent, p_state,
    sum(sign * (extract(epoch FROM (least(h + interval '1 hour', p_to) - greatest(h, p_from))) * 1000)::bigint)
  FROM generate_series(date_trunc('hour', p_from, 'UTC'), p_to, interval '1 hour') AS h
  WHERE h < p_to AND p_to > p_from
  GROUP BY 1
  ON CONFLICT (day, agent_id, state) DO UPDATE SET ms = stats_agent_days.ms + EXCLUDED.ms;
$$;

CREATE FUNCTION stats_history_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_at IS NOT NULL THEN
    PERFORM stats_agent_time(OLD.agent_id, OLD.state, OLD.started_at, OLD.ended_at, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.ended_at IS NOT NULL THEN
    PERFORM stats_agent_time(NEW.agent_id, NEW.state, NEW.started_at, NEW.ended_at, 1);
  END IF;
  -- A wrap-up that closes (or changes) adds its time to the call it followed.
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'wrap-up' THEN PERFORM stats_refresh_call(OLD.call_id); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state = 'wrap-up' AND (TG_OP = 'INSERT' OR NEW.call_id IS DISTINCT FROM OLD.call_id) THEN
    PERFORM stats_refresh_call(NEW.call_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_history AFTER INSERT OR UPDATE OR DELETE ON agent_state_history
  FOR EACH ROW EXECUTE FUNCTION stats_history_trigger();

-- agent_states holds the current state; every change of state (or of its
-- start) closes the open history interval and opens the next one.
CREATE FUNCTION agent_states_history_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE agent_state_history SET ended_at = greatest(started_at, now()) WHERE agent_id = OLD.agent_id AND ended_at IS NULL;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.state = NEW.state AND OLD.since = NEW.since THEN RETURN NULL; END IF;
  UPDATE agent_state_history SET ended_at = greatest(started_at, NEW.since) WHERE agent_id = NEW.agent_id AND ended_at IS NULL;
  INSERT INTO agent_state_history(agent_id, state, reason, seat_id, call_id, started_at)
  VALUES (NEW.agent_id, NEW.state, NEW.reason, NEW.seat_id,
    CASE WHEN NEW.state = 'wrap-up' AND TG_OP = 'UPDATE' THEN coalesce(NEW.call_id, OLD.call_id) ELSE NEW.call_id END, NEW.since);
  RETURN NULL;
END $$;
CREATE TRIGGER agent_states_history AFTER INSERT OR UPDATE OR DELETE ON agent_states
  FOR EACH ROW EXECUTE FUNCTION agent_states_history_trigger();

-- Rebuild everything from the raw tables (after the settings changed, or by hand).
-- The lock makes a call that ends meanwhile wait, then move its own contribution.
CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE stats_call_facts, stats_hourly, stats_agent_hours, stats_daily, stats_agent_days IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM stats_daily;
  DELETE FROM stats_agent_days;
  DELETE FROM stats_hourly;
  DELETE FROM stats_call_facts;
  DELETE FROM stats_agent_hours;
  INSERT INTO stats_call_facts SELECT * FROM stats_call_facts_v;
  INSERT INTO stats_hourly
  SELECT hour, agent_id, queue_id, line_id, campaign_id, outcome, direction, sum(calls), sum(answered), sum(abandoned), sum(abandon_wait_ms),
    sum(answer_wait_ms), sum(sl_met), sum(ring1), sum(ring2), sum(ring3), sum(ring4), sum(ring5), sum(talk_ms), sum(wrap_ms), sum(wraps)
  FROM stats_call_facts GROUP BY hour, agent_id, queue_id, line_id, campaign_id, outcome, direction;
  INSERT INTO stats_agent_hours(hour, agent_id, state, ms)
  SELECT h, s.agent_id, s.state, sum((extract(epoch FROM (least(h + interval '1 hour', s.ended_at) - greatest(h, s.started_at))) * 1000)::bigint)
  FROM agent_state_history s CROSS JOIN LATERAL generate_series(date_trunc('hour', s.started_at, 'UTC'), s.ended_at, interval '1 hour') AS h
  WHERE s.ended_at IS NOT NULL AND h < s.ended_at
  GROUP BY h, s.agent_id, s.state;
  INSERT INTO stats_daily
  SELECT (hour AT TIME ZONE (SELECT time_zone FROM stats_settings))::date, agent_id, queue_id, sum(calls), sum(answered), sum(abandoned), sum(abandon_wait_ms), sum(answer_wait_ms), sum(sl_met), sum(ring1), sum(ring2), sum(ring3), sum(ring4), sum(ring5), sum(talk_ms), sum(wrap_ms), sum(wraps)
  FROM stats_hourly GROUP BY 1, 2, 3;
  INSERT INTO stats_agent_days
  SELECT (hour AT TIME ZONE (SELECT time_zone FROM stats_settings))::date, agent_id, state, sum(ms)
  FROM stats_agent_hours GROUP BY 1, 2, 3;
END $$;

-- Calls already in the database get their facts and rollups now.
SELECT stats_rebuild();
