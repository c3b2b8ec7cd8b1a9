//! Reading items: staff detail and work lists (scoped by unit), the sender's follow-up with
//! code and secret, a citizen's own items, and the public list of published answers.

use super::{record_of, secret_hash, state_of};
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use motcua_domain::calendar::deadline::{Channel, DeadlineInput, ProcessingTime, compute_deadline};
use motcua_domain::feedback::{
    FeedbackChannel, FeedbackDeadlines, FeedbackRecord, FeedbackState, Step, Subject, Urgency,
    action_label_vi, urgency,
};
use motcua_domain::permission::Action;
use motcua_store::feedback::{self as store, FeedbackRow, QueueFilter, QueueRow};
use motcua_store::{Conn, commit, sessions, units};
use serde::{Deserialize, Serialize};

const LOOKUP_MAX_FAILURES: i64 = 5;
const LOOKUP_WINDOW_SECS: i64 = 15 * 60;

fn ts(secs: Option<i64>) -> Option<Timestamp> {
    secs.and_then(|s| Timestamp::from_second(s).ok())
}

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The sender's contact details: staff of the units in charge only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SenderView {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// When the personal data was erased (on request or at the end of retention).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub erased_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = FeedbackHistoryEntry)]
pub struct HistoryEntry {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub kind: String,
    pub label: String,
    pub to_state: String,
    pub to_label: String,
    /// Reasons and questions written by staff (staff view only).
    pub note: Option<String>,
    /// The legal step this ended, with its timeliness.
    pub step: Option<String>,
    pub on_time: Option<bool>,
}

/// An item as staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackView {
    pub id: i64,
    pub code: String,
    pub channel: FeedbackChannel,
    pub channel_label: String,
    pub subject: Subject,
    pub subject_label: String,
    pub subject_ref: Option<String>,
    pub title: String,
    pub content: String,
    pub info_request: Option<String>,
    pub extra_info: Option<String>,
    pub reject_reason: Option<String>,
    pub answer: Option<String>,
    pub public_question: Option<String>,
    pub sender: SenderView,
    pub state: FeedbackState,
    pub state_label: String,
    pub receiving_unit: UnitRef,
    pub handling_unit: Option<UnitRef>,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    /// The current step's deadline.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    pub urgency: Urgency,
    pub satisfied: Option<bool>,
    /// Send it back as `version` with the next action.
    pub version: i64,
    /// Actions this user may take now.
    pub available_actions: Vec<String>,
    pub history: Vec<HistoryEntry>,
}

/// Whether `actor` may read the item: a view grant covering the receiving or handling unit.
pub(crate) async fn require_view(
    conn: &mut Conn,
    actor: &Actor,
    rec: &FeedbackRecord,
) -> Result<()> {
    for unit_id in std::iter::once(rec.receiving_unit_id).chain(rec.handling_unit_id) {
        if let Some(u) = units::by_id(conn, actor.tenant_id, unit_id).await?
            && actor.require_at(Action::ViewFeedback, &u.path).is_ok()
        {
            return Ok(());
        }
    }
    Err(AppError::NotFound("feedback"))
}

