//! The job queue: enqueue with an idempotency key, claim due jobs under a lease, finish or fail
//! them under that lease, dead letters for administrators, and the outbox dispatcher.
//!
//! Claiming differs per backend: on PostgreSQL the rows are picked with
//! `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint sets without waiting on each
//! other; on SQLite the single write connection serialises writers, so a plain
//! `UPDATE … RETURNING` is already atomic.

use crate::{Backend, Conn, Result};

/// Job states, as stored.
pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const DEAD: &str = "dead";
pub const STATES: [&str; 4] = [QUEUED, RUNNING, DONE, DEAD];

/// Work to queue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload_json: &'a str,
    /// Enqueuing a second job with the same key (per tenant) does nothing.
    pub idempotency_key: &'a str,
    pub run_after: i64,
}

/// Queues a job unless one with the same idempotency key exists. Returns whether it was new.
pub async fn enqueue(conn: &mut Conn, tenant_id: i64, job: &NewJob<'_>, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (tenant_id, kind, payload_json, idempotency_key, state, attempts, run_after, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $6)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(job.kind)
    .bind(job.payload_json)
    .bind(job.idempotency_key)
    .bind(job.run_after)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The database's clock, in Unix seconds. Leases are judged by it, never by a worker's own
/// clock: a worker whose wall clock jumps (NTP step, a VM resumed, a wrong time zone fix)
/// would otherwise take over leases that are still held, or write leases that are already over.
pub async fn db_now(conn: &mut Conn, backend: Backend) -> Result<i64> {
    let sql = match backend {
        Backend::Postgres => "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)",
        Backend::Sqlite => "SELECT CAST(strftime('%s', 'now') AS INTEGER)",
    };
    let (now,): (i64,) = sqlx::query_as(sql).fetch_one(conn).await?;
    Ok(now)
}

/// A job taken by a worker.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload_json: String,
    pub idempotency_key: String,
    /// Including this one.
    pub attempts: i64,
    /// When the job became due (for queue latency).
    pub run_after: i64,
}

