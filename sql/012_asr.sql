-- Voice lookup of contacts (issue 12): other names a caller may say for a contact,
-- and the seat a `directory` IVR node transfers to on a PBX backend.
ALTER TABLE contacts ADD COLUMN nicknames text[] NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN seat text;
