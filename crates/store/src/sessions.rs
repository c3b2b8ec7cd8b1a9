//! Server-side sessions, personal API tokens and login throttling records.
//! Secrets are stored only as SHA-256 hashes.

use crate::{Conn, Result};

pub async fn insert(
    conn: &mut Conn,
    tenant_id: i64,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (tenant_id, token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $5)",
    )
    .bind(tenant_id)
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A live session with its user and the user's role grants, in one statement (run on every
/// signed-in request): one row per grant, or one row with no grant columns for a user
/// holding none.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionActorRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub username: String,
    pub display_name: String,
    pub is_citizen: i64,
    pub active: i64,
    pub grant_unit_id: Option<i64>,
    pub grant_unit_code: Option<String>,
    pub grant_unit_name: Option<String>,
    pub grant_unit_path: Option<String>,
    pub grant_role: Option<String>,
    pub grant_include_subunits: Option<i64>,
}

pub async fn find_with_actor(
    conn: &mut Conn,
    tenant_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<Vec<SessionActorRow>> {
    Ok(sqlx::query_as(
        "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.username, u.display_name,
                u.is_citizen, u.active, g.unit_id AS grant_unit_id, un.code AS grant_unit_code,
                un.name AS grant_unit_name, un.path AS grant_unit_path, g.role AS grant_role,
                g.include_subunits AS grant_include_subunits
         FROM sessions s
         JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
         LEFT JOIN role_grants g ON g.tenant_id = s.tenant_id AND g.user_id = s.user_id
         LEFT JOIN units un ON un.tenant_id = g.tenant_id AND un.id = g.unit_id
         WHERE s.tenant_id = $1 AND s.token_hash = $2 AND s.expires_at > $3
         ORDER BY g.id",
    )
    .bind(tenant_id)
    .bind(token_hash)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Notifications of changes that can end a session or change what its user may do (the
/// triggers of PostgreSQL migration 0018, whatever process makes the change).
pub struct Revocations(sqlx::postgres::PgListener);

impl Revocations {
    /// Listens on its own connection to the PostgreSQL database at `url`.
    pub async fn listen(url: &str) -> Result<Revocations> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen("motcua_auth").await?;
        Ok(Revocations(listener))
    }

    /// Waits for the next change: `true` when one was notified, `false` when the connection
    /// was lost and made again (changes in between were missed).
    pub async fn next(&mut self) -> Result<bool> {
        Ok(self.0.try_recv().await?.is_some())
    }
}

/// Slides the expiry forward (idle timeout).
pub async fn touch(
    conn: &mut Conn,
    tenant_id: i64,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE tenant_id = $3 AND token_hash = $4")
        .bind(now)
        .bind(expires_at)
        .bind(tenant_id)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, tenant_id: i64, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2")
        .bind(tenant_id)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user except, optionally, one (after a password change).
pub async fn delete_for_user(
    conn: &mut Conn,
    tenant_id: i64,
    user_id: i64,
    keep: Option<&str>,
) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3")
        .bind(tenant_id)
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a tenant's expired sessions (the daily clean-up job). Returns how many.
pub async fn delete_expired(conn: &mut Conn, tenant_id: i64, now: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND expires_at <= $2")
            .bind(tenant_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

macro_rules! token_columns {
    () => {
        "id, user_id, name, prefix, created_at, expires_at, revoked_at, last_used_at"
    };
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_token(
    conn: &mut Conn,
    tenant_id: i64,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    now: i64,
    expires_at: Option<i64>,
) -> Result<ApiToken> {
    Ok(sqlx::query_as(concat!(
        "INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
        token_columns!()
    ))
    .bind(tenant_id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await?)
}

pub async fn find_token(
    conn: &mut Conn,
    tenant_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<Option<ApiToken>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        token_columns!(),
        " FROM api_tokens WHERE tenant_id = $1 AND token_hash = $2 AND revoked_at IS NULL
          AND (expires_at IS NULL OR expires_at > $3)"
    ))
    .bind(tenant_id)
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

pub async fn tokens_of(conn: &mut Conn, tenant_id: i64, user_id: i64) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        token_columns!(),
        " FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY id"
    ))
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn revoke_token(
    conn: &mut Conn,
    tenant_id: i64,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1
         WHERE tenant_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(tenant_id)
    .bind(user_id)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

pub async fn record_login_failure(
    conn: &mut Conn,
    tenant_id: i64,
    subject: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (tenant_id, subject, at) VALUES ($1, $2, $3)")
        .bind(tenant_id)
        .bind(subject)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn login_failures_since(
    conn: &mut Conn,
    tenant_id: i64,
    subject: &str,
    since: i64,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_failures WHERE tenant_id = $1 AND subject = $2 AND at > $3",
    )
    .bind(tenant_id)
    .bind(subject)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

pub async fn clear_login_failures(conn: &mut Conn, tenant_id: i64, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE tenant_id = $1 AND subject = $2")
        .bind(tenant_id)
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}
