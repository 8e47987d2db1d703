-- Issue 14: the Asterisk under a node, by its entity id (asterisk.conf `entityid`, ARI /asterisk/info
-- system.entity_id), written by the owner when it opens ARI. A daemon whose asterisk.ari reaches a
-- different Asterisk than the owner's under the same cluster.node is a misconfiguration that
-- `kefu diagnose` names (docs/scale-out.md, "Leases and fencing").
ALTER TABLE node_lease ADD COLUMN IF NOT EXISTS entity_id text;
