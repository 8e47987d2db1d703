-- Lines added at run time by the set-up wizard (console) or the API
-- (/api/v1/setup/lines). At start they are merged with the config file's
-- `lines`; a config line with the same id wins. Settings the wizard changes
-- (numbers.defaultRegion) are kept in setup_settings and override the config.
CREATE TABLE IF NOT EXISTS setup_lines (
  id          text PRIMARY KEY,
  driver      text NOT NULL,
  name        text,
  port        text NOT NULL UNIQUE,
  baud_rate   integer NOT NULL DEFAULT 115200,
  inbound     jsonb,
  record      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS setup_settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
