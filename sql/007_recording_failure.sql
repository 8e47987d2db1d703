-- Why a recording failed (disk full, folder unwritable, database error...), kept
-- with the row so the console and the API can say it. Null for good recordings.
ALTER TABLE recordings ADD COLUMN failure text;

-- Retention prunes ended calls by start time and recordings by creation time.
CREATE INDEX calls_prune ON calls (started_at) WHERE ended_at IS NOT NULL;
