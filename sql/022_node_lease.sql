-- Issue 14: ownership of an Asterisk node by lease (docs/scale-out.md, "Leases and fencing").
-- One row per node (its ARI endpoint). The owner renews expires_at (database clock); a
-- takeover (the row expired, another owner) bumps epoch. Writes of the Asterisk backend
-- are fenced: their transaction first locks this row FOR SHARE with (node, owner, epoch).
CREATE TABLE IF NOT EXISTS node_lease (
  node text PRIMARY KEY,
  owner text,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
