-- Files (hồ sơ). The workflow's full record is JSON (record_json, read by the domain); the
-- columns beside it are what queues, lookups and reports filter and count on.

CREATE TABLE files (
    tenant_id          INTEGER NOT NULL,
    id                 INTEGER PRIMARY KEY,
    code               TEXT,
    procedure_id       INTEGER NOT NULL,
    field_id           INTEGER NOT NULL,
    receiving_unit_id  INTEGER NOT NULL,
    current_unit_id    INTEGER NOT NULL,
    assignee_id        INTEGER,
    owner_user_id      INTEGER,
    applicant_name     TEXT NOT NULL,
    applicant_phone    TEXT,
    applicant_email    TEXT,
    applicant_address  TEXT,
    -- sha256 of the PIN printed on the receipt, for lookup without an account.
    lookup_pin_hash    TEXT,
    channel            TEXT NOT NULL,
    state              TEXT NOT NULL,
    received_at        INTEGER,
    received_date      TEXT,
    due_at             INTEGER,
    legal_due_at       INTEGER,
    appointment_date   TEXT,
    finished_at        INTEGER,
    handed_over_at     INTEGER,
    ended_at           INTEGER,
    supplement_count   INTEGER NOT NULL DEFAULT 0,
    apology_at         INTEGER,
    rule_version       TEXT NOT NULL,
    calendar_hash      TEXT NOT NULL,
    record_json        TEXT NOT NULL,
    version            INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, procedure_id) REFERENCES procedures(tenant_id, id),
    FOREIGN KEY (tenant_id, receiving_unit_id) REFERENCES units(tenant_id, id),
    FOREIGN KEY (tenant_id, current_unit_id) REFERENCES units(tenant_id, id)
);
CREATE UNIQUE INDEX files_code ON files (tenant_id, code) WHERE code IS NOT NULL;
CREATE INDEX files_queue ON files (tenant_id, current_unit_id, state, due_at);
CREATE INDEX files_assignee ON files (tenant_id, assignee_id, state);
CREATE INDEX files_received ON files (tenant_id, receiving_unit_id, received_at);
CREATE INDEX files_owner ON files (tenant_id, owner_user_id);

-- Every unit a file has been at (receiving, processing, inter-agency legs), once each:
-- scoping ("may this unit see the file") and per-unit counting read it.
CREATE TABLE file_units (
    tenant_id INTEGER NOT NULL,
    file_id   INTEGER NOT NULL,
    unit_id   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, file_id, unit_id)
);
CREATE INDEX file_units_unit ON file_units (tenant_id, unit_id);

CREATE TABLE file_events (
    tenant_id  INTEGER NOT NULL,
    file_id    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    event_json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, file_id, seq)
);

-- Running numbers of file codes, per receiving unit and local day. Taken with an upsert that
-- holds the row until commit, so two intakes never get the same number and a rolled-back
-- intake gives its number back.
CREATE TABLE file_code_sequences (
    tenant_id INTEGER NOT NULL,
    unit_id   INTEGER NOT NULL,
    day       TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, unit_id, day)
);

-- The calendar a file's deadline was computed with, stored once per distinct configuration.
CREATE TABLE calendar_snapshots (
    tenant_id   INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    config_json TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, hash)
);

-- Messages written in the same transaction as the change they announce; background workers
-- turn them into notifications.
CREATE TABLE outbox (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
