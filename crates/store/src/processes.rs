//! Process versions per procedure (migration 0015) and the version each file was received
//! under. Versions are only ever inserted.

use crate::{Conn, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProcessVersionRow {
    pub version: i64,
    pub valid_from: String,
    pub steps_json: String,
    pub created_by: i64,
    pub created_by_name: Option<String>,
    pub created_at: i64,
}

const SELECT_VERSIONS: &str = "SELECT v.version, v.valid_from, v.steps_json, v.created_by,
        u.display_name AS created_by_name, v.created_at
     FROM process_versions v
     LEFT JOIN users u ON u.tenant_id = v.tenant_id AND u.id = v.created_by
     WHERE v.tenant_id = $1 AND v.procedure_id = $2";

/// Every version of a procedure's process, newest first.
pub async fn versions(
    conn: &mut Conn,
    tenant_id: i64,
    procedure_id: i64,
) -> Result<Vec<ProcessVersionRow>> {
    Ok(
        sqlx::query_as(&format!("{SELECT_VERSIONS} ORDER BY v.version DESC"))
            .bind(tenant_id)
            .bind(procedure_id)
            .fetch_all(conn)
            .await?,
    )
}

/// The version in force on `day` (YYYY-MM-DD): the newest one valid from that day or earlier.
pub async fn in_force(
    conn: &mut Conn,
    tenant_id: i64,
    procedure_id: i64,
    day: &str,
) -> Result<Option<ProcessVersionRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_VERSIONS} AND v.valid_from <= $3 ORDER BY v.version DESC LIMIT 1"
    ))
    .bind(tenant_id)
    .bind(procedure_id)
    .bind(day)
    .fetch_optional(conn)
    .await?)
}

/// The newest version, whatever its first day: `(version, valid_from)`.
pub async fn latest(
    conn: &mut Conn,
    tenant_id: i64,
    procedure_id: i64,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT version, valid_from FROM process_versions
         WHERE tenant_id = $1 AND procedure_id = $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(tenant_id)
    .bind(procedure_id)
    .fetch_optional(conn)
    .await?)
}

/// A version to add.
pub struct NewVersion<'a> {
    pub procedure_id: i64,
    pub version: i64,
    pub valid_from: &'a str,
    pub steps_json: &'a str,
    pub created_by: i64,
}

/// Adds a version; a concurrent insert of the same number fails as a duplicate.
pub async fn insert_version(
    conn: &mut Conn,
    tenant_id: i64,
    new: &NewVersion<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO process_versions
            (tenant_id, procedure_id, version, valid_from, steps_json, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id)
    .bind(new.procedure_id)
    .bind(new.version)
    .bind(new.valid_from)
    .bind(new.steps_json)
    .bind(new.created_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Pins a new file to the process version in force on `day` (none: the default `default_id`),
/// in one statement inside the intake transaction.
pub async fn pin_file(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    procedure_id: i64,
    day: &str,
    default_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO file_processes (tenant_id, file_id, procedure_id, version, default_id)
         VALUES ($1, $2, $3, (SELECT MAX(version) FROM process_versions
                              WHERE tenant_id = $1 AND procedure_id = $3 AND valid_from <= $4), $5)",
    )
    .bind(tenant_id)
    .bind(file_id)
    .bind(procedure_id)
    .bind(day)
    .bind(default_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileProcessRow {
    pub version: Option<i64>,
    pub default_id: String,
    pub steps_json: Option<String>,
}

/// The process a file was pinned to, with the version's steps.
pub async fn of_file(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
) -> Result<Option<FileProcessRow>> {
    Ok(sqlx::query_as(
        "SELECT fp.version, fp.default_id, v.steps_json FROM file_processes fp
         LEFT JOIN process_versions v ON v.tenant_id = fp.tenant_id
              AND v.procedure_id = fp.procedure_id AND v.version = fp.version
         WHERE fp.tenant_id = $1 AND fp.file_id = $2",
    )
    .bind(tenant_id)
    .bind(file_id)
    .fetch_optional(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProcedureProcessRow {
    pub code: String,
    pub name: String,
    pub field_name: String,
    pub latest_version: Option<i64>,
    pub versions: i64,
}

/// Every procedure with the number of its process versions and the newest one.
pub async fn by_procedure(conn: &mut Conn, tenant_id: i64) -> Result<Vec<ProcedureProcessRow>> {
    Ok(sqlx::query_as(
        "SELECT p.code, p.name, f.name AS field_name, MAX(v.version) AS latest_version,
                COUNT(v.version) AS versions
         FROM procedures p
         JOIN fields f ON f.tenant_id = p.tenant_id AND f.id = p.field_id
         LEFT JOIN process_versions v ON v.tenant_id = p.tenant_id AND v.procedure_id = p.id
         WHERE p.tenant_id = $1
         GROUP BY p.code, p.name, f.name
         ORDER BY f.name, p.code",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}
