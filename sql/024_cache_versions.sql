-- Issue 14: the daemon's in-memory caches of tables changed through the API (webhook
-- subscriptions, the blacklist, agents and queues, published IVR flows, stored settings,
-- API keys and console sessions) follow changes made through another daemon
-- (docs/scale-out.md, "In-memory caches"). Every write of those tables bumps its cache's version here,
-- by trigger (so SQL written by hand counts too), and sends NOTIFY kefu_cache '<name>'.
-- Each daemon LISTENs and also polls this table; a version that moved reloads that cache.
CREATE TABLE IF NOT EXISTS cache_versions (
  name text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0
);
INSERT INTO cache_versions (name) VALUES ('webhooks'), ('blacklist'), ('acd'), ('flows'), ('settings'), ('auth')
  ON CONFLICT (name) DO NOTHING;

-- TG_ARGV[0]: the cache's name. Row or statement trigger; the row lock on cache_versions is
-- held to the end of the writing transaction, so versions move in commit order.
CREATE OR REPLACE FUNCTION kefu_cache_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cache_versions (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = cache_versions.version + 1;
  PERFORM pg_notify('kefu_cache', TG_ARGV[0]);
  RETURN NULL;
END $$;

-- Webhook subscriptions: the matcher holds id, events and enabled (delivery counters change often: not those).
CREATE TRIGGER webhooks_cache_ins_del AFTER INSERT OR DELETE ON webhooks
  FOR EACH ROW EXECUTE FUNCTION kefu_cache_bump('webhooks');
CREATE TRIGGER webhooks_cache_upd AFTER UPDATE ON webhooks
  FOR EACH ROW WHEN (OLD.events IS DISTINCT FROM NEW.events OR OLD.enabled IS DISTINCT FROM NEW.enabled)
  EXECUTE FUNCTION kefu_cache_bump('webhooks');
-- The blacklist: once per statement (an import writes thousands of rows per statement).
CREATE TRIGGER blacklist_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blacklist
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('blacklist');
-- Agents (names, skills), queues (settings) and their members. Not agent_states: live state.
CREATE TRIGGER agents_cache AFTER INSERT OR UPDATE OR DELETE ON agents
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('acd');
CREATE TRIGGER queues_cache AFTER INSERT OR UPDATE OR DELETE ON queues
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('acd');
CREATE TRIGGER queue_members_cache AFTER INSERT OR UPDATE OR DELETE ON queue_members
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('acd');
-- Published flows (a save or publish updates ivr_flows; a delete cascades to its versions).
CREATE TRIGGER ivr_flows_cache AFTER INSERT OR UPDATE OR DELETE ON ivr_flows
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('flows');
-- Settings the set-up wizard stores (numbers.defaultRegion).
CREATE TRIGGER setup_settings_cache AFTER INSERT OR UPDATE OR DELETE ON setup_settings
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('settings');
-- Verified API keys and console sessions (cached a few seconds): a revoke, a logout, a
-- changed password, role or disablement drops them everywhere. Not last_used_at, not logins.
CREATE TRIGGER api_keys_cache AFTER UPDATE ON api_keys
  FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION kefu_cache_bump('auth');
CREATE TRIGGER api_keys_cache_del AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION kefu_cache_bump('auth');
CREATE TRIGGER users_cache AFTER UPDATE ON users
  FOR EACH ROW WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.agent_id IS DISTINCT FROM NEW.agent_id)
  EXECUTE FUNCTION kefu_cache_bump('auth');
CREATE TRIGGER users_cache_del AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION kefu_cache_bump('auth');
CREATE TRIGGER sessions_cache_del AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION kefu_cache_bump('auth');
