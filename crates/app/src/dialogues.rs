//! Dialogue conferences (hội nghị đối thoại) between a unit's leader and citizens: the plan,
//! questions sent beforehand on the portal (check question + rate limit; contact optional and
//! never published), answers, follow-up tasks and the published minutes. The public reads
//! select only the question and the answer.

use crate::audit::{self, Change};
use crate::auth::{normalise_phone, valid_email};
use crate::calendar::utc7;
use crate::feedback::ChallengeAnswer;
use crate::{Actor, App, AppError, Result, public_form};
use jiff::civil::Date;
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_domain::permission::Action;
use motcua_store::dialogues::{self as store, DialogueRow, NewDialogue, NewTask};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};

pub const MAX_TEXT_CHARS: usize = 5000;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDialogueInput {
    /// The unit that holds the conference.
    pub unit_code: String,
    pub topic: String,
    /// Who chairs it (e.g. "Chủ tịch UBND phường").
    pub leader: String,
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    /// Fields discussed (lĩnh vực), e.g. "Đất đai".
    #[serde(default)]
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DialogueSummary {
    pub id: i64,
    pub unit_name: String,
    pub topic: String,
    pub leader: String,
    pub held_on: String,
    pub fields: Vec<String>,
    /// `planned` or `published`.
    pub state: String,
    pub state_label: String,
    /// Citizens may still send questions.
    pub taking_questions: bool,
}

/// A question as staff see it, with the asker's details.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DialogueQuestionView {
    pub id: i64,
    pub question: String,
    pub asker_name: Option<String>,
    pub asker_contact: Option<String>,
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DialogueTask {
    pub id: i64,
    pub question_id: Option<i64>,
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub done: bool,
}

/// A conference for the staff of its unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DialogueView {
    pub dialogue: DialogueSummary,
    pub minutes: Option<String>,
    pub questions: Vec<DialogueQuestionView>,
    pub tasks: Vec<DialogueTask>,
}

/// An answered question as published: no asker.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDialogueAnswer {
    pub question: String,
    pub answer: String,
}

