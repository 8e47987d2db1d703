-- kefu schema v1: keys, customers, contacts, calls, recordings, blacklist, IVR flows.
-- Timestamps keep milliseconds (timestamptz(3)) so JavaScript Dates and list cursors round-trip exactly.

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'integrator')),
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3),
  revoked_at timestamptz(3)
);

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  company text,
  title text,
  email text,
  address text,
  phones jsonb NOT NULL DEFAULT '[]',
  tier text,
  tags text[] NOT NULL DEFAULT '{}',
  status text,
  transaction_status text,
  notes text,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
-- Normalised numbers (E.164 or short-code digits) -> owner, for caller-ID lookups.
CREATE TABLE customer_phones (
  number text NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  PRIMARY KEY (number, customer_id)
);
CREATE INDEX customer_phones_owner ON customer_phones (customer_id);
CREATE INDEX customers_name ON customers (lower(name));
CREATE INDEX customers_created ON customers (created_at, id);

CREATE TABLE contacts (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  company text,
  title text,
  email text,
  address text,
  phones jsonb NOT NULL DEFAULT '[]',
  groups text[] NOT NULL DEFAULT '{}',
  notes text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE contact_phones (
  number text NOT NULL,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  PRIMARY KEY (number, contact_id)
);
CREATE INDEX contact_phones_owner ON contact_phones (contact_id);
CREATE INDEX contacts_created ON contacts (created_at, id);

CREATE TABLE calls (
  id uuid PRIMARY KEY,
  line_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  number text,
  caller_name text,
  withheld text,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  state text NOT NULL,
  disposition text,
  flow_id text,
  digits text NOT NULL DEFAULT '',
  ivr_path jsonb NOT NULL DEFAULT '[]',
  blacklist_match jsonb,
  agent_id text,
  queue_id text,
  notes text,
  started_at timestamptz(3) NOT NULL DEFAULT now(),
  answered_at timestamptz(3),
  ended_at timestamptz(3),
  duration_ms integer,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX calls_started ON calls (started_at DESC, id DESC);
CREATE INDEX calls_number ON calls (number, started_at DESC);
CREATE INDEX calls_open ON calls (line_id) WHERE ended_at IS NULL;

CREATE TABLE recordings (
  id uuid PRIMARY KEY,
  call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  path text NOT NULL,
  format text NOT NULL DEFAULT 'wav',
  state text NOT NULL CHECK (state IN ('recording', 'ready', 'repaired', 'failed')),
  duration_ms integer,
  bytes integer,
  sha256 text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  completed_at timestamptz(3)
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_created ON recordings (created_at DESC, id DESC);

CREATE TABLE interactions (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('call', 'sms', 'fax', 'note', 'visit')),
  ref_id uuid,
  summary text,
  data jsonb NOT NULL DEFAULT '{}',
  at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX interactions_customer ON interactions (customer_id, at DESC);

CREATE TABLE blacklist (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('number', 'prefix')),
  value text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'both')),
  reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX blacklist_unique ON blacklist (kind, value, direction);
CREATE INDEX blacklist_created ON blacklist (created_at DESC, id DESC);

CREATE TABLE ivr_flows (
  id text PRIMARY KEY,
  name text NOT NULL,
  current_version integer NOT NULL,
  published_version integer,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE ivr_flow_versions (
  flow_id text NOT NULL REFERENCES ivr_flows(id) ON DELETE CASCADE,
  version integer NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (flow_id, version)
);
