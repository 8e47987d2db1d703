-- The web console: people who sign in, their sessions, screen-pop layouts,
-- agent states that survive a restart, and the agent's wrap-up of a call.

CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
  -- The agent this person works as on the desktop (agents and supervisors).
  agent_id text REFERENCES agents(id) ON DELETE SET NULL,
  -- scrypt$N$r$p$salt$hash (base64url)
  password_hash text NOT NULL,
  locale text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  disabled_at timestamptz(3)
);

CREATE TABLE sessions (
  -- SHA-256 of the session token; the token itself lives only in the browser's cookie.
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Which customer fields a screen pop shows, in which groups and order.
-- scope 'default', or 'line' / 'queue' with the line's or queue's id.
CREATE TABLE screenpop_layouts (
  scope text NOT NULL CHECK (scope IN ('default', 'line', 'queue')),
  scope_id text NOT NULL DEFAULT '',
  layout jsonb NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, scope_id)
);

CREATE TABLE agent_states (
  agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  state text NOT NULL,
  seat_id text,
  reason text,
  call_id uuid,
  calls_taken integer NOT NULL DEFAULT 0,
  missed_in_a_row integer NOT NULL DEFAULT 0,
  last_call_ended_at timestamptz(3),
  since timestamptz(3) NOT NULL DEFAULT now()
);

-- What the agent wrote down after the call.
ALTER TABLE calls ADD COLUMN outcome text;
ALTER TABLE calls ADD COLUMN wrapped_at timestamptz(3);
