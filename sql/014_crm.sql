-- CRM (issue 13): the customer info card (客户信息卡), admin-defined custom
-- fields, roster filters and sorts (客户花名册).

-- The card's four groups, each a typed object validated at the HTTP edge
-- (src/http/customers/card.ts): basic information, characteristics, business
-- status and transaction status (with credit). Address, phones and the owner
-- (owner_id, 013) stay in their own columns.
ALTER TABLE customers ADD COLUMN card_basic jsonb NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN card_characteristics jsonb NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN card_business jsonb NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN card_transaction jsonb NOT NULL DEFAULT '{}';
-- Values of the custom fields below, by key.
ALTER TABLE customers ADD COLUMN custom jsonb NOT NULL DEFAULT '{}';

-- Roster filters and sorts.
CREATE INDEX customers_tags ON customers USING gin (tags);
CREATE INDEX customers_tier ON customers (tier, id);
CREATE INDEX customers_status ON customers (status) WHERE status IS NOT NULL;
CREATE INDEX customers_region ON customers ((card_characteristics->>'region'));
CREATE INDEX customers_updated ON customers (updated_at, id);

-- Custom fields defined by the admin: typed, shown on the card and the screen pop.
CREATE TABLE customer_fields (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  options text[] NOT NULL DEFAULT '{}',
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
