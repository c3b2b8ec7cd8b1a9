//! Tenants: one province (or other host organisation) per tenant.

use crate::{Conn, Result};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Tenant {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub host: Option<String>,
}

pub async fn insert(
    conn: &mut Conn,
    code: &str,
    name: &str,
    host: Option<&str>,
    now: i64,
) -> Result<Tenant> {
    Ok(sqlx::query_as(
        "INSERT INTO tenants (code, name, host, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, code, name, host",
    )
    .bind(code)
    .bind(name)
    .bind(host)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Tenant>> {
    Ok(
        sqlx::query_as("SELECT id, code, name, host FROM tenants WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn list(conn: &mut Conn) -> Result<Vec<Tenant>> {
    Ok(
        sqlx::query_as("SELECT id, code, name, host FROM tenants ORDER BY id")
            .fetch_all(conn)
            .await?,
    )
}
