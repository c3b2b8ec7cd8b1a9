//! Dialogue conferences (hội nghị đối thoại): the plan, citizens' questions with their answers,
//! follow-up tasks, the minutes (migration 0014). The askers' name and contact are only read by
//! [`questions_with_askers`]; the public reads never select them.

use crate::{Conn, Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DialogueRow {
    pub id: i64,
    pub unit_id: i64,
    pub topic: String,
    pub leader: String,
    pub held_on: String,
    pub fields_json: String,
    pub state: String,
    pub minutes: Option<String>,
    pub published_at: Option<i64>,
    pub unit_name: String,
    pub unit_path: String,
}

macro_rules! dialogue_select {
    () => {
        "SELECT d.id, d.unit_id, d.topic, d.leader, d.held_on, d.fields_json, d.state, d.minutes,
                d.published_at, u.name AS unit_name, u.path AS unit_path
         FROM dialogues d JOIN units u ON u.tenant_id = d.tenant_id AND u.id = d.unit_id"
    };
}

pub struct NewDialogue<'a> {
    pub unit_id: i64,
    pub topic: &'a str,
    pub leader: &'a str,
    pub held_on: &'a str,
    pub fields_json: &'a str,
    pub created_by: i64,
}

pub async fn insert(conn: &mut Conn, tenant_id: i64, d: &NewDialogue<'_>, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO dialogues (tenant_id, unit_id, topic, leader, held_on, fields_json, state,
             created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8) RETURNING id",
    )
    .bind(tenant_id)
    .bind(d.unit_id)
    .bind(d.topic)
    .bind(d.leader)
    .bind(d.held_on)
    .bind(d.fields_json)
    .bind(d.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<DialogueRow>> {
    Ok(sqlx::query_as(concat!(
        dialogue_select!(),
        " WHERE d.tenant_id = $1 AND d.id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The latest conferences of the tenant (the caller keeps those in scope).
pub async fn list(conn: &mut Conn, tenant_id: i64) -> Result<Vec<DialogueRow>> {
    Ok(sqlx::query_as(concat!(
        dialogue_select!(),
        " WHERE d.tenant_id = $1 ORDER BY d.held_on DESC, d.id DESC LIMIT 500"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// Conferences still taking questions (planned, on or after `today`) and published ones.
pub async fn public_list(conn: &mut Conn, tenant_id: i64, today: &str) -> Result<Vec<DialogueRow>> {
    Ok(sqlx::query_as(concat!(
        dialogue_select!(),
        " WHERE d.tenant_id = $1 AND (d.state = 'published' OR (d.state = 'planned' AND d.held_on >= $2))
         ORDER BY d.held_on DESC, d.id DESC LIMIT 100"
    ))
    .bind(tenant_id)
    .bind(today)
    .fetch_all(conn)
    .await?)
}

/// Publishes the minutes of a conference still planned.
pub async fn publish(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    minutes: &str,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE dialogues SET state = 'published', minutes = $1, published_at = $2
         WHERE tenant_id = $3 AND id = $4 AND state = 'planned'",
    )
    .bind(minutes)
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

pub async fn insert_question(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
    question: &str,
    asker_name: Option<&str>,
    asker_contact: Option<&str>,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO dialogue_questions (tenant_id, dialogue_id, question, asker_name, asker_contact,
             submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .bind(question)
    .bind(asker_name)
    .bind(asker_contact)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A question as staff see it, with who asked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub question: String,
    pub asker_name: Option<String>,
    pub asker_contact: Option<String>,
    pub submitted_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

pub async fn questions_with_askers(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
) -> Result<Vec<QuestionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, question, asker_name, asker_contact, submitted_at, answer, answered_at
         FROM dialogue_questions WHERE tenant_id = $1 AND dialogue_id = $2 ORDER BY id",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .fetch_all(conn)
    .await?)
}

/// Answered questions of a conference: the question and the answer only.
pub async fn answered_questions(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, question, answer FROM dialogue_questions
         WHERE tenant_id = $1 AND dialogue_id = $2 AND answer IS NOT NULL ORDER BY id",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .fetch_all(conn)
    .await?)
}

/// Records (or replaces) the answer; returns the previous one.
pub async fn answer_question(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
    question_id: i64,
    answer: &str,
    by: i64,
    now: i64,
) -> Result<Option<String>> {
    let before: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT answer FROM dialogue_questions WHERE tenant_id = $1 AND dialogue_id = $2 AND id = $3",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .bind(question_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((before,)) = before else {
        return Err(StoreError::NotFound);
    };
    sqlx::query(
        "UPDATE dialogue_questions SET answer = $1, answered_by = $2, answered_at = $3
         WHERE tenant_id = $4 AND dialogue_id = $5 AND id = $6",
    )
    .bind(answer)
    .bind(by)
    .bind(now)
    .bind(tenant_id)
    .bind(dialogue_id)
    .bind(question_id)
    .execute(conn)
    .await?;
    Ok(before)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub question_id: Option<i64>,
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub done: i64,
    pub done_at: Option<i64>,
}

pub struct NewTask<'a> {
    pub question_id: Option<i64>,
    pub title: &'a str,
    pub owner: &'a str,
    pub due_on: &'a str,
}

pub async fn insert_task(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
    t: &NewTask<'_>,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO dialogue_tasks (tenant_id, dialogue_id, question_id, title, owner, due_on, done,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .bind(t.question_id)
    .bind(t.title)
    .bind(t.owner)
    .bind(t.due_on)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn tasks(conn: &mut Conn, tenant_id: i64, dialogue_id: i64) -> Result<Vec<TaskRow>> {
    Ok(sqlx::query_as(
        "SELECT id, question_id, title, owner, due_on, done, done_at FROM dialogue_tasks
         WHERE tenant_id = $1 AND dialogue_id = $2 ORDER BY due_on, id",
    )
    .bind(tenant_id)
    .bind(dialogue_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_task_done(
    conn: &mut Conn,
    tenant_id: i64,
    dialogue_id: i64,
    task_id: i64,
    done: bool,
    now: i64,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE dialogue_tasks SET done = $1, done_at = $2
         WHERE tenant_id = $3 AND dialogue_id = $4 AND id = $5",
    )
    .bind(i64::from(done))
    .bind(done.then_some(now))
    .bind(tenant_id)
    .bind(dialogue_id)
    .bind(task_id)
    .execute(conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes the askers' name and contact from questions submitted before `before` (retention);
/// the questions and answers stay. Returns how many questions were changed.
pub async fn erase_askers_before(conn: &mut Conn, tenant_id: i64, before: i64) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE dialogue_questions SET asker_name = NULL, asker_contact = NULL
         WHERE tenant_id = $1 AND submitted_at < $2
           AND (asker_name IS NOT NULL OR asker_contact IS NOT NULL)",
    )
    .bind(tenant_id)
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
