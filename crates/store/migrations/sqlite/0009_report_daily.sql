-- Daily flow aggregates of the handling report (store/src/report_daily.rs), maintained in the
-- same transaction as every file change. One row per (scope, day, field, procedure)
-- that occurs (see report_daily.rs for the rule of each column). scope_kind 0 = the whole tenant (unit_id 0, each file once), 1 = one unit
-- (every unit in file_units), 2 = a unit's subtree (each file once per ancestor-or-self of
-- its units). day is a local (UTC+7) day number since 1970-01-01. Every flow is stored twice: grain 0 on its day, grain 1 in its
-- 32-day bucket (day = day number / 32), so a report reads whole buckets for the history and
-- single days only at the period's edges.
CREATE TABLE report_daily (
    tenant_id             INTEGER NOT NULL,
    scope_kind            INTEGER NOT NULL,
    unit_id               INTEGER NOT NULL,
    grain                 INTEGER NOT NULL,
    day                   INTEGER NOT NULL,
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
    fell_due              INTEGER NOT NULL DEFAULT 0,
    closed_after_due      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope_kind, unit_id, grain, day, field_id, procedure_id)
);
-- Reports grouped by unit read every unit's rows of a few day ranges.
CREATE INDEX report_daily_by_day ON report_daily (tenant_id, scope_kind, grain, day);

-- Closed (locked) reporting periods (store/src/report_daily.rs, app/src/reports/periods.rs):
-- the figures as they were when the reform office locked the period, with the data version
-- they came from (the number of file events recorded then). Never updated: later changes
-- that touch a locked period appear as adjustments in the next period's report.
CREATE TABLE report_periods (
    tenant_id     INTEGER NOT NULL,
    from_date     TEXT NOT NULL,
    to_date       TEXT NOT NULL,
    locked_at     INTEGER NOT NULL,
    locked_by     INTEGER,
    data_version  INTEGER NOT NULL,
    figures_json  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, from_date, to_date)
);
