//! Opt-outs: contacts (stored as hashes) that asked to receive no more messages on a channel.

use crate::{Conn, Result};

/// How a stored contact hash was made (column `keying`, migration 0016): HMAC-SHA256 under
/// the configured `contact_hash_key`, under the tenant's random key, or (rows written before
/// 0016) plain SHA-256 over a fixed prefix.
pub const KEYING_CONFIG: &str = "hmac_config";
pub const KEYING_TENANT: &str = "hmac_tenant";
pub const KEYING_SHA256: &str = "sha256";

/// Records an opt-out; a repeated one changes nothing. Returns whether it was new.
pub async fn opt_out(
    conn: &mut Conn,
    tenant_id: i64,
    contact_hash: &str,
    keying: &str,
    channel: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO notify_optouts (tenant_id, contact_hash, channel, created_at, keying)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, contact_hash, channel) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(contact_hash)
    .bind(channel)
    .bind(now)
    .bind(keying)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the contact opted out of the channel: `candidates` are its hashes under each
/// keying the tenant may have rows of.
pub async fn opted_out(
    conn: &mut Conn,
    tenant_id: i64,
    channel: &str,
    candidates: &[(&str, String)],
) -> Result<bool> {
    if candidates.is_empty() {
        return Ok(false);
    }
    let pairs: Vec<String> = (0..candidates.len())
        .map(|i| {
            format!(
                "(keying = ${} AND contact_hash = ${})",
                3 + 2 * i,
                4 + 2 * i
            )
        })
        .collect();
    let sql = format!(
        "SELECT 1 FROM notify_optouts WHERE tenant_id = $1 AND channel = $2 AND ({})",
        pairs.join(" OR ")
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql)
        .bind(tenant_id)
        .bind(channel);
    for (keying, hash) in candidates {
        query = query.bind(*keying).bind(hash.as_str());
    }
    Ok(query.fetch_optional(conn).await?.is_some())
}