async fn unit_ref(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<UnitRef> {
    let u = units::by_id(conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    Ok(UnitRef {
        id: u.id,
        code: u.code,
        name: u.name,
    })
}

/// The instant before which an open item is "due soon" (now + the warning working hours).
pub(crate) async fn due_soon_until(app: &App, tenant_id: i64) -> Result<Timestamp> {
    let now = app.now();
    let hours = FeedbackDeadlines::in_force_at(now.to_zoned(crate::calendar::utc7()).date())
        .map_or(8, |d| d.due_soon_warning_hours);
    let cal = crate::calendar::working_calendar(app, tenant_id, None).await?;
    compute_deadline(
        &cal,
        &DeadlineInput::new(now, Channel::Counter, ProcessingTime::WorkingHours(hours)),
    )
    .map(|d| d.due)
    .map_err(|e| AppError::Internal(e.to_string()))
}

fn history(events: Vec<store::FeedbackEventRow>, with_notes: bool) -> Vec<HistoryEntry> {
    events
        .into_iter()
        .map(|e| {
            let to = FeedbackState::parse(&e.to_state);
            HistoryEntry {
                at: at(e.at),
                label: action_label_vi(&e.kind).into(),
                kind: e.kind,
                to_label: to.map_or("", FeedbackState::label_vi).into(),
                to_state: e.to_state,
                note: e.note.filter(|_| with_notes),
                step: e
                    .step
                    .and_then(|s| Step::parse(&s))
                    .map(|s| s.label_vi().into()),
                on_time: e.on_time.map(|v| v != 0),
            }
        })
        .collect()
}

/// Actions `actor` may take on the item now.
fn available(
    actor: &Actor,
    rec: &FeedbackRecord,
    receiving_path: &str,
    handling_path: Option<&str>,
) -> Vec<String> {
    use FeedbackState as S;
    let at_receiving = |a: Action| actor.require_at(a, receiving_path).is_ok();
    let at_handling = |a: Action| handling_path.is_some_and(|p| actor.require_at(a, p).is_ok());
    let mut out: Vec<&str> = Vec::new();
    match rec.state {
        S::Received if at_receiving(Action::ReceiveFeedback) => {
            out.extend(["accept", "forward", "ask_info", "reject"])
        }
        S::Accepted if at_receiving(Action::ReceiveFeedback) => out.push("forward"),
        S::Forwarded if at_handling(Action::AnswerFeedback) => out.push("answer"),
        S::Answered if at_handling(Action::ApproveFeedback) => {
            out.extend(["approve", "return_answer"])
        }
        S::Approved if at_receiving(Action::ReceiveFeedback) => out.push("publish"),
        S::Published | S::Rejected if at_receiving(Action::ReceiveFeedback) => out.push("close"),
        _ => {}
    }
    out.into_iter().map(str::to_owned).collect()
}

pub(crate) async fn view_of(
    app: &App,
    conn: &mut Conn,
    actor: &Actor,
    row: FeedbackRow,
) -> Result<FeedbackView> {
    let tenant_id = actor.tenant_id;
    let rec = record_of(&row)?;
    let receiving = units::by_id(conn, tenant_id, rec.receiving_unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    let handling = match rec.handling_unit_id {
        Some(id) => Some(unit_ref(conn, tenant_id, id).await?),
        None => None,
    };
    let handling_path = match rec.handling_unit_id {
        Some(id) => units::by_id(conn, tenant_id, id).await?.map(|u| u.path),
        None => None,
    };
    let events = store::events(conn, tenant_id, row.id).await?;
    let state = state_of(&row);
    let now = app.now();
    let soon = due_soon_until(app, tenant_id).await?;
    Ok(FeedbackView {
        id: row.id,
        code: row.code,
        channel: rec.channel,
        channel_label: rec.channel.label_vi().into(),
        subject: Subject::parse(&row.subject).unwrap_or(Subject::Regulation),
        subject_label: Subject::parse(&row.subject)
            .map_or("", Subject::label_vi)
            .into(),
        subject_ref: row.subject_ref,
        title: row.title,
        content: row.content,
        info_request: row.info_request,
        extra_info: row.extra_info,
        reject_reason: row.reject_reason,
        answer: row.answer,
        public_question: row.public_question,
        sender: SenderView {
            name: row.sender_name,
            phone: row.sender_phone,
            email: row.sender_email,
            address: row.sender_address,
            erased_at: ts(row.personal_data_erased_at),
        },
        state,
        state_label: state.label_vi().into(),
        available_actions: available(actor, &rec, &receiving.path, handling_path.as_deref()),
        receiving_unit: UnitRef {
            id: receiving.id,
            code: receiving.code,
            name: receiving.name,
        },
        handling_unit: handling,
        received_at: at(row.received_at),
        due_at: rec.due_at,
        urgency: urgency(rec.due_at, now, soon),
        satisfied: rec.satisfied,
        version: rec.version,
        history: history(events, true),
    })
}

/// An item with its history, for staff of the units in charge.
pub async fn detail(app: &App, actor: &Actor, id: i64) -> Result<FeedbackView> {
    let mut conn = app.db.read_conn().await?;
    let row = store::by_id(&mut conn, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("feedback"))?;
    let rec = record_of(&row)?;
    require_view(&mut conn, actor, &rec).await?;
    view_of(app, &mut conn, actor, row).await
}

/// The row behind a code and secret; throttled per code, the same answer for a wrong code or a
/// wrong secret.
pub(crate) async fn verify_sender(
    app: &App,
    tenant_id: i64,
    code: &str,
    secret: &str,
) -> Result<FeedbackRow> {
    let code = code.trim();
    let now = app.now_secs();
    let subject = crate::secret::sha256_hex(&format!("feedback-lookup:{code}"));
    let mut conn = app.db.read_conn().await?;
    if sessions::login_failures_since(&mut conn, tenant_id, &subject, now - LOOKUP_WINDOW_SECS)
        .await?
        >= LOOKUP_MAX_FAILURES
    {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: LOOKUP_WINDOW_SECS,
        });
    }
    let row = store::by_code(&mut conn, tenant_id, code).await?;
    let expected = secret_hash(tenant_id, code, secret);
    match row.filter(|r| crate::secret::constant_time_eq(&r.secret_hash, &expected)) {
        Some(row) => Ok(row),
        None => {
            drop(conn);
            let mut tx = app.db.begin().await?;
            sessions::record_login_failure(&mut tx, tenant_id, &subject, now).await?;
            commit(tx).await?;
            Err(AppError::NotFound("feedback"))
        }
    }
}

/// What the sender sees: their own text, the state, the answer once approved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = FeedbackPublicStatus)]
pub struct PublicStatus {
    pub code: String,
    pub subject_label: String,
    pub title: String,
    pub content: String,
    pub state: FeedbackState,
    pub state_label: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    /// What staff asked (while waiting for the sender's information).
    pub info_request: Option<String>,
    pub reject_reason: Option<String>,
    /// The approved answer.
    pub answer: Option<String>,
    pub handling_unit: Option<String>,
    /// The sender may add information now.
    pub can_provide_info: bool,
    /// The sender may say whether the answer satisfied them now.
    pub can_rate: bool,
    pub satisfied: Option<bool>,
    pub history: Vec<HistoryEntry>,
}

pub async fn lookup(app: &App, tenant_id: i64, code: &str, secret: &str) -> Result<PublicStatus> {
    let row = verify_sender(app, tenant_id, code, secret).await?;
    let mut conn = app.db.read_conn().await?;
    public_status(&mut conn, tenant_id, row).await
}

async fn public_status(conn: &mut Conn, tenant_id: i64, row: FeedbackRow) -> Result<PublicStatus> {
    let rec = record_of(&row)?;
    let state = rec.state;
    let handling_unit = match rec.handling_unit_id {
        Some(id) => Some(unit_ref(conn, tenant_id, id).await?.name),
        None => None,
    };
    let events = store::events(conn, tenant_id, row.id).await?;
    Ok(PublicStatus {
        code: row.code,
        subject_label: Subject::parse(&row.subject)
            .map_or("", Subject::label_vi)
            .into(),
        title: row.title,
        content: row.content,
        state,
        state_label: state.label_vi().into(),
        received_at: at(row.received_at),
        info_request: row
            .info_request
            .filter(|_| state == FeedbackState::AwaitingInfo),
        reject_reason: row
            .reject_reason
            .filter(|_| state == FeedbackState::Rejected),
        answer: row.answer.filter(|_| state.answer_visible()),
        handling_unit,
        can_provide_info: state == FeedbackState::AwaitingInfo,
        can_rate: state.answer_visible() && rec.satisfied.is_none(),
        satisfied: rec.satisfied,
        history: history(events, false),
    })
}

/// A work-list line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = FeedbackQueueItem)]
pub struct QueueItem {
    pub id: i64,
    pub code: String,
    pub subject_label: String,
    pub title: String,
    pub channel_label: String,
    pub state: String,
    pub state_label: String,
    pub unit_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    pub urgency: Urgency,
}

/// Work-list parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Items at this unit (and its sub-units when your role covers them).
    pub unit: Option<String>,
    /// `open` (default), `all`, `due_soon` (due soon or overdue) or `overdue`.
    pub show: Option<String>,
    pub page: Option<i64>,
}

