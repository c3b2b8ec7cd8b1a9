//! Workflow actions: staff check, forward, answer, approve, publish and close; the sender adds
//! information or says whether the answer satisfied them. Each is one transaction with its
//! history entry, outbox message and audit record.

use super::read::verify_sender;
use super::{FeedbackView, MAX_TEXT_CHARS, record_of, with_context};
use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_domain::feedback::{FeedbackAction, FeedbackRecord, FeedbackState, apply};
use motcua_domain::permission::Action;
use motcua_store::feedback::{self as store, FeedbackEventRow, FeedbackRow, FeedbackTexts};
use motcua_store::{Conn, commit, units};

/// A staff action as requested: units are named by their code.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[schema(as = FeedbackActionInput)]
pub enum ActionInput {
    Accept,
    Reject {
        reason: String,
    },
    AskInfo {
        question: String,
    },
    Forward {
        unit_code: String,
    },
    Answer {
        text: String,
    },
    ReturnAnswer {
        reason: String,
    },
    Approve,
    Publish {
        public_question: Option<String>,
        public_title: Option<String>,
    },
    Close,
}

/// Queues the change for the background workers (notifications come with issue 10).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn enqueue(
    conn: &mut Conn,
    tenant_id: i64,
    feedback_id: i64,
    kind: &str,
    from: Option<FeedbackState>,
    rec: &FeedbackRecord,
    notify_sender: bool,
    now: i64,
) -> Result<()> {
    let payload = serde_json::json!({
        "feedback_id": feedback_id,
        "kind": kind,
        "from": from.map(FeedbackState::as_str),
        "to": rec.state.as_str(),
        "version": rec.version,
        "notify_sender": notify_sender,
    });
    motcua_store::files::enqueue(
        conn,
        tenant_id,
        "feedback.changed",
        &payload.to_string(),
        now,
    )
    .await?;
    Ok(())
}

/// The permission an action needs, and whether it is checked at the handling unit (else at
/// the receiving unit). `None`: only the sender may do it.
fn permission(action: &FeedbackAction) -> Option<(Action, bool)> {
    use FeedbackAction as A;
    match action {
        A::Accept | A::Reject { .. } | A::AskInfo { .. } | A::Forward { .. } => {
            Some((Action::ReceiveFeedback, false))
        }
        A::Publish { .. } | A::Close => Some((Action::ReceiveFeedback, false)),
        A::Answer { .. } => Some((Action::AnswerFeedback, true)),
        A::ReturnAnswer { .. } | A::Approve => Some((Action::ApproveFeedback, true)),
        A::ProvideInfo { .. } | A::Rate { .. } => None,
    }
}

