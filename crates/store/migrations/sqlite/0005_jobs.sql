-- Background jobs (notifications, reminders, clean-up), safe with several instances on one
-- database: a worker claims due jobs by taking a lease (lease_owner until lease_until); a
-- lease that runs out (the instance died) makes the job claimable again. A job is finished
-- with a write that names its lease owner, in the same transaction as its effect, so a job
-- that lost its lease can never also finish. idempotency_key: enqueuing the same work twice
-- is a no-op.
CREATE TABLE jobs (
    tenant_id       INTEGER NOT NULL,
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload_json    TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- queued | running | done | dead
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    run_after       INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX jobs_due ON jobs (tenant_id, state, run_after);

-- Outbox rows become jobs once (the dispatcher stamps them); the outbox itself stays as the
-- record of what was announced.
ALTER TABLE outbox ADD COLUMN dispatched_at INTEGER;
CREATE INDEX outbox_pending ON outbox (tenant_id, id) WHERE dispatched_at IS NULL;

-- Messages handed to a gateway (SMTP, SMS, Zalo), one row per job: a job retried after a
-- send that succeeded does not send again. No address or text is kept here.
CREATE TABLE notifications_sent (
    tenant_id       INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    file_id         INTEGER,
    notice          TEXT NOT NULL,
    channel         TEXT NOT NULL,
    sent_at         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);

-- Effects of the queue's self-test jobs (`motcua jobs probe`): one row per job, so that
-- running a job twice would be visible (and refused by the key).
CREATE TABLE job_probes (
    tenant_id INTEGER NOT NULL,
    job_id    INTEGER NOT NULL,
    worker    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, job_id)
);
