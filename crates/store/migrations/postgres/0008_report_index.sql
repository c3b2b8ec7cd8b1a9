-- The handling report (store/src/reports.rs) reads only these columns: a covering index lets
-- both databases answer it from the index without touching the wide rows (record_json).
CREATE INDEX files_report ON files (tenant_id, received_at, finished_at, ended_at, legal_due_at, due_at,
    apology_at, supplement_count, channel, state, field_id, procedure_id, id);
