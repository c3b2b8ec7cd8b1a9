//! Feedback and petitions (phản ánh, kiến nghị): the row beside the workflow record, its
//! history, codes, queues, the public list of answers and on-time counts.

use crate::{Conn, Result, StoreError};

/// Takes the next running number for feedback codes of local `day` (`YYMMDD`), in the caller's
/// transaction (held until commit: never twice, no gap on rollback).
pub async fn next_code_seq(conn: &mut Conn, tenant_id: i64, day: &str) -> Result<i64> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO feedback_code_sequences (tenant_id, day, last_seq) VALUES ($1, $2, 1)
         ON CONFLICT (tenant_id, day) DO UPDATE SET last_seq = feedback_code_sequences.last_seq + 1
         RETURNING last_seq",
    )
    .bind(tenant_id)
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

/// The tenant's secret called `name`, if it was made already.
pub async fn find_tenant_secret(
    conn: &mut Conn,
    tenant_id: i64,
    name: &str,
) -> Result<Option<String>> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT secret FROM tenant_secrets WHERE tenant_id = $1 AND name = $2")
            .bind(tenant_id)
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(found.map(|r| r.0))
}

/// The tenant's secret called `name`, stored as `candidate` if there was none yet (so every
/// instance agrees on it).
pub async fn tenant_secret(
    conn: &mut Conn,
    tenant_id: i64,
    name: &str,
    candidate: &str,
    now: i64,
) -> Result<String> {
    sqlx::query(
        "INSERT INTO tenant_secrets (tenant_id, name, secret, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, name) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(name)
    .bind(candidate)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    find_tenant_secret(conn, tenant_id, name)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A feedback item's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRow {
    pub id: i64,
    pub code: String,
    pub secret_hash: String,
    pub channel: String,
    pub subject: String,
    pub subject_ref: Option<String>,
    pub title: String,
    pub content: String,
    pub info_request: Option<String>,
    pub extra_info: Option<String>,
    pub reject_reason: Option<String>,
    pub answer: Option<String>,
    pub public_question: Option<String>,
    pub sender_name: Option<String>,
    pub sender_phone: Option<String>,
    pub sender_email: Option<String>,
    pub sender_address: Option<String>,
    pub sender_user_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub state: String,
    pub receiving_unit_id: i64,
    pub handling_unit_id: Option<i64>,
    pub current_unit_id: i64,
    pub received_at: i64,
    pub due_at: Option<i64>,
    pub published_at: Option<i64>,
    pub satisfied: Option<i64>,
    pub personal_data_erased_at: Option<i64>,
    pub record_json: String,
    pub version: i64,
}

macro_rules! feedback_columns {
    () => {
        "id, code, secret_hash, channel, subject, subject_ref, title, content, info_request, extra_info,
         reject_reason, answer, public_question, sender_name, sender_phone, sender_email, sender_address,
         sender_user_id, recorded_by, state, receiving_unit_id, handling_unit_id, current_unit_id,
         received_at, due_at, published_at, satisfied, personal_data_erased_at, record_json, version"
    };
}

/// What is fixed when an item is received.
pub struct NewFeedback<'a> {
    pub code: &'a str,
    pub secret_hash: &'a str,
    pub channel: &'a str,
    pub subject: &'a str,
    pub subject_ref: Option<&'a str>,
    pub title: &'a str,
    pub content: &'a str,
    pub sender_name: Option<&'a str>,
    pub sender_phone: Option<&'a str>,
    pub sender_email: Option<&'a str>,
    pub sender_address: Option<&'a str>,
    pub sender_user_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub receiving_unit_id: i64,
}

/// Columns that follow the workflow record.
pub struct FeedbackState<'a> {
    pub state: &'a str,
    pub handling_unit_id: Option<i64>,
    pub current_unit_id: i64,
    pub received_at: i64,
    pub due_at: Option<i64>,
    pub published_at: Option<i64>,
    pub satisfied: Option<i64>,
    pub record_json: &'a str,
    pub version: i64,
}

pub async fn insert(
    conn: &mut Conn,
    tenant_id: i64,
    new: &NewFeedback<'_>,
    s: &FeedbackState<'_>,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO feedback (tenant_id, code, secret_hash, channel, subject, subject_ref, title, content,
             sender_name, sender_phone, sender_email, sender_address, sender_user_id, recorded_by,
             receiving_unit_id, state, handling_unit_id, current_unit_id, received_at, due_at, published_at,
             satisfied, record_json, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                 $21, $22, $23, $24, $25, $25)
         RETURNING id",
    )
    .bind(tenant_id)
    .bind(new.code)
    .bind(new.secret_hash)
    .bind(new.channel)
    .bind(new.subject)
    .bind(new.subject_ref)
    .bind(new.title)
    .bind(new.content)
    .bind(new.sender_name)
    .bind(new.sender_phone)
    .bind(new.sender_email)
    .bind(new.sender_address)
    .bind(new.sender_user_id)
    .bind(new.recorded_by)
    .bind(new.receiving_unit_id)
    .bind(s.state)
    .bind(s.handling_unit_id)
    .bind(s.current_unit_id)
    .bind(s.received_at)
    .bind(s.due_at)
    .bind(s.published_at)
    .bind(s.satisfied)
    .bind(s.record_json)
    .bind(s.version)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Texts an action adds; `None` leaves the column as it is.