const PER_PAGE: i64 = 50;

fn item(r: QueueRow, now: Timestamp, soon: Timestamp) -> QueueItem {
    let state = FeedbackState::parse(&r.state);
    let due_at = ts(r.due_at);
    QueueItem {
        id: r.id,
        code: r.code,
        subject_label: Subject::parse(&r.subject)
            .map_or("", Subject::label_vi)
            .into(),
        title: r.title,
        channel_label: FeedbackChannel::parse(&r.channel)
            .map_or("", FeedbackChannel::label_vi)
            .into(),
        state_label: state.map_or("", FeedbackState::label_vi).into(),
        state: r.state,
        unit_name: r.unit_name,
        received_at: at(r.received_at),
        due_at,
        urgency: if state.is_some_and(FeedbackState::is_finished) {
            Urgency::InTime
        } else {
            urgency(due_at, now, soon)
        },
    }
}

/// Items at a unit the user may see, most urgent first.
pub async fn queue(app: &App, actor: &Actor, q: &QueueQuery) -> Result<Vec<QueueItem>> {
    let tenant_id = actor.tenant_id;
    let mut conn = app.db.read_conn().await?;
    let unit = match q.unit.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => units::by_code(&mut conn, tenant_id, code)
            .await?
            .ok_or_else(|| AppError::invalid("unit", "no such unit"))?,
        None => {
            // The first unit where the user may read feedback.
            let grant = actor
                .scopes(Action::ViewFeedback)
                .into_iter()
                .next()
                .ok_or(AppError::Forbidden)?;
            units::by_id(&mut conn, tenant_id, grant.unit_id)
                .await?
                .ok_or(AppError::NotFound("unit"))?
        }
    };
    let grant = actor
        .scopes(Action::ViewFeedback)
        .into_iter()
        .filter(|g| g.covers(&unit.path))
        .max_by_key(|g| g.include_subunits)
        .ok_or(AppError::Forbidden)?;
    let now = app.now();
    let soon = due_soon_until(app, tenant_id).await?;
    let show = q.show.as_deref().unwrap_or("open");
    let due_before = match show {
        "open" | "all" => None,
        "due_soon" => Some(soon.as_second()),
        "overdue" => Some(now.as_second() - 1),
        _ => return Err(AppError::invalid("show", "open, all, due_soon or overdue")),
    };
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let rows = store::queue(
        &mut conn,
        tenant_id,
        &QueueFilter {
            unit_path: &unit.path,
            subunits: grant.include_subunits,
            open_only: show != "all",
            due_before,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
    )
    .await?;
    Ok(rows.into_iter().map(|r| item(r, now, soon)).collect())
}

