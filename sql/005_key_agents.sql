-- API keys can be bound to an agent: a key with role agent (or integrator)
-- bound to an agent acts only as that agent (its state, its calls).
ALTER TABLE api_keys ADD COLUMN agent_id text;