/// Takes up to `limit` due jobs for `owner` until `lease_until`: queued jobs whose time has
/// come, and running jobs whose lease ran out (their worker died or hung).
pub async fn claim(
    conn: &mut Conn,
    backend: Backend,
    tenant_id: i64,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<ClaimedJob>> {
    // A materialised CTE: with `WHERE id IN (subquery)` PostgreSQL may run the subquery more
    // than once per statement and so claim more rows than the limit.
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "WITH picked AS MATERIALIZED (
             SELECT id FROM jobs
             WHERE tenant_id = $1
               AND ((state = 'queued' AND run_after <= $2) OR (state = 'running' AND lease_until < $2))
             ORDER BY run_after, id
             LIMIT $5
             {lock})
         UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $3, lease_until = $4, updated_at = $2
         FROM picked
         WHERE jobs.tenant_id = $1 AND jobs.id = picked.id
         RETURNING jobs.id, jobs.kind, jobs.payload_json, jobs.idempotency_key, jobs.attempts, jobs.run_after"
    );
    Ok(sqlx::query_as(&sql)
        .bind(tenant_id)
        .bind(now)
        .bind(owner)
        .bind(lease_until)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Dead-letters running jobs whose lease ran out after their last allowed attempt (a job that
/// kills its worker every time must not be retried forever). Returns how many.
pub async fn bury_expired(
    conn: &mut Conn,
    tenant_id: i64,
    now: i64,
    max_attempts: i64,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_until = NULL, updated_at = $2,
                last_error = 'lease expired on the last attempt (worker stopped or hung)'
         WHERE tenant_id = $1 AND state = 'running' AND lease_until < $2 AND attempts >= $3",
    )
    .bind(tenant_id)
    .bind(now)
    .bind(max_attempts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Extends a lease the worker still holds. False when the lease was lost.
pub async fn extend_lease(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    owner: &str,
    lease_until: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET lease_until = $4
         WHERE tenant_id = $1 AND id = $2 AND state = 'running' AND lease_owner = $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(owner)
    .bind(lease_until)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a job done, only if `owner` still holds its lease. Call it in the transaction that
/// writes the job's effect, and roll back when it returns false.
pub async fn finish(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    owner: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL,
                finished_at = $4, updated_at = $4
         WHERE tenant_id = $1 AND id = $2 AND state = 'running' AND lease_owner = $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(owner)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: back to the queue at `retry_at`, or dead when `retry_at` is None.
/// Only if `owner` still holds the lease.
pub async fn fail(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<bool> {
    let state = if retry_at.is_some() { QUEUED } else { DEAD };
    let done = sqlx::query(
        "UPDATE jobs SET state = $4, run_after = COALESCE($5, run_after), last_error = $6,
                lease_owner = NULL, lease_until = NULL, updated_at = $7
         WHERE tenant_id = $1 AND id = $2 AND state = 'running' AND lease_owner = $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(owner)
    .bind(state)
    .bind(retry_at)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A job as administrators see it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub idempotency_key: String,
    /// Unix seconds.
    pub run_after: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, kind, state, attempts, idempotency_key, run_after, last_error, created_at, updated_at, finished_at";

/// Jobs in `state`, most recently changed first.
pub async fn list(
    conn: &mut Conn,
    tenant_id: i64,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<JobRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND state = $2
         ORDER BY updated_at DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(tenant_id)
    .bind(state)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<JobRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Puts a dead job back in the queue with a fresh count of attempts. False if it is not dead.
pub async fn requeue_dead(conn: &mut Conn, tenant_id: i64, id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_after = $3, updated_at = $3
         WHERE tenant_id = $1 AND id = $2 AND state = 'dead'",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Number of jobs per state (absent states are zero).
pub async fn count_by_state(conn: &mut Conn, tenant_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT state, COUNT(*) FROM jobs WHERE tenant_id = $1 GROUP BY state ORDER BY state",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// An outbox message not yet turned into a job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub topic: String,
    pub payload_json: String,
    pub created_at: i64,
}

/// Turns up to `limit` undispatched outbox messages into jobs (kind = topic, idempotency key
/// `outbox:<id>`) and stamps them, in the caller's transaction. A message for which
/// `needs_job(topic, payload)` is false is stamped without a job. Returns how many.
pub async fn dispatch_outbox(
    conn: &mut Conn,
    backend: Backend,
    tenant_id: i64,
    now: i64,
    limit: i64,
    needs_job: impl Fn(&str, &str) -> bool,
) -> Result<usize> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows: Vec<OutboxRow> = sqlx::query_as(&format!(
        "SELECT id, topic, payload_json, created_at FROM outbox
         WHERE tenant_id = $1 AND dispatched_at IS NULL ORDER BY id LIMIT $2 {lock}"
    ))
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows.iter().filter(|r| needs_job(&r.topic, &r.payload_json)) {
        let key = format!("outbox:{}", row.id);
        enqueue(
            conn,
            tenant_id,
            &NewJob {
                kind: &row.topic,
                payload_json: &row.payload_json,
                idempotency_key: &key,
                run_after: row.created_at.min(now),
            },
            now,
        )
        .await?;
    }
    if !rows.is_empty() {
        let ids: Vec<String> = (0..rows.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "UPDATE outbox SET dispatched_at = $2 WHERE tenant_id = $1 AND id IN ({})",
            ids.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(tenant_id).bind(now);
        for row in &rows {
            q = q.bind(row.id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(rows.len())
}

/// Whether a message with this key was already handed to its gateway.
pub async fn notification_sent(conn: &mut Conn, tenant_id: i64, key: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM notifications_sent WHERE tenant_id = $1 AND idempotency_key = $2",
    )
    .bind(tenant_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Records that a message was handed to its gateway (nothing personal: no address, no text).
pub async fn record_notification(
    conn: &mut Conn,
    tenant_id: i64,
    key: &str,
    file_id: Option<i64>,
    notice: &str,
    channel: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications_sent (tenant_id, idempotency_key, file_id, notice, channel, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(key)
    .bind(file_id)
    .bind(notice)
    .bind(channel)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The effect of a self-test job: one row per job (a second run would violate the key).
pub async fn record_probe(
    conn: &mut Conn,
    tenant_id: i64,
    job_id: i64,
    worker: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO job_probes (tenant_id, job_id, worker, at) VALUES ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(job_id)
        .bind(worker)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
