-- Issue 14: when an agent's wrap-up ends, as the daemon that ended the call set it (the queue's
-- wrapUpS, or console.wrapUpS for a call taken at the desk). A daemon that takes a node over
-- ends a wrap-up left by a daemon that is gone after what is left of it, whatever queue set it.
-- NULL: not wrapping up (or a row written before this column).
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS wrap_up_until timestamptz;
