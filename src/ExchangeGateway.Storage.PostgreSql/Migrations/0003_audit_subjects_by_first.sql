-- SQLite's 0003 adds the index audit_subjects_by_first; PostgreSQL's 0001 created it already. Kept as a numbered
-- step that changes nothing, so "version 3" is the same schema on both adapters.
SELECT 1;
