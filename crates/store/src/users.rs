//! People: staff and citizens, and the roles they hold at units.

use crate::{Conn, Result, StoreError, flag};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub is_citizen: i64,
    pub active: i64,
    pub created_at: i64,
}

impl UserRow {
    pub fn is_citizen(&self) -> bool {
        flag(self.is_citizen)
    }
    pub fn is_active(&self) -> bool {
        flag(self.active)
    }
}

macro_rules! columns {
    () => {
        "id, username, display_name, email, phone, password_hash, is_citizen, active, created_at"
    };
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_citizen: bool,
}

pub async fn insert(
    conn: &mut Conn,
    tenant_id: i64,
    user: NewUser<'_>,
    now: i64,
) -> Result<UserRow> {
    Ok(sqlx::query_as(concat!(
        "INSERT INTO users (tenant_id, username, display_name, email, phone, password_hash,
                            is_citizen, active, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING ",
        columns!()
    ))
    .bind(tenant_id)
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.email)
    .bind(user.phone)
    .bind(user.password_hash)
    .bind(i64::from(user.is_citizen))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM users WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Finds a user by user name, e-mail or phone (citizens log in with either).
pub async fn by_login(conn: &mut Conn, tenant_id: i64, login: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM users WHERE tenant_id = $1 AND (username = $2 OR email = $2 OR phone = $2)
          ORDER BY id LIMIT 1"
    ))
    .bind(tenant_id)
    .bind(login)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_password(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    hash: &str,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(hash)
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_active(conn: &mut Conn, tenant_id: i64, id: i64, active: bool) -> Result<()> {
    sqlx::query("UPDATE users SET active = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(i64::from(active))
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A role held at a unit, with the unit's path so scope checks need no further query.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Grant {
    pub id: i64,
    pub user_id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub role: String,
    pub include_subunits: i64,
}

pub async fn insert_grant(
    conn: &mut Conn,
    tenant_id: i64,
    user_id: i64,
    unit_id: i64,
    role: &str,
    include_subunits: bool,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO role_grants (tenant_id, user_id, unit_id, role, include_subunits, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(unit_id)
    .bind(role)
    .bind(i64::from(include_subunits))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn delete_grant(conn: &mut Conn, tenant_id: i64, grant_id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM role_grants WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(grant_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn grants_of(conn: &mut Conn, tenant_id: i64, user_id: i64) -> Result<Vec<Grant>> {
    Ok(sqlx::query_as(
        "SELECT g.id, g.user_id, g.unit_id, u.code AS unit_code, u.name AS unit_name,
                u.path AS unit_path, g.role, g.include_subunits
         FROM role_grants g JOIN units u ON u.tenant_id = g.tenant_id AND u.id = g.unit_id
         WHERE g.tenant_id = $1 AND g.user_id = $2 ORDER BY g.id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct UserGrantRow {
    #[sqlx(flatten)]
    user: UserRow,
    grant_id: Option<i64>,
    unit_id: Option<i64>,
    unit_code: Option<String>,
    unit_name: Option<String>,
    unit_path: Option<String>,
    role: Option<String>,
    include_subunits: Option<i64>,
}

/// [`by_login`] with the user's grants ([`grants_of`]) in one statement: choosing an assignee
/// needs both.
pub async fn by_login_with_grants(
    conn: &mut Conn,
    tenant_id: i64,
    login: &str,
) -> Result<Option<(UserRow, Vec<Grant>)>> {
    let rows: Vec<UserGrantRow> = sqlx::query_as(concat!(
        "SELECT w.*, g.id AS grant_id, g.unit_id, u.code AS unit_code, u.name AS unit_name,
                u.path AS unit_path, g.role, g.include_subunits
         FROM (SELECT ",
        columns!(),
        " FROM users WHERE tenant_id = $1 AND (username = $2 OR email = $2 OR phone = $2)
               ORDER BY id LIMIT 1) AS w
         LEFT JOIN role_grants g ON g.tenant_id = $1 AND g.user_id = w.id
         LEFT JOIN units u ON u.tenant_id = g.tenant_id AND u.id = g.unit_id
         ORDER BY g.id"
    ))
    .bind(tenant_id)
    .bind(login)
    .fetch_all(conn)
    .await?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let user = first.user.clone();
    let grants = std::iter::once(first)
        .chain(rows)
        .filter_map(|r| {
            Some(Grant {
                id: r.grant_id?,
                user_id: r.user.id,
                unit_id: r.unit_id?,
                unit_code: r.unit_code?,
                unit_name: r.unit_name?,
                unit_path: r.unit_path?,
                role: r.role?,
                include_subunits: r.include_subunits?,
            })
        })
        .collect();
    Ok(Some((user, grants)))
}

/// Staff list: users holding a role at a unit whose path starts with one of `path_prefixes`.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StaffEntry {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: String,
}

pub async fn staff_under(
    conn: &mut Conn,
    tenant_id: i64,
    path_prefix: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<StaffEntry>> {
    Ok(sqlx::query_as(
        "SELECT us.id AS user_id, us.username, us.display_name, u.code AS unit_code, g.role
         FROM role_grants g
         JOIN units u ON u.tenant_id = g.tenant_id AND u.id = g.unit_id
         JOIN users us ON us.tenant_id = g.tenant_id AND us.id = g.user_id
         WHERE g.tenant_id = $1 AND u.path LIKE $2 || '%'
         ORDER BY us.username, u.code LIMIT $3 OFFSET $4",
    )
    .bind(tenant_id)
    .bind(path_prefix)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// Active staff whose grants reach the unit at `unit_path`: held at the unit itself, or at a
/// parent with sub-units included.
pub async fn grants_reaching(
    conn: &mut Conn,
    tenant_id: i64,
    unit_path: &str,
) -> Result<Vec<StaffEntry>> {
    Ok(sqlx::query_as(
        "SELECT us.id AS user_id, us.username, us.display_name, u.code AS unit_code, g.role
         FROM role_grants g
         JOIN units u ON u.tenant_id = g.tenant_id AND u.id = g.unit_id
         JOIN users us ON us.tenant_id = g.tenant_id AND us.id = g.user_id
         WHERE g.tenant_id = $1 AND us.active = 1
           AND (u.path = $2 OR (g.include_subunits = 1 AND $2 LIKE u.path || '%'))
         ORDER BY us.display_name, us.username",
    )
    .bind(tenant_id)
    .bind(unit_path)
    .fetch_all(conn)
    .await?)
}
