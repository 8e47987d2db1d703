-- Issue 14, commands reach the owner (docs/scale-out.md, "Commands on any daemon"): the lease row
-- carries the owner's API address (cluster.advertise), written by every renewal, so a daemon that
-- does not own the node knows where to forward a request that needs the node's channels.
ALTER TABLE node_lease ADD COLUMN IF NOT EXISTS address text;
