-- Automatic call distribution: agents, queues and who answers which queue.

CREATE TABLE agents (
  id text PRIMARY KEY,
  name text NOT NULL,
  skills jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE queues (
  id text PRIMARY KEY,
  name text NOT NULL,
  strategy text NOT NULL CHECK (strategy IN ('ring-all', 'longest-idle', 'fewest-calls', 'round-robin', 'skills')),
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE queue_members (
  queue_id text NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (queue_id, agent_id)
);

-- How long the caller waited in a queue before an agent answered or they gave up.
ALTER TABLE calls ADD COLUMN queue_wait_ms integer;
