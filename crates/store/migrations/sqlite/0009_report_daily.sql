-- Daily flow aggregates of the handling report (store/src/report_daily.rs), maintained in the
-- same transaction as every file change. One row per (scope, day, due day, field, procedure)
-- that occurs. scope_kind 0 = the whole tenant (unit_id 0, each file once), 1 = one unit
-- (every unit in file_units), 2 = a unit's subtree (each file once per ancestor-or-self of
-- its units). day and due_day are local (UTC+7) day numbers since 1970-01-01; due_day is -1
-- except on open_due rows. Each column is a flow on that day: a report for a period sums
-- them (see report_daily.rs for the rule of each column).
CREATE TABLE report_daily (
    tenant_id             INTEGER NOT NULL,
    scope_kind            INTEGER NOT NULL,
    unit_id               INTEGER NOT NULL,
    day                   INTEGER NOT NULL,
    due_day               INTEGER NOT NULL,
    field_id              INTEGER NOT NULL,
    procedure_id          INTEGER NOT NULL,
    received_online       INTEGER NOT NULL DEFAULT 0,
    received_counter      INTEGER NOT NULL DEFAULT 0,
    received_post         INTEGER NOT NULL DEFAULT 0,
    closed                INTEGER NOT NULL DEFAULT 0,
    resolved_early        INTEGER NOT NULL DEFAULT 0,
    resolved_on_time      INTEGER NOT NULL DEFAULT 0,
    resolved_late         INTEGER NOT NULL DEFAULT 0,
    refused               INTEGER NOT NULL DEFAULT 0,
    withdrawn             INTEGER NOT NULL DEFAULT 0,
    apologies             INTEGER NOT NULL DEFAULT 0,
    late_with_apology     INTEGER NOT NULL DEFAULT 0,
    supplement_requests   INTEGER NOT NULL DEFAULT 0,
    repeated_supplements  INTEGER NOT NULL DEFAULT 0,
    open_due              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope_kind, unit_id, day, due_day, field_id, procedure_id)
);
