//! Units (cơ quan, đơn vị) as a tree with a materialised path for subtree queries.

use crate::{Conn, Result, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub path: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

macro_rules! columns {
    () => {
        "id, parent_id, code, name, kind, path, valid_from, valid_to"
    };
}

pub struct NewUnit<'a> {
    pub parent: Option<&'a Unit>,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
}

pub async fn insert(conn: &mut Conn, tenant_id: i64, unit: NewUnit<'_>, now: i64) -> Result<Unit> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (tenant_id, parent_id, code, name, kind, path, valid_from, valid_to, created_at)
         VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8) RETURNING id",
    )
    .bind(tenant_id)
    .bind(unit.parent.map(|p| p.id))
    .bind(unit.code)
    .bind(unit.name)
    .bind(unit.kind)
    .bind(unit.valid_from)
    .bind(unit.valid_to)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let path = format!("{}{id}/", unit.parent.map_or("/", |p| p.path.as_str()));
    sqlx::query("UPDATE units SET path = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(&path)
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    by_id(conn, tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn update(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    name: &str,
    kind: &str,
    valid_from: Option<&str>,
    valid_to: Option<&str>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE units SET name = $1, kind = $2, valid_from = $3, valid_to = $4
         WHERE tenant_id = $5 AND id = $6",
    )
    .bind(name)
    .bind(kind)
    .bind(valid_from)
    .bind(valid_to)
    .bind(tenant_id)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<Unit>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM units WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_code(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Option<Unit>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM units WHERE tenant_id = $1 AND code = $2"
    ))
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

/// All units of the tenant, in tree order.
pub async fn list(conn: &mut Conn, tenant_id: i64) -> Result<Vec<Unit>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM units WHERE tenant_id = $1 ORDER BY path"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}
