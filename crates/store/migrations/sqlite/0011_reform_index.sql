-- Administrative-reform index (Chỉ số CCHC). A criteria set per year and kind of unit (the
-- tree of criteria is JSON, validated by the domain); one assessment per unit and set (the
-- scores are JSON, changed only through the domain's stages, with an optimistic version);
-- evidence files stored by content hash like file attachments.
CREATE TABLE reform_sets (
    tenant_id       INTEGER NOT NULL,
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    unit_kind       TEXT NOT NULL,
    name            TEXT NOT NULL,
    definition_json TEXT NOT NULL,
    self_deadline   TEXT NOT NULL,
    published_at    INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, year, unit_kind)
);

CREATE TABLE reform_assessments (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL,
    stage        TEXT NOT NULL,
    entries_json TEXT NOT NULL,
    version      INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, set_id, unit_id),
    FOREIGN KEY (tenant_id, set_id) REFERENCES reform_sets(tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units(tenant_id, id)
);

CREATE TABLE reform_evidence (
    tenant_id      INTEGER NOT NULL,
    id             INTEGER PRIMARY KEY,
    assessment_id  INTEGER NOT NULL,
    criterion_code TEXT NOT NULL,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    uploaded_by    INTEGER NOT NULL,
    uploaded_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES reform_assessments(tenant_id, id)
);
CREATE INDEX reform_evidence_assessment ON reform_evidence (tenant_id, assessment_id);

-- The yearly reform plan: tasks with the unit in charge, due date and progress.
CREATE TABLE reform_plan_tasks (
    tenant_id     INTEGER NOT NULL,
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    unit_id       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    owner_name    TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    progress      INTEGER NOT NULL,
    progress_note TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units(tenant_id, id)
);
CREATE INDEX reform_plan_tasks_year ON reform_plan_tasks (tenant_id, year, due_date);

-- Inspections of administrative discipline (kiểm tra kỷ luật, kỷ cương) and their follow-up.
CREATE TABLE reform_inspections (
    tenant_id     INTEGER NOT NULL,
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL,
    inspected_on  TEXT NOT NULL,
    findings      TEXT NOT NULL,
    follow_up     TEXT NOT NULL,
    follow_up_due TEXT,
    created_by    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units(tenant_id, id)
);
CREATE INDEX reform_inspections_unit ON reform_inspections (tenant_id, unit_id, inspected_on);
