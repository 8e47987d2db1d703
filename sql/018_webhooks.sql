-- Webhooks for integrators (issue 13): subscriptions and their delivery
-- outbox. Every event a subscription matches is written here when it is
-- published, then POSTed (signed) until the receiver takes it or the retry
-- budget is spent (dead letter). See docs/webhooks.md.

CREATE TABLE webhooks (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  -- event type patterns: exact types, "family.*" or "*"
  events text[] NOT NULL,
  -- the HMAC-SHA256 key; it must be kept as is to sign (never returned after create)
  secret text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  description text NOT NULL DEFAULT '',
  -- dead letters in a row (reset by a delivery taken); auto-disable counts these
  consecutive_dead integer NOT NULL DEFAULT 0,
  disabled_reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  -- publish order: deliveries with the same order key go strictly in this order
  seq bigint GENERATED ALWAYS AS IDENTITY,
  webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_type text NOT NULL,
  -- the request body exactly as signed: {"type","at","data"}
  body text NOT NULL,
  -- the call (or fax) the event is about; null: no order to keep
  order_key text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  -- start of the current round of attempts (creation, or the last replay): the retry window counts from here
  round_started_at timestamptz(3) NOT NULL DEFAULT now(),
  last_attempt_at timestamptz(3),
  last_status_code integer,
  last_error text,
  last_latency_ms integer,
  last_response text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  delivered_at timestamptz(3)
);
-- what is due: the head of each order key, in publish order
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_lane ON webhook_deliveries (webhook_id, order_key, seq) WHERE status = 'pending';
-- the delivery log of one subscription, newest first
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (webhook_id, seq) WHERE status = 'dead';