#[derive(Default)]
pub struct FeedbackTexts<'a> {
    pub info_request: Option<&'a str>,
    pub extra_info: Option<&'a str>,
    pub reject_reason: Option<&'a str>,
    pub answer: Option<&'a str>,
    pub public_question: Option<&'a str>,
    pub public_title: Option<&'a str>,
}

/// Writes the new state if the row is still at `expected_version`.
pub async fn update(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    expected_version: i64,
    s: &FeedbackState<'_>,
    t: &FeedbackTexts<'_>,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE feedback SET state = $1, handling_unit_id = $2, current_unit_id = $3, due_at = $4,
             published_at = $5, satisfied = $6, record_json = $7, version = $8, updated_at = $9,
             info_request = COALESCE($10, info_request), extra_info = COALESCE($11, extra_info),
             reject_reason = COALESCE($12, reject_reason), answer = COALESCE($13, answer),
             public_question = COALESCE($14, public_question),
             public_title = COALESCE($18, public_title)
         WHERE tenant_id = $15 AND id = $16 AND version = $17",
    )
    .bind(s.state)
    .bind(s.handling_unit_id)
    .bind(s.current_unit_id)
    .bind(s.due_at)
    .bind(s.published_at)
    .bind(s.satisfied)
    .bind(s.record_json)
    .bind(s.version)
    .bind(now)
    .bind(t.info_request)
    .bind(t.extra_info)
    .bind(t.reject_reason)
    .bind(t.answer)
    .bind(t.public_question)
    .bind(tenant_id)
    .bind(id)
    .bind(expected_version)
    .bind(t.public_title)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<FeedbackRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        feedback_columns!(),
        " FROM feedback WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_code(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Option<FeedbackRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        feedback_columns!(),
        " FROM feedback WHERE tenant_id = $1 AND code = $2"
    ))
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

/// One entry of an item's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackEventRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    pub step: Option<String>,
    pub unit_id: Option<i64>,
    pub due_at: Option<i64>,
    pub on_time: Option<i64>,
}

/// Appends to an item's history (the next sequence number).
pub async fn insert_event(
    conn: &mut Conn,
    tenant_id: i64,
    feedback_id: i64,
    e: &FeedbackEventRow,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO feedback_events (tenant_id, feedback_id, seq, at, actor_id, kind, from_state, to_state,
             note, step, unit_id, due_at, on_time)
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM feedback_events WHERE tenant_id = $1 AND feedback_id = $2),
                 $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(tenant_id)
    .bind(feedback_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(&e.kind)
    .bind(&e.from_state)
    .bind(&e.to_state)
    .bind(&e.note)
    .bind(&e.step)
    .bind(e.unit_id)
    .bind(e.due_at)
    .bind(e.on_time)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events(
    conn: &mut Conn,
    tenant_id: i64,
    feedback_id: i64,
) -> Result<Vec<FeedbackEventRow>> {
    Ok(sqlx::query_as(
        "SELECT seq, at, actor_id, kind, from_state, to_state, note, step, unit_id, due_at, on_time
         FROM feedback_events WHERE tenant_id = $1 AND feedback_id = $2 ORDER BY seq",
    )
    .bind(tenant_id)
    .bind(feedback_id)
    .fetch_all(conn)
    .await?)
}

/// A work-list row: no personal data.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub code: String,
    pub subject: String,
    pub title: String,
    pub channel: String,
    pub state: String,
    pub current_unit_id: i64,
    pub unit_name: String,
    pub received_at: i64,
    pub due_at: Option<i64>,
}

/// Which items a work list shows.
pub struct QueueFilter<'a> {
    /// Units whose path equals this (or starts with it, with `subunits`).
    pub unit_path: &'a str,
    pub subunits: bool,
    /// Only unfinished items.
    pub open_only: bool,
    /// Only items due before this instant (overdue or due soon).
    pub due_before: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Items currently at a unit (and its sub-units), most urgent first.
pub async fn queue(conn: &mut Conn, tenant_id: i64, f: &QueueFilter<'_>) -> Result<Vec<QueueRow>> {
    let pattern = if f.subunits {
        format!("{}%", f.unit_path)
    } else {
        f.unit_path.to_owned()
    };
    Ok(sqlx::query_as(
        "SELECT f.id, f.code, f.subject, f.title, f.channel, f.state, f.current_unit_id, u.name AS unit_name,
                f.received_at, f.due_at
         FROM feedback f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         WHERE f.tenant_id = $1 AND u.path LIKE $2
           AND ($3 = 0 OR f.state NOT IN ('rejected', 'published', 'closed'))
           AND ($4 = 0 OR (f.due_at IS NOT NULL AND f.due_at <= $5))
         ORDER BY CASE WHEN f.due_at IS NULL THEN 1 ELSE 0 END, f.due_at, f.id DESC
         LIMIT $6 OFFSET $7",
    )
    .bind(tenant_id)
    .bind(pattern)
    .bind(i64::from(f.open_only))
    .bind(i64::from(f.due_before.is_some()))
    .bind(f.due_before.unwrap_or(0))
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(conn)
    .await?)
}

