//! The handling report (Biểu 06) counted in the database: one pass over the files of the
//! period, each column a `SUM(CASE …)` that states the same rule as
//! `motcua_domain::report::Figures::of_file` (tests compare the two file by file).

use crate::{Conn, Result};

/// Which files count.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The whole tenant, each file once.
    Tenant,
    /// Files that have been at a unit whose path starts with this (a unit and its sub-units).
    Subtree(String),
    /// Files that have been at this unit itself.
    Unit(i64),
}

/// What the rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One row for the whole scope.
    None,
    /// One row per unit a file has been at (so a file in two units is in both rows).
    Unit,
    Field,
    Procedure,
}

pub struct HandlingQuery {
    pub start: i64,
    pub end: i64,
    /// Open files are judged overdue or in time at this moment.
    pub judged_at: i64,
    pub scope: Scope,
    pub field_id: Option<i64>,
    pub grouping: Grouping,
}

/// One row's sums; `key` is the unit, field or procedure id (0 without grouping).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct FigureRow {
    pub key: i64,
    pub received: i64,
    pub new_online: i64,
    pub new_counter: i64,
    pub new_post: i64,
    pub carried_over: i64,
    pub resolved: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    pub refused: i64,
    pub pending: i64,
    pub overdue: i64,
    pub withdrawn: i64,
    pub apologies: i64,
    pub late_with_apology: i64,
    pub supplement_requests: i64,
    pub repeated_supplements: i64,
}