/// A conference on the portal: still taking questions, or with its minutes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDialogue {
    pub dialogue: DialogueSummary,
    pub minutes: Option<String>,
    pub answered: Vec<PublicDialogueAnswer>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueQuestionInput {
    pub question: String,
    /// Optional; never published.
    pub name: Option<String>,
    /// A phone number or e-mail address to be told the answer; optional, never published.
    pub contact: Option<String>,
    /// The check question of `GET /api/v1/feedback/challenge`, answered.
    pub challenge: Option<ChallengeAnswer>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DialogueQuestionReceipt {
    pub id: i64,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueTaskInput {
    pub title: String,
    /// Who does it (a unit or a person's title).
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// The question it follows up, if any.
    pub question_id: Option<i64>,
}

fn today(app: &App) -> String {
    app.now().to_zoned(utc7()).date().to_string()
}

fn summary(row: &DialogueRow, today: &str) -> DialogueSummary {
    let published = row.state == "published";
    DialogueSummary {
        id: row.id,
        unit_name: row.unit_name.clone(),
        topic: row.topic.clone(),
        leader: row.leader.clone(),
        held_on: row.held_on.clone(),
        fields: serde_json::from_str(&row.fields_json).unwrap_or_default(),
        state: row.state.clone(),
        state_label: if published {
            "Đã công khai biên bản".into()
        } else {
            "Đã lên kế hoạch".into()
        },
        taking_questions: !published && row.held_on.as_str() >= today,
    }
}

fn rule(code: &'static str, message: &str, message_vi: &str) -> AppError {
    AppError::Rule {
        code,
        message: message.into(),
        message_vi: message_vi.into(),
        conflict: true,
    }
}

/// A conference of a unit the actor manages; another unit's is 404.
async fn managed(conn: &mut Conn, actor: &Actor, id: i64) -> Result<DialogueRow> {
    actor.require(Action::ManageDialogues)?;
    let row = store::by_id(conn, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("dialogue"))?;
    actor
        .require_at(Action::ManageDialogues, &row.unit_path)
        .map_err(|_| AppError::NotFound("dialogue"))?;
    Ok(row)
}

fn still_planned(row: &DialogueRow) -> Result<()> {
    if row.state == "published" {
        return Err(rule(
            "dialogue.published",
            "the minutes are published; the conference can no longer change",
            "Biên bản hội nghị đã được công khai; không thể thay đổi thêm.",
        ));
    }
    Ok(())
}

fn check(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool, max: usize) {
    check_text(errors, field, value, required, max);
}

/// Plans a conference at a unit in the actor's scope.
pub async fn plan(app: &App, actor: &Actor, input: NewDialogueInput) -> Result<DialogueView> {
    actor.require(Action::ManageDialogues)?;
    let mut errors = Vec::new();
    check(&mut errors, "topic", &input.topic, true, 500);
    check(&mut errors, "leader", &input.leader, true, 200);
    if input.fields.len() > 20 {
        errors.push(FieldError::new("fields", "at most 20 fields"));
    }
    for f in &input.fields {
        check(&mut errors, "fields", f, true, 200);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let fields: Vec<&str> = input.fields.iter().map(|f| f.trim()).collect();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let unit =
        crate::surveys::unit_or_root(&mut tx, actor.tenant_id, Some(&input.unit_code)).await?;
    actor.require_at(Action::ManageDialogues, &unit.path)?;
    let fields_json =
        serde_json::to_string(&fields).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = store::insert(
        &mut tx,
        actor.tenant_id,
        &NewDialogue {
            unit_id: unit.id,
            topic: input.topic.trim(),
            leader: input.leader.trim(),
            held_on: &input.held_on.to_string(),
            fields_json: &fields_json,
            created_by: actor.user_id,
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "dialogue.planned",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "unit_id": unit.id, "topic": input.topic.trim(), "leader": input.leader.trim(),
                "held_on": input.held_on.to_string(), "fields": fields,
            })),
        },
    )
    .await?;
    let view = detail_on(&mut tx, app, actor, id).await?;
    commit(tx).await?;
    Ok(view)
}

async fn detail_on(conn: &mut Conn, app: &App, actor: &Actor, id: i64) -> Result<DialogueView> {
    let row = managed(conn, actor, id).await?;
    let questions = store::questions_with_askers(conn, actor.tenant_id, id)
        .await?
        .into_iter()
        .map(|q| DialogueQuestionView {
            id: q.id,
            question: q.question,
            asker_name: q.asker_name,
            asker_contact: q.asker_contact,
            answer: q.answer,
        })
        .collect();
    let tasks = store::tasks(conn, actor.tenant_id, id)
        .await?
        .into_iter()
        .map(|t| DialogueTask {
            id: t.id,
            question_id: t.question_id,
            title: t.title,
            owner: t.owner,
            due_on: t.due_on,
            done: t.done != 0,
        })
        .collect();
    Ok(DialogueView {
        dialogue: summary(&row, &today(app)),
        minutes: row.minutes,
        questions,
        tasks,
    })
}

/// A conference with the questions (and who asked) and tasks, for its unit's staff.
pub async fn detail(app: &App, actor: &Actor, id: i64) -> Result<DialogueView> {
    let mut conn = app.db.read_conn().await?;
    detail_on(&mut conn, app, actor, id).await
}

/// The conferences of the units the actor manages.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<DialogueSummary>> {
    actor.require(Action::ManageDialogues)?;
    let mut conn = app.db.read_conn().await?;
    let today = today(app);
    Ok(store::list(&mut conn, actor.tenant_id)
        .await?
        .iter()
        .filter(|r| {
            actor
                .require_at(Action::ManageDialogues, &r.unit_path)
                .is_ok()
        })
        .map(|r| summary(r, &today))
        .collect())
}

