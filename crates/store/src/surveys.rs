//! Survey campaigns and their anonymous responses (migration 0014).

use crate::{Conn, Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SurveyRow {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub questionnaire_json: String,
    pub opens_on: String,
    pub closes_on: String,
    pub state: String,
    pub created_by: i64,
    pub created_at: i64,
    pub published_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub version: i64,
}

macro_rules! survey_columns {
    () => {
        "id, unit_id, title, questionnaire_json, opens_on, closes_on, state, created_by, created_at,
         published_at, closed_at, version"
    };
}

pub struct NewSurvey<'a> {
    pub unit_id: i64,
    pub title: &'a str,
    pub questionnaire_json: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub created_by: i64,
}

pub async fn insert(conn: &mut Conn, tenant_id: i64, s: &NewSurvey<'_>, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO surveys (tenant_id, unit_id, title, questionnaire_json, opens_on, closes_on, state,
             created_by, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, 0) RETURNING id",
    )
    .bind(tenant_id)
    .bind(s.unit_id)
    .bind(s.title)
    .bind(s.questionnaire_json)
    .bind(s.opens_on)
    .bind(s.closes_on)
    .bind(s.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<SurveyRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        survey_columns!(),
        " FROM surveys WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The latest surveys of the tenant with their unit's path (the caller keeps those in scope).
pub async fn list(conn: &mut Conn, tenant_id: i64) -> Result<Vec<(SurveyRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        s: SurveyRow,
        path: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.unit_id, s.title, s.questionnaire_json, s.opens_on, s.closes_on, s.state,
                s.created_by, s.created_at, s.published_at, s.closed_at, s.version, u.path
         FROM surveys s JOIN units u ON u.tenant_id = s.tenant_id AND u.id = s.unit_id
         WHERE s.tenant_id = $1 ORDER BY s.id DESC LIMIT 500",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.s, r.path)).collect())
}

/// Moves a survey to `state` if it is still at `version`.
pub async fn set_state(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    version: i64,
    state: &str,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE surveys SET state = $1, version = version + 1,
             published_at = CASE WHEN $1 = 'published' THEN $2 ELSE published_at END,
             closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END
         WHERE tenant_id = $3 AND id = $4 AND version = $5",
    )
    .bind(state)
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

pub async fn insert_response(
    conn: &mut Conn,
    tenant_id: i64,
    survey_id: i64,
    answers_json: &str,
    received_on: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO survey_responses (tenant_id, survey_id, answers_json, received_on)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant_id)
    .bind(survey_id)
    .bind(answers_json)
    .bind(received_on)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The answers of every response, oldest first.
pub async fn responses(conn: &mut Conn, tenant_id: i64, survey_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT answers_json FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2 ORDER BY id",
    )
    .bind(tenant_id)
    .bind(survey_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}
