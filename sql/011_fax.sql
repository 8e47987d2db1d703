-- Faxes sent and received, on either backend (Asterisk res_fax, a class 2.0
-- modem line). Files live in the private fax folder (config fax.dir); the
-- *_file columns hold paths relative to it.

CREATE TABLE faxes (
  id uuid PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  number text,
  line_id text,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  call_id uuid,
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'receiving', 'received')),
  pages integer,
  remote_station_id text,
  result_code text,
  result_text text,
  bit_rate integer,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 1,
  next_attempt_at timestamptz(3),
  detected text CHECK (detected IN ('cng', 'ivr', 'line')),
  source_file text,
  tiff_file text,
  pdf_file text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  started_at timestamptz(3),
  completed_at timestamptz(3)
);
CREATE INDEX faxes_created ON faxes (created_at DESC, id DESC);
CREATE INDEX faxes_pending ON faxes (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX faxes_number ON faxes (number);
