-- Issue 14: a webhook delivery is claimed by the daemon that sends it (docs/scale-out.md,
-- "Webhooks"). due() sets claimed_by/claimed_until in the same statement that picks the
-- delivery (FOR UPDATE SKIP LOCKED), so two daemons on one database never send one delivery
-- at once. Recording the attempt (or a replay) clears the claim; a daemon that dies holding
-- one leaves it to expire (claimed_until), and another daemon sends it then (at least once).
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS claimed_by text;
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS claimed_until timestamptz;
