-- Closing the loop: the community provider remembered per person (a reception goes to it too), the business response to
-- each message (one per message: a second, different one is refused), and the escalations raised when nobody answers.
ALTER TABLE persons ADD COLUMN community_provider TEXT;
CREATE TABLE responses(
    message_id TEXT PRIMARY KEY REFERENCES messages(message_id),
    responder TEXT NOT NULL,
    outcome TEXT NOT NULL,
    body TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    notice_message_id TEXT);
CREATE TABLE escalations(
    entry_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    due_ms INTEGER NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
    watch_recipient TEXT,
    recipients TEXT NOT NULL,
    person_keys TEXT NOT NULL,
    source_json TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    detail TEXT);
CREATE INDEX escalations_due ON escalations(status, due_ms);
CREATE INDEX escalations_submission ON escalations(submission_id, kind);
CREATE TABLE escalation_persons(
    entry_id TEXT NOT NULL REFERENCES escalations(entry_id),
    person_key TEXT NOT NULL,
    PRIMARY KEY(person_key, entry_id));
