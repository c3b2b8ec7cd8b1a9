//! Administrative-reform index: criteria sets, unit assessments, evidence, and the one figure
//! the handling report does not give (applicants' evaluation points).

use crate::{Conn, Result, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SetRow {
    pub id: i64,
    pub year: i64,
    pub unit_kind: String,
    pub name: String,
    pub definition_json: String,
    pub self_deadline: String,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

const SET_COLUMNS: &str =
    "id, year, unit_kind, name, definition_json, self_deadline, published_at, created_at";

pub struct NewSet<'a> {
    pub year: i64,
    pub unit_kind: &'a str,
    pub name: &'a str,
    pub definition_json: &'a str,
    pub self_deadline: &'a str,
}

pub async fn insert_set(conn: &mut Conn, tenant_id: i64, s: NewSet<'_>, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reform_sets (tenant_id, year, unit_kind, name, definition_json, self_deadline, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(s.year)
    .bind(s.unit_kind)
    .bind(s.name)
    .bind(s.definition_json)
    .bind(s.self_deadline)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn sets(conn: &mut Conn, tenant_id: i64) -> Result<Vec<SetRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} FROM reform_sets WHERE tenant_id = $1 ORDER BY year DESC, unit_kind"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<SetRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} FROM reform_sets WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_by_year(
    conn: &mut Conn,
    tenant_id: i64,
    year: i64,
    unit_kind: &str,
) -> Result<Option<SetRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} FROM reform_sets WHERE tenant_id = $1 AND year = $2 AND unit_kind = $3"
    ))
    .bind(tenant_id)
    .bind(year)
    .bind(unit_kind)
    .fetch_optional(conn)
    .await?)
}

pub async fn publish_set(conn: &mut Conn, tenant_id: i64, id: i64, at: i64) -> Result<()> {
    let done =
        sqlx::query("UPDATE reform_sets SET published_at = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(at)
            .bind(tenant_id)
            .bind(id)
            .execute(conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AssessmentRow {
    pub id: i64,
    pub set_id: i64,
    pub unit_id: i64,
    pub stage: String,
    pub entries_json: String,
    pub version: i64,
    pub updated_at: i64,
}

const ASSESSMENT_COLUMNS: &str = "id, set_id, unit_id, stage, entries_json, version, updated_at";

pub async fn assessment(
    conn: &mut Conn,
    tenant_id: i64,
    set_id: i64,
    unit_id: i64,
) -> Result<Option<AssessmentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM reform_assessments
         WHERE tenant_id = $1 AND set_id = $2 AND unit_id = $3"
    ))
    .bind(tenant_id)
    .bind(set_id)
    .bind(unit_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn assessments(
    conn: &mut Conn,
    tenant_id: i64,
    set_id: i64,
) -> Result<Vec<AssessmentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM reform_assessments
         WHERE tenant_id = $1 AND set_id = $2 ORDER BY unit_id"
    ))
    .bind(tenant_id)
    .bind(set_id)
    .fetch_all(conn)
    .await?)
}

