-- Daily flow aggregates of the handling report (store/src/report_daily.rs), maintained in the
-- same transaction as every file change. One row per (scope, day, due day, field, procedure)
-- that occurs. scope_kind 0 = the whole tenant (unit_id 0, each file once), 1 = one unit
-- (every unit in file_units), 2 = a unit's subtree (each file once per ancestor-or-self of
-- its units). day and due_day are local (UTC+7) day numbers since 1970-01-01; due_day is -1
-- except on open_due rows. Each column is a flow on that day: a report for a period sums
-- them (see report_daily.rs for the rule of each column).
CREATE TABLE report_daily (
    tenant_id             BIGINT NOT NULL,
    scope_kind            BIGINT NOT NULL,
    unit_id               BIGINT NOT NULL,
    day                   BIGINT NOT NULL,
    due_day               BIGINT NOT NULL,
    field_id              BIGINT NOT NULL,
    procedure_id          BIGINT NOT NULL,
    received_online       BIGINT NOT NULL DEFAULT 0,
    received_counter      BIGINT NOT NULL DEFAULT 0,
    received_post         BIGINT NOT NULL DEFAULT 0,
    closed                BIGINT NOT NULL DEFAULT 0,
    resolved_early        BIGINT NOT NULL DEFAULT 0,
    resolved_on_time      BIGINT NOT NULL DEFAULT 0,
    resolved_late         BIGINT NOT NULL DEFAULT 0,
    refused               BIGINT NOT NULL DEFAULT 0,
    withdrawn             BIGINT NOT NULL DEFAULT 0,
    apologies             BIGINT NOT NULL DEFAULT 0,
    late_with_apology     BIGINT NOT NULL DEFAULT 0,
    supplement_requests   BIGINT NOT NULL DEFAULT 0,
    repeated_supplements  BIGINT NOT NULL DEFAULT 0,
    open_due              BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope_kind, unit_id, day, due_day, field_id, procedure_id)
);
