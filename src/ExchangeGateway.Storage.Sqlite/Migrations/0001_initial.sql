-- The schema as the gateway kept it before numbered migrations; IF NOT EXISTS adopts a data folder written then.
CREATE TABLE IF NOT EXISTS submissions(
    submission_id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    response TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages(
    message_id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
    recipient TEXT NOT NULL,
    recipient_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    endpoint TEXT,
    event_type TEXT NOT NULL,
    package BLOB NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    window_start_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error TEXT,
    updated_ms INTEGER NOT NULL);
DROP INDEX IF EXISTS messages_due;
-- Per agency, so the push worker finds what is due by index seeks however long one agency's queue has grown.
CREATE INDEX IF NOT EXISTS messages_push ON messages(status, channel, recipient, next_attempt_ms);
CREATE INDEX IF NOT EXISTS messages_mailbox ON messages(recipient, channel, status);
CREATE INDEX IF NOT EXISTS messages_submission ON messages(submission_id);
CREATE TABLE IF NOT EXISTS decisions(
    submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
    recipient TEXT NOT NULL,
    recipient_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    message_id TEXT,
    legal_basis TEXT,
    authorised_by TEXT,
    justification TEXT,
    PRIMARY KEY(submission_id, recipient));
CREATE TABLE IF NOT EXISTS message_persons(
    message_id TEXT NOT NULL REFERENCES messages(message_id),
    person_key TEXT NOT NULL,
    PRIMARY KEY(person_key, message_id));
CREATE INDEX IF NOT EXISTS message_persons_by_message ON message_persons(message_id);
CREATE TABLE IF NOT EXISTS persons(
    person_key TEXT PRIMARY KEY,
    gp_practice TEXT,
    cjit_area TEXT,
    withdrawn_at TEXT,
    updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS person_consent(
    person_key TEXT PRIMARY KEY,
    not_shared TEXT NOT NULL,
    updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS release_schedule(
    entry_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    due_ms INTEGER NOT NULL,
    release_date TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    recipients TEXT NOT NULL,
    person_keys TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    detail TEXT);
CREATE INDEX IF NOT EXISTS release_schedule_due ON release_schedule(status, due_ms);
CREATE TABLE IF NOT EXISTS release_schedule_persons(
    entry_id TEXT NOT NULL REFERENCES release_schedule(entry_id),
    person_key TEXT NOT NULL,
    PRIMARY KEY(person_key, entry_id));
CREATE TABLE IF NOT EXISTS release_notices(
    submission_id TEXT PRIMARY KEY,
    submission_json TEXT NOT NULL,
    stored_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit_entries (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    time      TEXT NOT NULL,
    type      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    subjects  TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL);
-- The person index: one row per person per run of at most 64 consecutive entries about the same people.
CREATE TABLE IF NOT EXISTS audit_subjects (
    subject_key TEXT NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL REFERENCES audit_entries (seq),
    PRIMARY KEY (subject_key, first_seq),
    CHECK (first_seq >= 1 AND last_seq >= first_seq AND last_seq - first_seq < 64)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_subjects_indexed (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL CHECK (upto >= 0));
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    number    INTEGER PRIMARY KEY CHECK (number >= 1),
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    time      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    signer    TEXT NOT NULL,
    signature TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entries_chain BEFORE INSERT ON audit_entries
    WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_entries), 0) + 1
      OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
    BEGIN SELECT RAISE(ABORT, 'audit_entries: a new entry must take the next seq and link to the last hash'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_update BEFORE UPDATE ON audit_subjects
    BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_delete BEFORE DELETE ON audit_subjects
    BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_in_order BEFORE INSERT ON audit_subjects
    WHEN NEW.last_seq > COALESCE((SELECT MAX(seq) FROM audit_entries), 0)
      OR NEW.first_seq <= COALESCE((SELECT upto FROM audit_subjects_indexed), 0)
    BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only: the person index grows in seq order, over stored entries'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_indexed_forward BEFORE UPDATE ON audit_subjects_indexed
    WHEN NEW.upto < OLD.upto OR NEW.upto > COALESCE((SELECT MAX(seq) FROM audit_entries), 0)
    BEGIN SELECT RAISE(ABORT, 'audit_subjects_indexed is append-only: the person index only moves forward, over stored entries'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_indexed_no_delete BEFORE DELETE ON audit_subjects_indexed
    BEGIN SELECT RAISE(ABORT, 'audit_subjects_indexed is append-only: the person index position is never removed'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
    BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_in_order BEFORE INSERT ON audit_checkpoints
    WHEN NEW.number IS NOT COALESCE((SELECT MAX(number) FROM audit_checkpoints), 0) + 1
      OR NOT EXISTS (SELECT 1 FROM audit_entries WHERE seq = NEW.seq AND hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'audit_checkpoints: a checkpoint takes the next number and signs an existing entry'); END;
