//! Queries of the reminders (daily digest, apology warnings) and of the attachment clean-up.

use crate::{Conn, Result};

/// Active staff with an e-mail address who hold one of `roles` somewhere: who gets a digest.
pub async fn staff_with_email(conn: &mut Conn, tenant_id: i64, roles: &[&str]) -> Result<Vec<i64>> {
    // At most three roles: fixed placeholders keep one SQL text for both databases.
    let r = |i: usize| roles.get(i).copied().unwrap_or("");
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT us.id FROM users us
         JOIN role_grants g ON g.tenant_id = us.tenant_id AND g.user_id = us.id
         WHERE us.tenant_id = $1 AND us.active = 1 AND us.is_citizen = 0
           AND us.email IS NOT NULL AND us.email <> ''
           AND g.role IN ($2, $3, $4)
         ORDER BY us.id",
    )
    .bind(tenant_id)
    .bind(r(0))
    .bind(r(1))
    .bind(r(2))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// An open file that will need an apology letter soon.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApologyCandidate {
    pub id: i64,
    pub current_unit_path: String,
    pub assignee_id: Option<i64>,
    pub due_at: i64,
}

/// Files in `states`, without an apology letter, due after `now` and before `before`.
pub async fn apology_candidates(
    conn: &mut Conn,
    tenant_id: i64,
    states: &[&str],
    now: i64,
    before: i64,
) -> Result<Vec<ApologyCandidate>> {
    let s = |i: usize| states.get(i).copied().unwrap_or("");
    Ok(sqlx::query_as(
        "SELECT f.id, u.path AS current_unit_path, f.assignee_id, f.due_at
         FROM files f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         WHERE f.tenant_id = $1 AND f.apology_at IS NULL AND f.due_at > $2 AND f.due_at < $3
           AND f.state IN ($4, $5, $6, $7, $8, $9, $10, $11)
         ORDER BY f.due_at, f.id LIMIT 5000",
    )
    .bind(tenant_id)
    .bind(now)
    .bind(before)
    .bind(s(0))
    .bind(s(1))
    .bind(s(2))
    .bind(s(3))
    .bind(s(4))
    .bind(s(5))
    .bind(s(6))
    .bind(s(7))
    .fetch_all(conn)
    .await?)
}

/// Whether any attachment row of any tenant points at the blob `sha256`. Blobs are shared by
/// content across tenants, so this maintenance query is deliberately not scoped by tenant.
pub async fn blob_referenced(conn: &mut Conn, sha256: &str) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM file_attachments WHERE sha256 = $1 LIMIT 1")
            .bind(sha256)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}
