//! Files (hồ sơ): the row beside the workflow record, its history, code sequences and the
//! outbox written with every change.

use crate::{Conn, Result, StoreError};

/// Takes the next running number for codes of files received by `unit_id` on local `day`
/// (`YYYY-MM-DD`). Call it inside the intake transaction: the row stays locked until commit,
/// so concurrent intakes queue for it and a rolled-back intake leaves no gap.
pub async fn next_code_seq(
    conn: &mut Conn,
    tenant_id: i64,
    unit_id: i64,
    day: &str,
) -> Result<i64> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO file_code_sequences (tenant_id, unit_id, day, last_seq) VALUES ($1, $2, $3, 1)
         ON CONFLICT (tenant_id, unit_id, day) DO UPDATE SET last_seq = file_code_sequences.last_seq + 1
         RETURNING last_seq",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

/// Stores a calendar configuration once per distinct content.
pub async fn save_calendar_snapshot(
    conn: &mut Conn,
    tenant_id: i64,
    hash: &str,
    json: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_snapshots (tenant_id, hash, config_json, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, hash) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(hash)
    .bind(json)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn calendar_snapshot(conn: &mut Conn, tenant_id: i64, hash: &str) -> Result<String> {
    let (json,): (String,) = sqlx::query_as(
        "SELECT config_json FROM calendar_snapshots WHERE tenant_id = $1 AND hash = $2",
    )
    .bind(tenant_id)
    .bind(hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(json)
}

/// Queues a message for the background workers, in the caller's transaction.
pub async fn enqueue(
    conn: &mut Conn,
    tenant_id: i64,
    topic: &str,
    payload_json: &str,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (tenant_id, topic, payload_json, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant_id)
    .bind(topic)
    .bind(payload_json)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}
