-- Issue 14, queues across nodes: one agent, one state, whichever daemon drives the call. Every
-- write of an agent's live state is a compare-and-set on `version` (src/db/repos/acd.ts): two
-- daemons that offer the same ready agent a call at once cannot both win, and a daemon whose
-- write lost takes the row as it is. `written_by` names the daemon that wrote it (cluster.owner).
-- Other daemons follow the rows through the cache versions (sql/024): NOTIFY kefu_cache 'agent-states'.
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0;
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS written_by text;
INSERT INTO cache_versions (name) VALUES ('agent-states') ON CONFLICT (name) DO NOTHING;
CREATE TRIGGER agent_states_cache AFTER INSERT OR UPDATE OR DELETE ON agent_states
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('agent-states');
