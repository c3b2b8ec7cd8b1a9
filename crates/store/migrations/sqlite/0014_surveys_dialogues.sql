-- Survey campaigns (khảo sát) and dialogue conferences (hội nghị đối thoại).
-- A survey's questionnaire is JSON (checked by domain::survey); responses hold only the answers
-- and the local day they came in: no address, account or time of day, so nobody can be traced.
CREATE TABLE surveys (
    tenant_id       INTEGER NOT NULL,
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    questionnaire_json TEXT NOT NULL,
    opens_on        TEXT NOT NULL,
    closes_on       TEXT NOT NULL,
    state           TEXT NOT NULL,
    created_by      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    published_at    INTEGER,
    closed_at       INTEGER,
    version         INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX surveys_unit ON surveys (tenant_id, unit_id, state);

CREATE TABLE survey_responses (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL,
    answers_json TEXT NOT NULL,
    received_on  TEXT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX survey_responses_survey ON survey_responses (tenant_id, survey_id, id);

-- The asker's name and contact sit in their own columns; public reads never select them.
CREATE TABLE dialogues (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL,
    topic        TEXT NOT NULL,
    leader       TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    fields_json  TEXT NOT NULL,
    state        TEXT NOT NULL,
    minutes      TEXT,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    published_at INTEGER,
    UNIQUE (tenant_id, id)
);
CREATE INDEX dialogues_unit ON dialogues (tenant_id, unit_id, held_on);

CREATE TABLE dialogue_questions (
    tenant_id     INTEGER NOT NULL,
    id            INTEGER PRIMARY KEY,
    dialogue_id   INTEGER NOT NULL,
    question      TEXT NOT NULL,
    asker_name    TEXT,
    asker_contact TEXT,
    submitted_at  INTEGER NOT NULL,
    answer        TEXT,
    answered_by   INTEGER,
    answered_at   INTEGER,
    UNIQUE (tenant_id, id)
);
CREATE INDEX dialogue_questions_dialogue ON dialogue_questions (tenant_id, dialogue_id, id);

CREATE TABLE dialogue_tasks (
    tenant_id   INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    dialogue_id INTEGER NOT NULL,
    question_id INTEGER,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX dialogue_tasks_dialogue ON dialogue_tasks (tenant_id, dialogue_id, id);
