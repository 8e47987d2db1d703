-- Outbound campaigns (the dialer): the campaign, its list of numbers, and
-- every attempt on every number (kept for compliance and export).

CREATE TABLE campaigns (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('preview', 'progressive', 'predictive', 'broadcast')),
  state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'running', 'paused', 'finished')),
  -- lines, queue/agents, caller ID, message or flow, window, retry rules, ring time, AMD, pacing (src/core/dialer/campaign.ts)
  settings jsonb NOT NULL DEFAULT '{}',
  priority integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  started_at timestamptz(3),
  finished_at timestamptz(3)
);

-- One row per number of a campaign's list (duplicates merged on the E.164 key).
-- state: pending (may be dialled from next_at on), dialing (an attempt is up),
-- done (reached, opted out, or out of attempts: done_reason says which).
CREATE TABLE campaign_numbers (
  id uuid PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  number text NOT NULL,
  name text,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  data jsonb NOT NULL DEFAULT '{}',
  priority integer NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dialing', 'done')),
  attempts integer NOT NULL DEFAULT 0,
  next_at timestamptz(3),
  last_outcome text,
  done_reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, number)
);
CREATE INDEX campaign_numbers_due ON campaign_numbers (campaign_id, priority DESC, next_at NULLS FIRST, created_at) WHERE state = 'pending';

-- Every attempt, written before the dial (so a restart knows what was up).
-- outcome null while it is up. live_at: when a person (not a machine) answered;
-- abandoned: that person got no agent within the connect limit.
CREATE TABLE campaign_attempts (
  id uuid PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  number_id uuid NOT NULL REFERENCES campaign_numbers(id) ON DELETE CASCADE,
  number text NOT NULL,
  call_id uuid,
  line_id text,
  agent_id text,
  placed_at timestamptz(3) NOT NULL,
  ring_at timestamptz(3),
  answered_at timestamptz(3),
  live_at timestamptz(3),
  connected_at timestamptz(3),
  ended_at timestamptz(3),
  outcome text,
  abandoned boolean NOT NULL DEFAULT false,
  amd text,
  result jsonb,
  skip_reason text
);
CREATE INDEX campaign_attempts_by_campaign ON campaign_attempts (campaign_id, placed_at DESC, id DESC);
CREATE INDEX campaign_attempts_open ON campaign_attempts (campaign_id) WHERE ended_at IS NULL;
CREATE INDEX campaign_attempts_live ON campaign_attempts (campaign_id, live_at) WHERE live_at IS NOT NULL;
