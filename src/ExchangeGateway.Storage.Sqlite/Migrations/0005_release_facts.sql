-- The continuity report's facts: what each release record and engagement report says that the report counts, written
-- when it is accepted (its packages are sealed, so the gateway cannot read them later). Agency codes, dates and 0/1
-- flags; person_keys (a JSON array) links a person's records and is never reported.
CREATE TABLE release_facts(
    submission_id TEXT PRIMARY KEY REFERENCES submissions(submission_id),
    event_type TEXT NOT NULL,
    prison TEXT,
    cjit_area TEXT,
    gp_practice TEXT,
    release_date TEXT,
    planned INTEGER,
    on_ost INTEGER,
    bridging INTEGER,
    opioid_user INTEGER,
    naloxone INTEGER,
    first_appointment INTEGER,
    engagement_outcome TEXT,
    engagement_date TEXT,
    person_keys TEXT NOT NULL,
    accepted_ms INTEGER NOT NULL);
CREATE INDEX release_facts_accepted ON release_facts(accepted_ms);