// $2 = period start, $3 = period end (exclusive), $4 = moment open files are judged at.
// A file's close is COALESCE(finished_at, ended_at); local dates are UTC+7 (25200 s).
const SUMS: &str = "
    COALESCE(CAST(SUM(1) AS BIGINT), 0) AS received,
    COALESCE(CAST(SUM(CASE WHEN f.received_at >= $2 AND f.channel = 'online' THEN 1 ELSE 0 END) AS BIGINT), 0) AS new_online,
    COALESCE(CAST(SUM(CASE WHEN f.received_at >= $2 AND f.channel = 'counter' THEN 1 ELSE 0 END) AS BIGINT), 0) AS new_counter,
    COALESCE(CAST(SUM(CASE WHEN f.received_at >= $2 AND f.channel = 'post' THEN 1 ELSE 0 END) AS BIGINT), 0) AS new_post,
    COALESCE(CAST(SUM(CASE WHEN f.received_at < $2 THEN 1 ELSE 0 END) AS BIGINT), 0) AS carried_over,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 THEN 1 ELSE 0 END) AS BIGINT), 0) AS resolved,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 AND f.finished_at <= f.legal_due_at
        AND (f.finished_at + 25200) / 86400 < (f.legal_due_at + 25200) / 86400 THEN 1 ELSE 0 END) AS BIGINT), 0) AS early,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 AND f.finished_at <= f.legal_due_at
        AND (f.finished_at + 25200) / 86400 = (f.legal_due_at + 25200) / 86400 THEN 1 ELSE 0 END) AS BIGINT), 0) AS on_time,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 AND NOT (f.finished_at <= f.legal_due_at) THEN 1 ELSE 0 END) AS BIGINT), 0) AS late,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 AND f.state = 'refused' THEN 1 ELSE 0 END) AS BIGINT), 0) AS refused,
    COALESCE(CAST(SUM(CASE WHEN COALESCE(f.finished_at, f.ended_at) IS NULL
        OR COALESCE(f.finished_at, f.ended_at) >= $3 THEN 1 ELSE 0 END) AS BIGINT), 0) AS pending,
    COALESCE(CAST(SUM(CASE WHEN (COALESCE(f.finished_at, f.ended_at) IS NULL OR COALESCE(f.finished_at, f.ended_at) >= $3)
        AND f.state <> 'awaiting_supplement' AND f.due_at < $4 THEN 1 ELSE 0 END) AS BIGINT), 0) AS overdue,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at IS NULL AND f.ended_at < $3 THEN 1 ELSE 0 END) AS BIGINT), 0) AS withdrawn,
    COALESCE(CAST(SUM(CASE WHEN f.apology_at >= $2 AND f.apology_at < $3 THEN 1 ELSE 0 END) AS BIGINT), 0) AS apologies,
    COALESCE(CAST(SUM(CASE WHEN f.finished_at < $3 AND NOT (f.finished_at <= f.legal_due_at)
        AND f.apology_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), 0) AS late_with_apology,
    COALESCE(CAST(SUM(CASE WHEN COALESCE(f.finished_at, f.ended_at) < $3 THEN f.supplement_count ELSE 0 END) AS BIGINT), 0)
        AS supplement_requests,
    COALESCE(CAST(SUM(CASE WHEN COALESCE(f.finished_at, f.ended_at) < $3 AND f.supplement_count > 1 THEN 1 ELSE 0 END) AS BIGINT), 0)
        AS repeated_supplements";

// Received before the end, not closed before the start; never-received files have no
// received_at and drop out here.
const IN_PERIOD: &str = "f.tenant_id = $1 AND f.received_at < $3
    AND (COALESCE(f.finished_at, f.ended_at) IS NULL OR COALESCE(f.finished_at, f.ended_at) >= $2)";

/// The rows of the handling report. Rows with nothing in them are not returned.
pub async fn handling(
    conn: &mut Conn,
    tenant_id: i64,
    q: &HandlingQuery,
) -> Result<Vec<FigureRow>> {
    let sql = select(q, SUMS, "");
    let mut query = sqlx::query_as::<_, FigureRow>(&sql)
        .bind(tenant_id)
        .bind(q.start)
        .bind(q.end)
        .bind(q.judged_at);
    match &q.scope {
        Scope::Tenant => {}
        Scope::Subtree(path) => query = query.bind(path.clone()),
        Scope::Unit(id) => query = query.bind(*id),
    }
    if let Some(field) = q.field_id {
        query = query.bind(field);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows.into_iter().filter(|r| r.received > 0).collect())
}

/// Per row key: the files of the period still open at its end that fall due in
/// `[since, judged_at)` (the part of today the daily aggregates do not know yet).
pub async fn overdue_since(
    conn: &mut Conn,
    tenant_id: i64,
    q: &HandlingQuery,
    since: i64,
) -> Result<Vec<(i64, i64)>> {
    // $2 is `since` here: files open at the end were not closed before it either.
    let sql = select(
        q,
        "COALESCE(CAST(SUM(1) AS BIGINT), 0) AS n",
        " AND (COALESCE(f.finished_at, f.ended_at) IS NULL OR COALESCE(f.finished_at, f.ended_at) >= $3)
          AND f.state <> 'awaiting_supplement' AND f.due_at >= $2 AND f.due_at < $4",
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql)
        .bind(tenant_id)
        .bind(since)
        .bind(q.end)
        .bind(q.judged_at);
    match &q.scope {
        Scope::Tenant => {}
        Scope::Subtree(path) => query = query.bind(path.clone()),
        Scope::Unit(id) => query = query.bind(*id),
    }
    if let Some(field) = q.field_id {
        query = query.bind(field);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows.into_iter().filter(|r| r.1 > 0).collect())
}

/// The SQL of a report query over the files: `sums` selected per row key, `extra` added to
/// the period's condition. Assembled from constant fragments only; every value is bound.
fn select(q: &HandlingQuery, sums: &str, extra: &str) -> String {
    let mut next = 5;
    let mut param = || {
        let p = format!("${next}");
        next += 1;
        p
    };
    let (key, from, mut filter) = match (q.grouping, &q.scope) {
        (Grouping::Unit, scope) => {
            let filter = match scope {
                Scope::Tenant => String::new(),
                Scope::Subtree(_) => format!(" AND u.path LIKE {} || '%'", param()),
                Scope::Unit(_) => format!(" AND fu.unit_id = {}", param()),
            };
            (
                "fu.unit_id",
                "files f JOIN file_units fu ON fu.tenant_id = f.tenant_id AND fu.file_id = f.id
                 JOIN units u ON u.tenant_id = fu.tenant_id AND u.id = fu.unit_id",
                filter,
            )
        }
        (grouping, scope) => {
            let key = match grouping {
                Grouping::Field => "f.field_id",
                Grouping::Procedure => "f.procedure_id",
                _ => "0",
            };
            let filter = match scope {
                Scope::Tenant => String::new(),
                // A set of file ids (each once), so the unit's files drive the lookup.
                Scope::Subtree(_) => format!(
                    " AND f.id IN (SELECT fu.file_id FROM file_units fu JOIN units u ON u.tenant_id = fu.tenant_id AND u.id = fu.unit_id
                       WHERE fu.tenant_id = $1 AND u.path LIKE {} || '%')",
                    param()
                ),
                Scope::Unit(_) => format!(
                    " AND f.id IN (SELECT fu.file_id FROM file_units fu WHERE fu.tenant_id = $1 AND fu.unit_id = {})",
                    param()
                ),
            };
            (key, "files f", filter)
        }
    };
    if q.field_id.is_some() {
        filter.push_str(&format!(" AND f.field_id = {}", param()));
    }
    let group = if q.grouping == Grouping::None {
        String::new()
    } else {
        format!(" GROUP BY {key} ORDER BY {key}")
    };
    format!(
        "SELECT CAST({key} AS BIGINT) AS key, {sums} FROM {from} WHERE {IN_PERIOD}{extra}{filter}{group}"
    )
}

/// The report columns of every file of a tenant, for tests that recount a report file by file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileFactsRow {
    pub id: i64,
    pub field_id: i64,
    pub procedure_id: i64,
    pub channel: String,
    pub state: String,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub legal_due_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub apology_at: Option<i64>,
    pub supplement_count: i64,
}

pub async fn file_facts(conn: &mut Conn, tenant_id: i64) -> Result<Vec<FileFactsRow>> {
    Ok(sqlx::query_as(
        "SELECT id, field_id, procedure_id, channel, state, received_at, due_at, legal_due_at, finished_at,
                ended_at, apology_at, supplement_count
         FROM files WHERE tenant_id = $1 ORDER BY id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// (id, code, name) of every procedure of a tenant, to label report rows.
pub async fn procedure_labels(
    conn: &mut Conn,
    tenant_id: i64,
) -> Result<Vec<(i64, String, String)>> {
    Ok(
        sqlx::query_as("SELECT id, code, name FROM procedures WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(conn)
            .await?,
    )
}

/// (id, code, name) of every field of a tenant.
pub async fn field_labels(conn: &mut Conn, tenant_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(
        sqlx::query_as("SELECT id, code, name FROM fields WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Unit ids of a file, for tests of per-unit counting.
pub async fn file_unit_ids(conn: &mut Conn, tenant_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT file_id, unit_id FROM file_units WHERE tenant_id = $1 ORDER BY file_id, unit_id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}
