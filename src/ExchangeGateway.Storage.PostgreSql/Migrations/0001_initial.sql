-- The gateway's tables on PostgreSQL: the same columns as SQLite's, integers as BIGINT, packages as BYTEA.
CREATE TABLE submissions(
    submission_id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    response TEXT NOT NULL);
CREATE TABLE messages(
    message_id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
    recipient TEXT NOT NULL,
    recipient_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    endpoint TEXT,
    event_type TEXT NOT NULL,
    package BYTEA NOT NULL,
    size BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    last_error TEXT,
    updated_ms BIGINT NOT NULL,
    claimed_by TEXT);
CREATE INDEX messages_push ON messages(status, channel, recipient, next_attempt_ms);
CREATE INDEX messages_mailbox ON messages(recipient, channel, status);
CREATE INDEX messages_submission ON messages(submission_id);
CREATE TABLE decisions(
    submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
    recipient TEXT NOT NULL,
    recipient_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    message_id TEXT,
    legal_basis TEXT,
    authorised_by TEXT,
    justification TEXT,
    ordinal BIGINT,
    PRIMARY KEY(submission_id, recipient));
CREATE TABLE message_persons(
    message_id TEXT NOT NULL REFERENCES messages(message_id),
    person_key TEXT NOT NULL,
    PRIMARY KEY(person_key, message_id));
CREATE INDEX message_persons_by_message ON message_persons(message_id);
CREATE TABLE persons(
    person_key TEXT PRIMARY KEY,
    gp_practice TEXT,
    cjit_area TEXT,
    withdrawn_at TEXT,
    updated_ms BIGINT NOT NULL);
CREATE TABLE person_consent(
    person_key TEXT PRIMARY KEY,
    not_shared TEXT NOT NULL,
    updated_ms BIGINT NOT NULL);
CREATE TABLE release_schedule(
    entry_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    due_ms BIGINT NOT NULL,
    release_date TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    recipients TEXT NOT NULL,
    person_keys TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    detail TEXT);
CREATE INDEX release_schedule_due ON release_schedule(status, due_ms);
CREATE TABLE release_schedule_persons(
    entry_id TEXT NOT NULL REFERENCES release_schedule(entry_id),
    person_key TEXT NOT NULL,
    PRIMARY KEY(person_key, entry_id));
CREATE TABLE release_notices(
    submission_id TEXT PRIMARY KEY,
    submission_json TEXT NOT NULL,
    stored_ms BIGINT NOT NULL);
CREATE TABLE gateway_settings(
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL);
CREATE TABLE audit_entries (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
    time      TEXT NOT NULL,
    type      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    subjects  TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL);
CREATE TABLE audit_subjects (
    subject_key TEXT NOT NULL,
    first_seq   BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL REFERENCES audit_entries (seq),
    PRIMARY KEY (subject_key, first_seq),
    CHECK (first_seq >= 1 AND last_seq >= first_seq AND last_seq - first_seq < 64));
CREATE INDEX audit_subjects_by_first ON audit_subjects(first_seq, subject_key);
CREATE TABLE audit_subjects_indexed (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    upto BIGINT NOT NULL CHECK (upto >= 0));
CREATE TABLE audit_checkpoints (
    number    BIGINT PRIMARY KEY CHECK (number >= 1),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    time      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    signer    TEXT NOT NULL,
    signature TEXT NOT NULL);

-- Append-only: UPDATE, DELETE and TRUNCATE are refused on the audit tables (statement triggers fire even for no rows).
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$fn$;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE OR TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE OR TRUNCATE ON audit_subjects FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_subjects_indexed_no_delete BEFORE DELETE OR TRUNCATE ON audit_subjects_indexed FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE OR TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE FUNCTION audit_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.seq IS DISTINCT FROM COALESCE((SELECT MAX(seq) FROM audit_entries), 0) + 1
       OR NEW.prev_hash IS DISTINCT FROM COALESCE((SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000') THEN
        RAISE EXCEPTION 'audit_entries: a new entry must take the next seq and link to the last hash';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_entries_chain BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_chain();

CREATE FUNCTION audit_subjects_in_order() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.last_seq > COALESCE((SELECT MAX(seq) FROM audit_entries), 0)
       OR NEW.first_seq <= COALESCE((SELECT upto FROM audit_subjects_indexed), 0) THEN
        RAISE EXCEPTION 'audit_subjects is append-only: the person index grows in seq order, over stored entries';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_subjects_in_order BEFORE INSERT ON audit_subjects FOR EACH ROW EXECUTE FUNCTION audit_subjects_in_order();

CREATE FUNCTION audit_subjects_indexed_forward() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.upto < OLD.upto OR NEW.upto > COALESCE((SELECT MAX(seq) FROM audit_entries), 0) THEN
        RAISE EXCEPTION 'audit_subjects_indexed is append-only: the person index only moves forward, over stored entries';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_subjects_indexed_forward BEFORE UPDATE ON audit_subjects_indexed FOR EACH ROW EXECUTE FUNCTION audit_subjects_indexed_forward();

CREATE FUNCTION audit_checkpoints_in_order() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.number IS DISTINCT FROM COALESCE((SELECT MAX(number) FROM audit_checkpoints), 0) + 1
       OR NOT EXISTS (SELECT 1 FROM audit_entries WHERE seq = NEW.seq AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'audit_checkpoints: a checkpoint takes the next number and signs an existing entry';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_checkpoints_in_order BEFORE INSERT ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_in_order();