/// Creates the assessment, or does nothing if it exists; returns it.
pub async fn ensure_assessment(
    conn: &mut Conn,
    tenant_id: i64,
    set_id: i64,
    unit_id: i64,
    empty_json: &str,
    now: i64,
) -> Result<AssessmentRow> {
    sqlx::query(
        "INSERT INTO reform_assessments (tenant_id, set_id, unit_id, stage, entries_json, version, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, 0, $5)
         ON CONFLICT (tenant_id, set_id, unit_id) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(set_id)
    .bind(unit_id)
    .bind(empty_json)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    assessment(conn, tenant_id, set_id, unit_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Saves a changed assessment if nobody changed it since `version` was read.
pub async fn save_assessment(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    version: i64,
    stage: &str,
    entries_json: &str,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE reform_assessments SET stage = $1, entries_json = $2, version = version + 1, updated_at = $3
         WHERE tenant_id = $4 AND id = $5 AND version = $6",
    )
    .bind(stage)
    .bind(entries_json)
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EvidenceRow {
    pub id: i64,
    pub assessment_id: i64,
    pub criterion_code: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: i64,
}

const EVIDENCE_COLUMNS: &str = "id, assessment_id, criterion_code, name, content_type, size_bytes, sha256, uploaded_by, uploaded_at";

pub async fn insert_evidence(conn: &mut Conn, tenant_id: i64, e: &EvidenceRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reform_evidence (tenant_id, assessment_id, criterion_code, name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(tenant_id)
    .bind(e.assessment_id)
    .bind(&e.criterion_code)
    .bind(&e.name)
    .bind(&e.content_type)
    .bind(e.size_bytes)
    .bind(&e.sha256)
    .bind(e.uploaded_by)
    .bind(e.uploaded_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn evidence(
    conn: &mut Conn,
    tenant_id: i64,
    assessment_id: i64,
) -> Result<Vec<EvidenceRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM reform_evidence
         WHERE tenant_id = $1 AND assessment_id = $2 ORDER BY id"
    ))
    .bind(tenant_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?)
}

pub async fn evidence_one(
    conn: &mut Conn,
    tenant_id: i64,
    assessment_id: i64,
    id: i64,
) -> Result<Option<EvidenceRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM reform_evidence
         WHERE tenant_id = $1 AND assessment_id = $2 AND id = $3"
    ))
    .bind(tenant_id)
    .bind(assessment_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Points given and points possible in applicants' evaluations of files the unit handled,
/// rated in `[start, end)`.
pub async fn evaluation_points(
    conn: &mut Conn,
    tenant_id: i64,
    unit_id: i64,
    start: i64,
    end: i64,
) -> Result<(i64, i64)> {
    let (given, possible): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(e.total) AS BIGINT), CAST(SUM(e.scored_max) AS BIGINT)
         FROM file_evaluations e
         JOIN file_units fu ON fu.tenant_id = e.tenant_id AND fu.file_id = e.file_id
         WHERE e.tenant_id = $1 AND fu.unit_id = $2 AND e.rated_at >= $3 AND e.rated_at < $4",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .bind(start)
    .bind(end)
    .fetch_one(conn)
    .await?;
    Ok((given.unwrap_or(0), possible.unwrap_or(0)))
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub year: i64,
    pub unit_id: i64,
    pub title: String,
    pub owner_name: String,
    pub due_date: String,
    pub progress: i64,
    pub progress_note: String,
    pub version: i64,
    pub updated_at: i64,
}

const TASK_COLUMNS: &str =
    "id, year, unit_id, title, owner_name, due_date, progress, progress_note, version, updated_at";

pub async fn insert_task(conn: &mut Conn, tenant_id: i64, t: &TaskRow, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reform_plan_tasks (tenant_id, year, unit_id, title, owner_name, due_date, progress, progress_note, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9) RETURNING id",
    )
    .bind(tenant_id)
    .bind(t.year)
    .bind(t.unit_id)
    .bind(&t.title)
    .bind(&t.owner_name)
    .bind(&t.due_date)
    .bind(t.progress)
    .bind(&t.progress_note)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn task(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<TaskRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TASK_COLUMNS} FROM reform_plan_tasks WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn tasks(conn: &mut Conn, tenant_id: i64, year: i64) -> Result<Vec<TaskRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TASK_COLUMNS} FROM reform_plan_tasks WHERE tenant_id = $1 AND year = $2
         ORDER BY due_date, id"
    ))
    .bind(tenant_id)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

pub async fn update_task_progress(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    version: i64,
    progress: i64,
    note: &str,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE reform_plan_tasks SET progress = $1, progress_note = $2, version = version + 1, updated_at = $3
         WHERE tenant_id = $4 AND id = $5 AND version = $6",
    )
    .bind(progress)
    .bind(note)
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct InspectionRow {
    pub id: i64,
    pub unit_id: i64,
    pub inspected_on: String,
    pub findings: String,
    pub follow_up: String,
    pub follow_up_due: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
}

pub async fn insert_inspection(conn: &mut Conn, tenant_id: i64, i: &InspectionRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reform_inspections (tenant_id, unit_id, inspected_on, findings, follow_up, follow_up_due, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(tenant_id)
    .bind(i.unit_id)
    .bind(&i.inspected_on)
    .bind(&i.findings)
    .bind(&i.follow_up)
    .bind(&i.follow_up_due)
    .bind(i.created_by)
    .bind(i.created_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn inspections(
    conn: &mut Conn,
    tenant_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<InspectionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, unit_id, inspected_on, findings, follow_up, follow_up_due, created_by, created_at
         FROM reform_inspections WHERE tenant_id = $1 AND inspected_on >= $2 AND inspected_on <= $3
         ORDER BY inspected_on DESC, id DESC",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}