/// The portal's list: conferences taking questions and published minutes with the answers.
pub async fn public_list(app: &App, tenant_id: i64) -> Result<Vec<PublicDialogue>> {
    let mut conn = app.db.read_conn().await?;
    let today = today(app);
    let rows = store::public_list(&mut conn, tenant_id, &today).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let published = row.state == "published";
        let answered = if published {
            store::answered_questions(&mut conn, tenant_id, row.id)
                .await?
                .into_iter()
                .map(|(_, question, answer)| PublicDialogueAnswer { question, answer })
                .collect()
        } else {
            Vec::new()
        };
        out.push(PublicDialogue {
            dialogue: summary(&row, &today),
            minutes: if published { row.minutes.clone() } else { None },
            answered,
        });
    }
    Ok(out)
}

/// A citizen's question before the conference, from `client` (only hashed, for the limit).
pub async fn ask(
    app: &App,
    tenant_id: i64,
    client: &str,
    id: i64,
    input: DialogueQuestionInput,
) -> Result<DialogueQuestionReceipt> {
    let mut errors = Vec::new();
    check(
        &mut errors,
        "question",
        &input.question,
        true,
        MAX_TEXT_CHARS,
    );
    let name = input
        .name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    check(&mut errors, "asker.name", name.unwrap_or(""), false, 200);
    let contact = match input
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(c) if c.contains('@') => {
            let e = c.to_lowercase();
            if !valid_email(&e) || e.len() > 200 {
                errors.push(FieldError::new(
                    "asker.contact",
                    "not a phone number or e-mail address",
                ));
            }
            Some(e)
        }
        Some(c) => match normalise_phone(c) {
            Some(p) => Some(p),
            None => {
                errors.push(FieldError::new(
                    "asker.contact",
                    "not a phone number or e-mail address",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now_secs();
    let mut conn = app.db.read_conn().await?;
    let row = store::by_id(&mut conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("dialogue"))?;
    if !summary(&row, &today(app)).taking_questions {
        return Err(rule(
            "dialogue.closed",
            "the conference takes no more questions",
            "Hội nghị đối thoại này đã kết thúc nhận câu hỏi.",
        ));
    }
    let limits = &app.settings.feedback;
    let subject = public_form::subject("dialogue-addr", client);
    let window = limits.window_minutes.max(1) * 60;
    public_form::check_limit(
        &mut conn,
        tenant_id,
        &subject,
        limits.max_per_address,
        window,
        now,
    )
    .await?;
    drop(conn);
    let mut tx = app.db.begin().await?;
    let challenge = input
        .challenge
        .as_ref()
        .ok_or_else(|| AppError::invalid("challenge", "answer the check question"))?;
    crate::challenge::verify(app, &mut tx, tenant_id, &challenge.token, &challenge.answer).await?;
    let qid = store::insert_question(
        &mut tx,
        tenant_id,
        id,
        input.question.trim(),
        name,
        contact.as_deref(),
        now,
    )
    .await?;
    public_form::count_use(&mut tx, tenant_id, &subject, now).await?;
    // No personal data in the audit trail: only that a question came in.
    audit::record(
        &mut tx,
        tenant_id,
        None,
        now,
        Change {
            action: "dialogue.question_received",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "question_id": qid, "with_contact": contact.is_some() }),
            ),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(DialogueQuestionReceipt {
        id: qid,
        message: "Đã nhận câu hỏi của bạn. Câu hỏi sẽ được trả lời tại hội nghị đối thoại.".into(),
    })
}

/// Records the answer given to a question.
pub async fn answer(
    app: &App,
    actor: &Actor,
    id: i64,
    question_id: i64,
    text: &str,
) -> Result<DialogueView> {
    let mut errors = Vec::new();
    check(&mut errors, "answer", text, true, MAX_TEXT_CHARS);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let row = managed(&mut tx, actor, id).await?;
    still_planned(&row)?;
    let before = store::answer_question(
        &mut tx,
        actor.tenant_id,
        id,
        question_id,
        text.trim(),
        actor.user_id,
        now,
    )
    .await
    .map_err(|e| match e {
        motcua_store::StoreError::NotFound => AppError::NotFound("question"),
        other => other.into(),
    })?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "dialogue.answered",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "question_id": question_id, "answer": before })),
            after: Some(serde_json::json!({ "question_id": question_id, "answer": text.trim() })),
        },
    )
    .await?;
    let view = detail_on(&mut tx, app, actor, id).await?;
    commit(tx).await?;
    Ok(view)
}