fn validate(action: &FeedbackAction) -> Result<()> {
    use FeedbackAction as A;
    let mut errors: Vec<FieldError> = Vec::new();
    match action {
        A::Reject { reason } | A::ReturnAnswer { reason } => {
            check_text(&mut errors, "reason", reason, true, MAX_TEXT_CHARS)
        }
        A::AskInfo { question } => {
            check_text(&mut errors, "question", question, true, MAX_TEXT_CHARS)
        }
        A::ProvideInfo { text } | A::Answer { text } => {
            check_text(&mut errors, "text", text, true, MAX_TEXT_CHARS)
        }
        A::Publish {
            public_question,
            public_title,
        } => {
            let q = public_question.as_deref().unwrap_or("");
            check_text(&mut errors, "public_question", q, false, MAX_TEXT_CHARS);
            let t = public_title.as_deref().unwrap_or("");
            check_text(
                &mut errors,
                "public_title",
                t,
                false,
                super::MAX_TITLE_CHARS,
            );
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Path of the unit an action is checked at.
async fn unit_path(conn: &mut Conn, tenant_id: i64, unit_id: i64) -> Result<String> {
    Ok(units::by_id(conn, tenant_id, unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?
        .path)
}

/// A staff action on item `id`. `expected_version`: the version the user saw (409 if changed).
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    input: ActionInput,
    expected_version: Option<i64>,
) -> Result<FeedbackView> {
    let tenant_id = actor.tenant_id;
    let mut conn = app.db.read_conn().await?;
    let action = match input {
        ActionInput::Accept => FeedbackAction::Accept,
        ActionInput::Reject { reason } => FeedbackAction::Reject { reason },
        ActionInput::AskInfo { question } => FeedbackAction::AskInfo { question },
        ActionInput::Forward { unit_code } => FeedbackAction::Forward {
            unit_id: units::by_code(&mut conn, tenant_id, unit_code.trim())
                .await?
                .ok_or_else(|| AppError::invalid("unit_id", "no such unit"))?
                .id,
        },
        ActionInput::Answer { text } => FeedbackAction::Answer { text },
        ActionInput::ReturnAnswer { reason } => FeedbackAction::ReturnAnswer { reason },
        ActionInput::Approve => FeedbackAction::Approve,
        ActionInput::Publish {
            public_question,
            public_title,
        } => FeedbackAction::Publish {
            public_question,
            public_title,
        },
        ActionInput::Close => FeedbackAction::Close,
    };
    let row = store::by_id(&mut conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("feedback"))?;
    let rec = record_of(&row)?;
    // Someone who may not even read it learns nothing: the same answer as a missing item.
    super::read::require_view(&mut conn, actor, &rec).await?;
    let Some((needed, at_handling)) = permission(&action) else {
        return Err(AppError::Forbidden);
    };
    let unit_id = if at_handling {
        rec.handling_unit_id.unwrap_or(rec.receiving_unit_id)
    } else {
        rec.receiving_unit_id
    };
    actor.require_at(needed, &unit_path(&mut conn, tenant_id, unit_id).await?)?;
    drop(conn);
    if expected_version.is_some_and(|v| v != rec.version) {
        return Err(AppError::Stale);
    }
    validate(&action)?;
    change(app, tenant_id, Some(actor.user_id), &row, &rec, &action).await?;
    super::read::detail(app, actor, id).await
}

/// The sender adds information or rates the answer, with the code and secret (or as the
/// signed-in citizen who sent it).
pub async fn sender_act(
    app: &App,
    tenant_id: i64,
    code: &str,
    secret: &str,
    action: FeedbackAction,
) -> Result<super::PublicStatus> {
    if permission(&action).is_some() {
        return Err(AppError::Forbidden);
    }
    validate(&action)?;
    let row = verify_sender(app, tenant_id, code, secret).await?;
    let rec = record_of(&row)?;
    change(app, tenant_id, None, &row, &rec, &action).await?;
    super::read::lookup(app, tenant_id, code, secret).await
}

async fn change(
    app: &App,
    tenant_id: i64,
    actor_id: Option<i64>,
    row: &FeedbackRow,
    rec: &FeedbackRecord,
    action: &FeedbackAction,
) -> Result<()> {
    use FeedbackAction as A;
    let t = with_context(app, tenant_id, Some(rec), |ctx| {
        Ok(apply(rec, action, ctx)?)
    })
    .await?;
    let new = &t.record;
    let now = app.now_secs();
    let record_json = serde_json::to_string(new).map_err(|e| AppError::Internal(e.to_string()))?;
    let published_at = match action {
        A::Publish { .. } => Some(now),
        _ => row.published_at,
    };
    let public_question = match action {
        A::Publish {
            public_question, ..
        } => public_question
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty()),
        _ => None,
    };
    let public_title = match action {
        A::Publish { public_title, .. } => public_title
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty()),
        _ => None,
    };
    let texts = FeedbackTexts {
        info_request: match action {
            A::AskInfo { question } => Some(question.trim()),
            _ => None,
        },
        extra_info: match action {
            A::ProvideInfo { text } => Some(text.trim()),
            _ => None,
        },
        reject_reason: match action {
            A::Reject { reason } => Some(reason.trim()),
            _ => None,
        },
        answer: match action {
            A::Answer { text } => Some(text.trim()),
            _ => None,
        },
        public_question,
        public_title,
    };
    // Notes in the history: the staff's words; the sender's own texts stay in their columns.
    let note = match action {
        A::Reject { reason } | A::ReturnAnswer { reason } => Some(reason.trim().to_owned()),
        A::AskInfo { question } => Some(question.trim().to_owned()),
        _ => None,
    };
    let state = store::FeedbackState {
        state: new.state.as_str(),
        handling_unit_id: new.handling_unit_id,
        current_unit_id: new.current_unit_id(),
        received_at: row.received_at,
        due_at: new.due_at.map(|d| d.as_second()),
        published_at,
        satisfied: new.satisfied.map(i64::from),
        record_json: &record_json,
        version: new.version,
    };
    let mut tx = app.db.begin().await?;
    store::update(&mut tx, tenant_id, row.id, rec.version, &state, &texts, now).await?;
    store::insert_event(
        &mut tx,
        tenant_id,
        row.id,
        &FeedbackEventRow {
            seq: 0,
            at: now,
            actor_id,
            kind: action.kind().into(),
            from_state: Some(t.from.as_str().into()),
            to_state: new.state.as_str().into(),
            note,
            step: t.completed.as_ref().map(|c| c.step.as_str().into()),
            unit_id: t
                .completed
                .as_ref()
                .map(|c| c.unit_id)
                .or(Some(new.current_unit_id())),
            due_at: t.completed.as_ref().map(|c| c.due_at.as_second()),
            on_time: t.completed.as_ref().map(|c| i64::from(c.on_time)),
        },
    )
    .await?;
    enqueue(
        &mut tx,
        tenant_id,
        row.id,
        action.kind(),
        Some(t.from),
        new,
        t.notify_sender,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        tenant_id,
        actor_id,
        now,
        Change {
            action: "feedback.action",
            entity_type: "feedback",
            entity_id: row.id.to_string(),
            before: Some(serde_json::json!({ "state": t.from.as_str(), "version": rec.version })),
            after: Some(serde_json::json!({
                "action": action.kind(), "state": new.state.as_str(), "version": new.version,
                "handling_unit_id": new.handling_unit_id,
                "on_time": t.completed.as_ref().map(|c| c.on_time),
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(())
}
