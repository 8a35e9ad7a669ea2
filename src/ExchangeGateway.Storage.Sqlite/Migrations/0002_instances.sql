-- Decisions keep the order they were made in a column (PostgreSQL has no rowid); push claims name their instance.
ALTER TABLE decisions ADD COLUMN ordinal INTEGER;
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
CREATE TABLE gateway_settings(
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL);