/// The signed-in citizen's own items.
pub async fn mine(app: &App, actor: &Actor) -> Result<Vec<QueueItem>> {
    let mut conn = app.db.read_conn().await?;
    let rows = store::of_sender(&mut conn, actor.tenant_id, actor.user_id).await?;
    let now = app.now();
    Ok(rows.into_iter().map(|r| item(r, now, now)).collect())
}

/// A published answer, without any personal data of the sender.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedAnswer {
    pub code: String,
    pub subject_label: String,
    pub title: String,
    pub question: String,
    pub answer: String,
    pub unit_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub published_at: Timestamp,
}

/// The public list of answers, newest first.
pub async fn published(app: &App, tenant_id: i64, page: i64) -> Result<Vec<PublishedAnswer>> {
    let mut conn = app.db.read_conn().await?;
    let page = page.clamp(1, 10_000);
    let rows = store::published(&mut conn, tenant_id, PER_PAGE, (page - 1) * PER_PAGE).await?;
    Ok(rows
        .into_iter()
        .map(|r| PublishedAnswer {
            code: r.code,
            subject_label: Subject::parse(&r.subject)
                .map_or("", Subject::label_vi)
                .into(),
            title: r.title,
            question: r.question,
            answer: r.answer,
            unit_name: r.unit_name,
            received_at: at(r.received_at),
            published_at: at(r.published_at),
        })
        .collect())
}