/// Adds a follow-up task (owner, due date).
pub async fn add_task(
    app: &App,
    actor: &Actor,
    id: i64,
    input: DialogueTaskInput,
) -> Result<DialogueView> {
    let mut errors = Vec::new();
    check(&mut errors, "title", &input.title, true, 500);
    check(&mut errors, "owner", &input.owner, true, 200);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    managed(&mut tx, actor, id).await?;
    if let Some(q) = input.question_id
        && !store::questions_with_askers(&mut tx, actor.tenant_id, id)
            .await?
            .iter()
            .any(|x| x.id == q)
    {
        return Err(AppError::invalid(
            "question_id",
            "no such question at this conference",
        ));
    }
    let task_id = store::insert_task(
        &mut tx,
        actor.tenant_id,
        id,
        &NewTask {
            question_id: input.question_id,
            title: input.title.trim(),
            owner: input.owner.trim(),
            due_on: &input.due_on.to_string(),
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "dialogue.task_added",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "task_id": task_id, "title": input.title.trim(), "owner": input.owner.trim(),
                "due_on": input.due_on.to_string(), "question_id": input.question_id,
            })),
        },
    )
    .await?;
    let view = detail_on(&mut tx, app, actor, id).await?;
    commit(tx).await?;
    Ok(view)
}

/// Marks a follow-up task done (or not done again).
pub async fn set_task_done(
    app: &App,
    actor: &Actor,
    id: i64,
    task_id: i64,
    done: bool,
) -> Result<DialogueView> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    managed(&mut tx, actor, id).await?;
    store::set_task_done(&mut tx, actor.tenant_id, id, task_id, done, now)
        .await
        .map_err(|e| match e {
            motcua_store::StoreError::NotFound => AppError::NotFound("task"),
            other => other.into(),
        })?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "dialogue.task_done",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "task_id": task_id, "done": !done })),
            after: Some(serde_json::json!({ "task_id": task_id, "done": done })),
        },
    )
    .await?;
    let view = detail_on(&mut tx, app, actor, id).await?;
    commit(tx).await?;
    Ok(view)
}

/// Publishes the minutes; the answered questions become public (without the askers).
pub async fn publish(app: &App, actor: &Actor, id: i64, minutes: &str) -> Result<DialogueView> {
    let mut errors = Vec::new();
    check(&mut errors, "minutes", minutes, true, 20_000);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let row = managed(&mut tx, actor, id).await?;
    still_planned(&row)?;
    store::publish(&mut tx, actor.tenant_id, id, minutes.trim(), now).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "dialogue.published",
            entity_type: "dialogue",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "state": "planned" })),
            after: Some(serde_json::json!({ "state": "published", "minutes_chars": minutes.trim().chars().count() })),
        },
    )
    .await?;
    let view = detail_on(&mut tx, app, actor, id).await?;
    commit(tx).await?;
    Ok(view)
}

/// Retention: removes the askers' name and contact from questions submitted more than
/// `[feedback] retention_days` ago (the same setting as feedback senders'), in one audited
/// transaction. The questions and answers stay. Returns how many questions were changed.
pub async fn erase_askers_past_retention(app: &App, tenant_id: i64) -> Result<u64> {
    let days = app.settings.feedback.retention_days.max(1);
    let now = app.now_secs();
    let before = now - days * 86_400;
    let mut tx = app.db.begin().await?;
    let erased = store::erase_askers_before(&mut tx, tenant_id, before).await?;
    if erased > 0 {
        audit::record(
            &mut tx,
            tenant_id,
            None,
            now,
            Change {
                action: "dialogue.askers_erased",
                entity_type: "dialogue_question",
                entity_id: "*".into(),
                before: None,
                after: Some(serde_json::json!({
                    "questions": erased, "submitted_before": before, "reason": "retention",
                })),
            },
        )
        .await?;
    }
    commit(tx).await?;
    Ok(erased)
}
