//! Opt-outs: contacts (stored as hashes) that asked to receive no more messages on a channel.

use crate::{Conn, Result};

/// Records an opt-out; a repeated one changes nothing. Returns whether it was new.
pub async fn opt_out(
    conn: &mut Conn,
    tenant_id: i64,
    contact_hash: &str,
    channel: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO notify_optouts (tenant_id, contact_hash, channel, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, contact_hash, channel) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(contact_hash)
    .bind(channel)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the contact opted out of the channel.
pub async fn opted_out(
    conn: &mut Conn,
    tenant_id: i64,
    contact_hash: &str,
    channel: &str,
) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM notify_optouts WHERE tenant_id = $1 AND contact_hash = $2 AND channel = $3",
    )
    .bind(tenant_id)
    .bind(contact_hash)
    .bind(channel)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}
