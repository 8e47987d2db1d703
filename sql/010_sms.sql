-- SMS through GSM dongles: every message in and out, and the outbound queue
-- (rows in status queued, picked up again after a restart).
CREATE TABLE sms_messages (
  id uuid PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  -- E.164 (or the digits / name of a short code or alphanumeric sender)
  number text NOT NULL,
  text text NOT NULL,
  parts integer NOT NULL DEFAULT 1,
  encoding text CHECK (encoding IN ('gsm7', 'ucs2', '8bit')),
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'received')),
  dongle_id text,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  error text,
  -- outbound: message reference of each part (+CMGS), matched by delivery reports
  refs jsonb NOT NULL DEFAULT '[]',
  delivered_parts integer NOT NULL DEFAULT 0,
  -- inbound: a part never came
  incomplete boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  sent_at timestamptz(3),
  delivered_at timestamptz(3),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX sms_messages_number ON sms_messages(number, created_at DESC, id DESC);
CREATE INDEX sms_messages_created ON sms_messages(created_at DESC, id DESC);
CREATE INDEX sms_messages_queue ON sms_messages(created_at) WHERE status IN ('queued', 'sending');
CREATE INDEX sms_messages_sent ON sms_messages(dongle_id, sent_at DESC) WHERE status = 'sent';
