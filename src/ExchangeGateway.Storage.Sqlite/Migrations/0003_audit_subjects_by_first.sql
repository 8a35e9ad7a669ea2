-- The verifier pages the person index in (first_seq, subject_key) order; without this index each page scans the table.
-- PostgreSQL's 0001 created the same index, so version 3 is the same schema on both adapters.
CREATE INDEX IF NOT EXISTS audit_subjects_by_first ON audit_subjects(first_seq, subject_key);
