-- Issue 14: what an owner of a node saw of a call and could not write before it lost the node
-- (docs/scale-out.md, "Ends seen by an owner that lost the node"). An owner whose database was away
-- longer than its lease, and whose writes of a call were then refused by the fence (or dropped as it
-- let go), writes here instead, without the fence: the call as it saw it, with its legs. The node's
-- current owner applies each report once: a call that has no row is recorded from it; a row the
-- takeover closed as `interrupted` gets the end the earlier owner saw. Anything else (the new owner
-- saw the call itself) leaves the report unapplied ('superseded'). Without a cluster no row is written.
CREATE TABLE IF NOT EXISTS call_reports (
  id bigserial PRIMARY KEY,
  node text NOT NULL,
  -- the lease the reporting daemon held as it reported (its last, or the one it won the node back with)
  epoch integer NOT NULL,
  owner text NOT NULL,
  call_id uuid NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  applied_at timestamptz(3),
  -- recorded | corrected | superseded | failed (could not be applied: logged with the report's id)
  outcome text
);
CREATE INDEX IF NOT EXISTS call_reports_due ON call_reports (node, id) WHERE applied_at IS NULL;
