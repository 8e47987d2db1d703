-- The management layer's shared base (issue 13): what the CRM, the care plans,
-- the statistics and the scorecards all read. Each part adds its own tables in
-- its own migration after this one.

-- Teams (小组) of agents, ranked against each other by the team scorecards.
CREATE TABLE teams (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
ALTER TABLE agents ADD COLUMN team_id text REFERENCES teams(id) ON DELETE SET NULL;

-- The customer's account manager (an agent id) and when the customer was lost.
ALTER TABLE customers ADD COLUMN owner_id text;
ALTER TABLE customers ADD COLUMN churned_at timestamptz(3);
CREATE INDEX customers_owner ON customers (owner_id) WHERE owner_id IS NOT NULL;

-- Complaints (投诉) are their own kind of record, with a status. A substantiated
-- complaint against an agent is what a scorecard deducts for.
CREATE TABLE complaints (
  id uuid PRIMARY KEY,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  call_id uuid REFERENCES calls(id) ON DELETE SET NULL,
  agent_id text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'substantiated', 'rejected', 'closed')),
  summary text NOT NULL,
  resolution text,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  resolved_at timestamptz(3)
);
CREATE INDEX complaints_customer ON complaints (customer_id, created_at DESC);
CREATE INDEX complaints_agent ON complaints (agent_id, created_at) WHERE agent_id IS NOT NULL;

-- The post-call satisfaction survey ("press 1 to 5"): one score per call.
CREATE TABLE call_surveys (
  call_id uuid PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  agent_id text,
  score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX call_surveys_agent ON call_surveys (agent_id, at) WHERE agent_id IS NOT NULL;
CREATE INDEX call_surveys_customer ON call_surveys (customer_id, at) WHERE customer_id IS NOT NULL;

-- The customer's timeline also holds complaints, follow-up tasks and survey answers.
ALTER TABLE interactions DROP CONSTRAINT interactions_kind_check;
ALTER TABLE interactions ADD CONSTRAINT interactions_kind_check
  CHECK (kind IN ('call', 'sms', 'fax', 'note', 'visit', 'complaint', 'task', 'survey'));
