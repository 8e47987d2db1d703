-- A screen-pop layout per campaign (scope 'campaign', scope_id the campaign's
-- id), found for a call through its attempt.

ALTER TABLE screenpop_layouts DROP CONSTRAINT screenpop_layouts_scope_check;
ALTER TABLE screenpop_layouts ADD CONSTRAINT screenpop_layouts_scope_check CHECK (scope IN ('default', 'line', 'queue', 'campaign'));
CREATE INDEX campaign_attempts_call ON campaign_attempts (call_id) WHERE call_id IS NOT NULL;
