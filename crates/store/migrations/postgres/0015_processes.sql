-- Processes (quy trình) per procedure: each change is a new version; versions are never
-- changed while they exist (a trigger refuses it), so a file pinned to a version keeps the
-- steps it was received under.
CREATE TABLE process_versions (
    tenant_id    BIGINT NOT NULL,
    procedure_id BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    -- First day (YYYY-MM-DD) files are received under this version.
    valid_from   TEXT NOT NULL,
    -- {"steps": [...]} as domain::process::ProcessDefinition.
    steps_json   TEXT NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, procedure_id, version),
    FOREIGN KEY (tenant_id, procedure_id) REFERENCES procedures(tenant_id, id) ON DELETE CASCADE
);

CREATE FUNCTION process_versions_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'process versions are immutable';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER process_versions_immutable BEFORE UPDATE ON process_versions
    FOR EACH ROW EXECUTE FUNCTION process_versions_immutable();

-- The process a file was received under: a version of its procedure's process, or (version
-- NULL) the shipped default named by default_id.
CREATE TABLE file_processes (
    tenant_id    BIGINT NOT NULL,
    file_id      BIGINT NOT NULL,
    procedure_id BIGINT NOT NULL,
    version      BIGINT,
    default_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, file_id),
    FOREIGN KEY (tenant_id, file_id) REFERENCES files(tenant_id, id)
);
