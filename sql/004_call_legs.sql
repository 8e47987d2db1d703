-- Every leg of a call: the caller's channel, each agent phone offered the call
-- (answered or not), supervisors monitoring it, the legs of click-to-dial.
-- One row per PBX channel (channel_id unique), so a restart never duplicates a leg.

CREATE TABLE call_legs (
  id uuid PRIMARY KEY,
  call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('caller', 'agent', 'supervisor', 'outbound')),
  channel_id text,
  endpoint text,
  seat_id text,
  agent_id text,
  mode text,
  started_at timestamptz(3) NOT NULL DEFAULT now(),
  answered_at timestamptz(3),
  ended_at timestamptz(3),
  end_cause text
);
CREATE INDEX call_legs_call ON call_legs (call_id, started_at);
CREATE UNIQUE INDEX call_legs_channel ON call_legs (channel_id) WHERE channel_id IS NOT NULL;
CREATE INDEX call_legs_open ON call_legs (call_id) WHERE ended_at IS NULL;
