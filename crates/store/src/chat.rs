//! Chat webhook events already handled (migration 0016), so a re-delivered event does nothing.

use crate::{Conn, Result};

/// Records that `event_id` of `platform` was handled, until `expires_at` (after which the
/// event is outside the replay window and refused anyway). Clears the tenant's expired ids
/// first. Returns false when the event was seen already: do nothing more for it.
pub async fn mark_event_seen(
    conn: &mut Conn,
    tenant_id: i64,
    platform: &str,
    event_id: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool> {
    sqlx::query("DELETE FROM chat_seen_events WHERE tenant_id = $1 AND expires_at < $2")
        .bind(tenant_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "INSERT INTO chat_seen_events (tenant_id, platform, event_id, expires_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, platform, event_id) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(platform)
    .bind(event_id)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
