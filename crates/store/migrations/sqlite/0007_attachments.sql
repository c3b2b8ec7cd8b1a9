-- Documents attached to a file: the applicant's papers and electronic results. The bytes are
-- stored once on disk by their SHA-256 (content-addressed, under the configured directory);
-- a row here is what makes them part of a file.
CREATE TABLE file_attachments (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, file_id) REFERENCES files(tenant_id, id)
);
CREATE INDEX file_attachments_file ON file_attachments (tenant_id, file_id);
