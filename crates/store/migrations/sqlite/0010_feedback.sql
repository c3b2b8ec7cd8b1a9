-- Feedback and petitions (phản ánh, kiến nghị). The workflow record is JSON beside the columns
-- queues, statistics and the public list filter on. The sender's personal data sits in its own
-- columns (never in record_json or the history) so that it can be exported and erased, and so
-- that the public list never selects it.
CREATE TABLE feedback (
    tenant_id          INTEGER NOT NULL,
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL,
    -- sha256 of tenant, code and the secret given to the sender.
    secret_hash        TEXT NOT NULL,
    channel            TEXT NOT NULL,
    subject            TEXT NOT NULL,
    subject_ref        TEXT,
    title              TEXT NOT NULL,
    content            TEXT NOT NULL,
    info_request       TEXT,
    extra_info         TEXT,
    reject_reason      TEXT,
    answer             TEXT,
    public_question    TEXT,
    public_title       TEXT,
    sender_name        TEXT,
    sender_phone       TEXT,
    sender_email       TEXT,
    sender_address     TEXT,
    sender_user_id     INTEGER,
    recorded_by        INTEGER,
    state              TEXT NOT NULL,
    receiving_unit_id  INTEGER NOT NULL,
    handling_unit_id   INTEGER,
    current_unit_id    INTEGER NOT NULL,
    received_at        INTEGER NOT NULL,
    due_at             INTEGER,
    published_at       INTEGER,
    satisfied          INTEGER,
    personal_data_erased_at INTEGER,
    record_json        TEXT NOT NULL,
    version            INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code)
);
CREATE INDEX feedback_queue ON feedback (tenant_id, current_unit_id, state, due_at);
CREATE INDEX feedback_published ON feedback (tenant_id, state, published_at);
CREATE INDEX feedback_sender ON feedback (tenant_id, sender_user_id);

-- Append-only history. Steps with a legal deadline carry their timeliness for statistics.
CREATE TABLE feedback_events (
    tenant_id   INTEGER NOT NULL,
    feedback_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    kind        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT,
    step        TEXT,
    unit_id     INTEGER,
    due_at      INTEGER,
    on_time     INTEGER,
    PRIMARY KEY (tenant_id, feedback_id, seq)
);
CREATE INDEX feedback_events_steps ON feedback_events (tenant_id, step, unit_id, at);

CREATE TABLE feedback_code_sequences (
    tenant_id INTEGER NOT NULL,
    day       TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

-- Per-tenant server secrets (e.g. the key signing anonymous-form challenges), created on first use.
CREATE TABLE tenant_secrets (
    tenant_id  INTEGER NOT NULL,
    name       TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
