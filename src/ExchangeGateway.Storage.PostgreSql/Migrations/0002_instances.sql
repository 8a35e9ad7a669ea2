-- SQLite's 0002 adds decisions.ordinal, messages.claimed_by and gateway_settings; PostgreSQL's 0001 created them
-- already. Kept as a numbered step that changes nothing, so "version 2" is the same schema on both adapters.
SELECT 1;