/// Items a signed-in citizen sent.
pub async fn of_sender(conn: &mut Conn, tenant_id: i64, user_id: i64) -> Result<Vec<QueueRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.code, f.subject, f.title, f.channel, f.state, f.current_unit_id, u.name AS unit_name,
                f.received_at, f.due_at
         FROM feedback f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         WHERE f.tenant_id = $1 AND f.sender_user_id = $2
         ORDER BY f.received_at DESC, f.id DESC LIMIT 200",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// A published answer. Selects no personal data on purpose: the sender's columns are not read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublishedRow {
    pub code: String,
    pub subject: String,
    pub title: String,
    pub question: String,
    pub answer: String,
    pub unit_name: String,
    pub received_at: i64,
    pub published_at: i64,
}

pub async fn published(
    conn: &mut Conn,
    tenant_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<PublishedRow>> {
    Ok(sqlx::query_as(
        "SELECT f.code, f.subject, COALESCE(f.public_title, f.title) AS title,
                COALESCE(f.public_question, f.content) AS question,
                COALESCE(f.answer, '') AS answer, u.name AS unit_name, f.received_at, f.published_at
         FROM feedback f JOIN units u ON u.tenant_id = f.tenant_id
              AND u.id = COALESCE(f.handling_unit_id, f.receiving_unit_id)
         WHERE f.tenant_id = $1 AND f.published_at IS NOT NULL AND f.state IN ('published', 'closed')
         ORDER BY f.published_at DESC, f.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(tenant_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// Steps finished in a period, per unit and step: how many, how many on time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StepCount {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub step: String,
    pub total: i64,
    pub on_time: i64,
}

pub async fn step_counts(
    conn: &mut Conn,
    tenant_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<StepCount>> {
    Ok(sqlx::query_as(
        "SELECT e.unit_id, u.name AS unit_name, u.path AS unit_path, e.step, COUNT(*) AS total,
                COALESCE(CAST(SUM(e.on_time) AS BIGINT), 0) AS on_time
         FROM feedback_events e JOIN units u ON u.tenant_id = e.tenant_id AND u.id = e.unit_id
         WHERE e.tenant_id = $1 AND e.step IS NOT NULL AND e.at >= $2 AND e.at < $3
         GROUP BY e.unit_id, u.name, u.path, e.step
         ORDER BY u.path, e.step",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Open items per unit now: how many, how many past their deadline.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenCount {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub open: i64,
    pub overdue: i64,
}

pub async fn open_counts(conn: &mut Conn, tenant_id: i64, now: i64) -> Result<Vec<OpenCount>> {
    Ok(sqlx::query_as(
        "SELECT f.current_unit_id AS unit_id, u.name AS unit_name, u.path AS unit_path, COUNT(*) AS open,
                COALESCE(CAST(SUM(CASE WHEN f.due_at IS NOT NULL AND f.due_at < $2 THEN 1 ELSE 0 END) AS BIGINT), 0) AS overdue
         FROM feedback f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         WHERE f.tenant_id = $1 AND f.state NOT IN ('rejected', 'published', 'closed')
         GROUP BY f.current_unit_id, u.name, u.path
         ORDER BY u.path",
    )
    .bind(tenant_id)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Removes the sender's personal data from an item (on request, or when retention ends).
pub async fn erase_personal_data(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE feedback SET sender_name = NULL, sender_phone = NULL, sender_email = NULL,
             sender_address = NULL, personal_data_erased_at = $3, updated_at = $3
         WHERE tenant_id = $1 AND id = $2 AND personal_data_erased_at IS NULL",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Finished items received before `before` that still hold personal data.
pub async fn past_retention(
    conn: &mut Conn,
    tenant_id: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM feedback
         WHERE tenant_id = $1 AND received_at < $2 AND personal_data_erased_at IS NULL
           AND state IN ('rejected', 'published', 'closed')
         ORDER BY id LIMIT $3",
    )
    .bind(tenant_id)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// How many items the tenant has.
pub async fn count(conn: &mut Conn, tenant_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM feedback WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Rate-limit counters for anonymous submissions and lookups reuse `login_failures`
/// (hashed subject + instant), so every instance sees the same counts.
pub async fn count_since(
    conn: &mut Conn,
    tenant_id: i64,
    subject: &str,
    since: i64,
) -> Result<i64> {
    crate::sessions::login_failures_since(conn, tenant_id, subject, since).await
}
