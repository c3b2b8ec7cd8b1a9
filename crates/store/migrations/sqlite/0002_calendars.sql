-- A tenant's changes to the shipped working calendar (added or removed days, default hours),
-- and working hours of units that differ from the tenant's. JSON text, read by the domain.
CREATE TABLE tenant_calendars (
    tenant_id    INTEGER NOT NULL PRIMARY KEY,
    changes_json TEXT NOT NULL,
    version      INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE unit_working_hours (
    tenant_id  INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL,
    hours_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, unit_id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units(tenant_id, id)
);
