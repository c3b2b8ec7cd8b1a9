//! Bulk loading of generated files for benchmarks (`motcua bench generate`). Not product code:
//! the rows carry the columns reports count on and a stub workflow record, so they must not be
//! acted on. Rows go in as multi-row INSERTs with literal values: every value is a number or
//! one of a few fixed identifiers produced by the generator, never user input.

use crate::{Backend, Conn, Result};

/// One generated file.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    pub id: i64,
    pub procedure_id: i64,
    pub field_id: i64,
    pub receiving_unit_id: i64,
    /// A second unit the file went through (inter-agency), if any.
    pub other_unit_id: Option<i64>,
    pub channel: &'static str,
    pub state: &'static str,
    pub received_at: i64,
    pub due_at: i64,
    pub legal_due_at: i64,
    pub finished_at: Option<i64>,
    pub handed_over_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub supplement_count: i64,
    pub apology_at: Option<i64>,
}

/// (id, field id, processing time value, unit) of every procedure of a tenant.
pub async fn procedures(conn: &mut Conn, tenant_id: i64) -> Result<Vec<(i64, i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, field_id, time_value, time_unit FROM procedures WHERE tenant_id = $1 ORDER BY id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// The first free file id. Over all tenants: on SQLite the id is the table's row id.
pub async fn next_file_id(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM files")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

fn opt(v: Option<i64>) -> String {
    v.map_or("NULL".to_owned(), |v| v.to_string())
}

/// Inserts `files` (and their unit links) in the caller's transaction.
pub async fn insert_files(
    conn: &mut Conn,
    tenant_id: i64,
    rule_version: &str,
    files: &[GeneratedFile],
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    debug_assert!(
        rule_version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    );
    let mut sql = String::with_capacity(files.len() * 260);
    sql.push_str(
        "INSERT INTO files (tenant_id, id, procedure_id, field_id, receiving_unit_id, current_unit_id, applicant_name,
             channel, state, received_at, due_at, legal_due_at, finished_at, handed_over_at, ended_at,
             supplement_count, apology_at, rule_version, calendar_hash, record_json, version, created_at, updated_at)
         VALUES ",
    );
    for (k, f) in files.iter().enumerate() {
        if k > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "({tenant_id},{},{},{},{},{},'Bench','{}','{}',{},{},{},{},{},{},{},{},'{rule_version}','bench','{{}}',1,{},{})",
            f.id,
            f.procedure_id,
            f.field_id,
            f.receiving_unit_id,
            f.receiving_unit_id,
            f.channel,
            f.state,
            f.received_at,
            f.due_at,
            f.legal_due_at,
            opt(f.finished_at),
            opt(f.handed_over_at),
            opt(f.ended_at),
            f.supplement_count,
            opt(f.apology_at),
            f.received_at,
            f.ended_at.or(f.finished_at).unwrap_or(f.received_at),
        ));
    }
    sqlx::query(&sql).execute(&mut *conn).await?;
    sql.clear();
    sql.push_str("INSERT INTO file_units (tenant_id, file_id, unit_id) VALUES ");
    let mut first = true;
    for f in files {
        for unit in std::iter::once(f.receiving_unit_id).chain(f.other_unit_id) {
            if !first {
                sql.push(',');
            }
            first = false;
            sql.push_str(&format!("({tenant_id},{},{unit})", f.id));
        }
    }
    sqlx::query(&sql).execute(&mut *conn).await?;
    Ok(())
}

/// After a bulk load: move PostgreSQL's id sequence past the ids used, refresh statistics.
pub async fn finish_load(conn: &mut Conn, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('files', 'id'), (SELECT MAX(id) FROM files))",
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

/// One number from a query of the bench programs (a count, a server statistic).
pub async fn scalar(pool: &sqlx::AnyPool, sql: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await?;
    Ok(n)
}

/// A statement outside any transaction, by the simple protocol (`CREATE DATABASE` for a
/// baseline's scratch database).
pub async fn execute(pool: &sqlx::AnyPool, sql: &str) -> Result<()> {
    use sqlx::Executor;
    pool.execute(sql).await?;
    Ok(())
}
