-- Issue 14, queues across nodes: the callers waiting in each queue, on every node of a cluster
-- (docs/scale-out.md, "Queues across nodes"). The daemon that drives a caller's node writes its
-- row when the caller enters a queue, marks it while an agent's phone rings for it, and deletes it
-- when an agent answers or the caller leaves. An offer of an agent is written only when no caller
-- of that queue on another live node has waited longer without a ring going (src/db/repos/acd.ts):
-- the longest-waiting caller is served first across nodes. A row whose call is closed, or whose
-- node has no live lease, counts for nothing. Without a cluster no row is written.
CREATE TABLE IF NOT EXISTS queue_waiting (
  call_id uuid PRIMARY KEY,
  queue_id text NOT NULL,
  node text NOT NULL,
  since timestamptz(3) NOT NULL,
  ringing boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS queue_waiting_queue ON queue_waiting (queue_id, since);
-- A caller who stops waiting, or whose ring ended, may let another node offer its agent: they re-route.
INSERT INTO cache_versions (name) VALUES ('queue-waiting') ON CONFLICT (name) DO NOTHING;
CREATE TRIGGER queue_waiting_cache_del AFTER DELETE ON queue_waiting
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_cache_bump('queue-waiting');
CREATE TRIGGER queue_waiting_cache_upd AFTER UPDATE ON queue_waiting
  FOR EACH ROW WHEN (OLD.ringing AND NOT NEW.ringing) EXECUTE FUNCTION kefu_cache_bump('queue-waiting');
