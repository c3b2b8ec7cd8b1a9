//! Reading files: detail with history for staff and owners, work lists, counts per state, and
//! the public lookup by code and secret (no personal data in it).

use super::intake::pin_hash;
use super::row::record_of;
use crate::auth::normalise_phone;
use crate::calendar::{self, utc7};
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use motcua_domain::file::{
    ActionKind, FileRecord, FileState, HistoryEvent, available_actions, recompute_deadline,
};
use motcua_domain::permission::Action;
use motcua_store::files::{self as store, FileRow, QueueFilter};
use motcua_store::{Conn, catalogue as procedures, commit, sessions, units, users};
use serde::{Deserialize, Serialize};

fn ts(secs: Option<i64>) -> Option<Timestamp> {
    secs.and_then(|s| Timestamp::from_second(s).ok())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileSummary {
    pub id: i64,
    pub code: Option<String>,
    pub channel: String,
    pub state: String,
    pub state_label: String,
    /// Send it back as `version` with the next action (optimistic concurrency).
    pub version: i64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due: Option<Timestamp>,
    pub appointment_date: Option<String>,
    /// What can be done next (subject to the user's permissions).
    #[schema(value_type = Vec<String>)]
    pub available_actions: Vec<ActionKind>,
}

pub(crate) fn summary(
    id: i64,
    code: Option<String>,
    channel: &str,
    rec: &FileRecord,
) -> FileSummary {
    FileSummary {
        id,
        code,
        channel: channel.to_owned(),
        state: rec.state.as_str().to_owned(),
        state_label: rec.state.label_vi().to_owned(),
        version: rec.version,
        due: rec.deadline.as_ref().map(|d| d.due),
        appointment_date: rec
            .deadline
            .as_ref()
            .map(|d| d.appointment_date.to_string()),
        available_actions: available_actions(rec),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(value_type = String)]
    pub action: ActionKind,
    pub from_label: Option<String>,
    pub to_label: String,
    pub reason: Option<String>,
    /// Staff only: who acted (user id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    #[schema(value_type = Vec<Object>)]
    pub flags: Vec<motcua_domain::file::Flag>,
}

fn history(events: &[store::EventRow], with_actor: bool) -> Vec<HistoryEntry> {
    events
        .iter()
        .filter_map(|e| serde_json::from_str::<HistoryEvent>(&e.event_json).ok())
        .map(|e| HistoryEntry {
            at: e.at,
            action: e.kind,
            from_label: e.from.map(|s| s.label_vi().to_owned()),
            to_label: e.to.label_vi().to_owned(),
            reason: e.reason,
            actor_id: if with_actor { Some(e.actor_id) } else { None },
            flags: e.flags,
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileDetail {
    pub file: FileSummary,
    pub procedure_code: String,
    pub procedure_name: String,
    #[schema(value_type = Object)]
    pub applicant: super::Applicant,
    pub receiving_unit_code: String,
    pub receiving_unit_name: String,
    pub current_unit_code: String,
    pub current_unit_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub received_at: Option<Timestamp>,
    pub rule_version: String,
    /// Items the applicant was asked for in the open supplement request.
    pub missing_items: Vec<String>,
    pub supplement_requests: usize,
    /// Why the deadline is what it is, step by step.
    pub deadline_explanation: Vec<String>,
    pub history: Vec<HistoryEntry>,
    /// The process the file was received under, with each step's due moment and the step it
    /// is at; absent before receipt.
    pub process: Option<crate::processes::FileProcess>,
}

pub(crate) async fn load_scoped(app: &App, actor: &Actor, file_id: i64) -> Result<FileRow> {
    let mut conn = app.db.read_conn().await?;
    let row = store::file_by_id(&mut conn, actor.tenant_id, file_id)
        .await?
        .ok_or(AppError::NotFound("file"))?;
    if row.owner_user_id == Some(actor.user_id) {
        return Ok(row);
    }
    let paths = store::unit_paths(&mut conn, actor.tenant_id, file_id).await?;
    if paths
        .iter()
        .any(|p| actor.require_at(Action::ViewFiles, p).is_ok())
    {
        Ok(row)
    } else {
        // Not "forbidden": a user outside the file's units learns nothing about it, not even
        // that it exists... except that ids are sequential, so say it plainly.
        Err(AppError::Forbidden)
    }
}

pub async fn detail(app: &App, actor: &Actor, file_id: i64) -> Result<FileDetail> {
    let row = load_scoped(app, actor, file_id).await?;
    let rec = record_of(&row)?;
    let mut conn = app.db.read_conn().await?;
    let tenant_id = actor.tenant_id;
    let procedure = procedures::procedure_by_id(&mut conn, tenant_id, row.procedure_id)
        .await?
        .ok_or(AppError::NotFound("procedure"))?;
    let unit_of = |id: i64| async move {
        units::by_id(&mut *app.db.read_conn().await?, tenant_id, id)
            .await
            .map(|u| u.map(|u| (u.code, u.name)).unwrap_or_default())
    };
    let (receiving_unit_code, receiving_unit_name) = unit_of(row.receiving_unit_id).await?;
    let (current_unit_code, current_unit_name) = unit_of(rec.current_unit_id).await?;
    let cal = calendar::snapshot_calendar(app, &mut conn, tenant_id, &row.calendar_hash).await?;
    let deadline_explanation = match recompute_deadline(&cal, &rec) {
        Ok(d) => d.explanation.iter().map(|s| s.to_vietnamese()).collect(),
        Err(_) => Vec::new(),
    };
    let events = store::events(&mut conn, tenant_id, file_id).await?;
    let process = crate::processes::of_file(&mut conn, tenant_id, file_id, &rec, &cal).await?;
    let assignee_name = match rec.assignee_id {
        Some(id) => users::by_id(&mut conn, tenant_id, id)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    Ok(FileDetail {
        assignee_name,
        procedure_code: procedure.code,
        procedure_name: procedure.name,
        applicant: super::Applicant {
            name: row.applicant_name.clone(),
            phone: row.applicant_phone.clone(),
            email: row.applicant_email.clone(),
            address: row.applicant_address.clone(),
        },
        receiving_unit_code,
        receiving_unit_name,
        current_unit_code,
        current_unit_name,
        assignee_id: rec.assignee_id,
        received_at: ts(row.received_at),
        rule_version: row.rule_version.clone(),
        missing_items: rec
            .open_supplement()
            .map(|s| s.missing_items.clone())
            .unwrap_or_default(),
        supplement_requests: rec.supplement_requests.len(),
        deadline_explanation,
        history: history(&events, true),
        process,
        file: summary(row.id, row.code.clone(), &row.channel, &rec),
    })
}

/// What anyone holding the code and the secret may see: no names, no contact data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub code: String,
    pub procedure_name: String,
    pub state_label: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub received_at: Option<Timestamp>,
    pub appointment_date: Option<String>,
    /// What the applicant must still bring (an open supplement request).
    pub missing_items: Vec<String>,
    pub history: Vec<HistoryEntry>,
    /// The applicant's rating, or the questions once the file may be rated.
    pub rating: super::RatingState,
}

const LOOKUP_MAX_FAILURES: i64 = 10;
const LOOKUP_WINDOW_SECS: i64 = 15 * 60;

/// The subject wrong secrets for `code` are counted under (in `login_failures`).
fn lookup_subject(code: &str) -> String {
    crate::secret::sha256_hex(&format!("lookup:{code}"))
}

/// Whether `secret` is the file's PIN or its applicant's phone number, both compared in
/// constant time. The PIN's hash is computed even when no file has the code.
fn secret_opens(
    tenant_id: i64,
    code: &str,
    secret: &str,
    stored_pin_hash: Option<&str>,
    applicant_phone: Option<&str>,
) -> bool {
    let secret = secret.trim();
    let pin = pin_hash(tenant_id, code, secret);
    let pin_matches = stored_pin_hash.is_some_and(|h| crate::secret::constant_time_eq(h, &pin));
    let phone_matches = applicant_phone
        .zip(normalise_phone(secret))
        .is_some_and(|(phone, given)| crate::secret::constant_time_eq(phone, &given));
    pin_matches || phone_matches
}

/// Counts a wrong secret (or an unknown code) against the code; the same answer either way.
async fn refuse(app: &App, tenant_id: i64, subject: &str, now: i64) -> Result<AppError> {
    let mut tx = app.db.begin().await?;
    sessions::record_login_failure(&mut tx, tenant_id, subject, now).await?;
    commit(tx).await?;
    Ok(AppError::NotFound("file"))
}

fn too_many_attempts() -> AppError {
    AppError::TooManyAttempts {
        retry_after_secs: LOOKUP_WINDOW_SECS,
    }
}

/// The file with this code if `secret` is its PIN or the applicant's phone number. Wrong
/// secrets are counted per code; after ten in 15 minutes the code is locked.
pub(crate) async fn verify_secret(
    app: &App,
    tenant_id: i64,
    code: &str,
    secret: &str,
) -> Result<FileRow> {
    let code = code.trim();
    let now = app.now_secs();
    let subject = lookup_subject(code);
    let mut conn = app.db.read_conn().await?;
    if sessions::login_failures_since(&mut conn, tenant_id, &subject, now - LOOKUP_WINDOW_SECS)
        .await?
        >= LOOKUP_MAX_FAILURES
    {
        return Err(too_many_attempts());
    }
    let row = store::file_by_code(&mut conn, tenant_id, code).await?;
    drop(conn);
    let opens = |r: &FileRow| {
        secret_opens(
            tenant_id,
            code,
            secret,
            r.lookup_pin_hash.as_deref(),
            r.applicant_phone.as_deref(),
        )
    };
    match row.filter(opens) {
        Some(row) => Ok(row),
        None => Err(refuse(app, tenant_id, &subject, now).await?),
    }
}

/// Looks a file up by its code and either the PIN printed on the receipt or the applicant's
/// phone number, with the checks of [`verify_secret`]. Two statements on one connection: the
/// attempts, the file, its procedure's name and its evaluation in one; the history.
pub async fn lookup(app: &App, tenant_id: i64, code: &str, secret: &str) -> Result<PublicStatus> {
    let code = code.trim();
    let now = app.now_secs();
    let subject = lookup_subject(code);
    let mut conn = app.db.read_conn().await?;
    let found = store::lookup_by_code(
        &mut conn,
        tenant_id,
        code,
        &subject,
        now - LOOKUP_WINDOW_SECS,
    )
    .await?;
    if found.failures >= LOOKUP_MAX_FAILURES {
        return Err(too_many_attempts());
    }
    let opened = found.id.filter(|_| {
        secret_opens(
            tenant_id,
            code,
            secret,
            found.lookup_pin_hash.as_deref(),
            found.applicant_phone.as_deref(),
        )
    });
    let Some(file_id) = opened else {
        // One pooled connection at a time: the failure is written on the write pool.
        drop(conn);
        return Err(refuse(app, tenant_id, &subject, now).await?);
    };
    let events = store::events(&mut conn, tenant_id, file_id).await?;
    drop(conn);
    let rec: FileRecord = serde_json::from_str(found.record_json.as_deref().unwrap_or_default())
        .map_err(|e| AppError::Internal(format!("file {file_id}: {e}")))?;
    let procedure_name = found
        .procedure_name
        .ok_or(AppError::NotFound("procedure"))?;
    let stored =
        found
            .evaluation_scores_json
            .as_deref()
            .map(|scores_json| super::rating::StoredRating {
                scores_json,
                total: found.evaluation_total.unwrap_or(0),
                scored_max: found.evaluation_scored_max.unwrap_or(0),
            });
    let rating = super::rating::rating_state(found.received_at, &rec, stored)?;
    Ok(PublicStatus {
        code: code.to_owned(),
        procedure_name,
        state_label: rec.state.label_vi().to_owned(),
        received_at: ts(found.received_at),
        appointment_date: found.appointment_date.clone(),
        missing_items: rec
            .open_supplement()
            .map(|s| s.missing_items.clone())
            .unwrap_or_default(),
        history: history(&events, false),
        rating,
    })
}

/// Work-list parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Files at this unit and its sub-units (required unless `mine`).
    pub unit: Option<String>,
    /// Only files assigned to me.
    #[serde(default)]
    pub mine: bool,
    /// Comma-separated states, e.g. `assigned,under_examination`.
    pub state: Option<String>,
    /// `overdue` (past due) or `soon` (due by the end of the next working day).
    pub due: Option<String>,
    /// `today`: files whose appointment to return the result is today.
    pub appointment: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub id: i64,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub channel: String,
    pub state: String,
    pub state_label: String,
    pub current_unit_code: String,
    pub assignee_id: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub received_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due: Option<Timestamp>,
    /// `overdue` (past due), `soon` (due by the end of the next working day) or absent, for
    /// files still being processed.
    pub urgency: Option<String>,
    pub version: i64,
    /// Due soon, still being processed and without an apology letter: if it cannot be
    /// finished in time, the letter is due at least one working day before the deadline.
    pub apology_needed: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FilePage {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

const OPEN_STATES: [FileState; 7] = [
    FileState::Received,
    FileState::AtAgency,
    FileState::Assigned,
    FileState::UnderExamination,
    FileState::AtOtherAgency,
    FileState::AwaitingApproval,
    FileState::Approved,
];

pub async fn queue(app: &App, actor: &Actor, query: &QueueQuery) -> Result<FilePage> {
    let tenant_id = actor.tenant_id;
    let mut conn = app.db.read_conn().await?;
    let mut filter = QueueFilter::default();
    match (&query.unit, query.mine) {
        (Some(code), _) => {
            let unit = units::by_code(&mut conn, tenant_id, code)
                .await?
                .ok_or_else(|| AppError::invalid("unit", "no such unit"))?;
            actor.require_at(Action::ViewFiles, &unit.path)?;
            filter.unit_path_prefix = unit.path;
        }
        (None, true) => {}
        (None, false) => return Err(AppError::invalid("unit", "give a unit code, or mine=true")),
    }
    if query.mine {
        filter.assignee_id = Some(actor.user_id);
    }
    if let Some(states) = &query.state {
        for s in states.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let state = FileState::parse(s).ok_or_else(|| {
                AppError::invalid(
                    "state",
                    format!("unknown state `{}`", s.chars().take(40).collect::<String>()),
                )
            })?;
            filter.states.push(state.as_str().to_owned());
        }
        if filter.states.len() > store::MAX_QUEUE_STATES {
            return Err(AppError::invalid("state", "at most 8 states"));
        }
    }
    let now = app.now_secs();
    // The "due soon" cut-off needs the tenant's calendar: computed at most once, and only when
    // the filter or an open file on the page needs it.
    let mut soon = None;
    match query.due.as_deref() {
        None | Some("") => {}
        Some(due @ ("overdue" | "soon")) => {
            if filter.states.is_empty() {
                filter.states = OPEN_STATES.iter().map(|s| s.as_str().to_owned()).collect();
            }
            filter.due_before = Some(if due == "overdue" {
                now
            } else {
                *soon.insert(due_soon_cutoff(app, &mut conn, tenant_id).await?)
            });
        }
        Some(_) => return Err(AppError::invalid("due", "overdue or soon")),
    }
    match query.appointment.as_deref() {
        None | Some("") => {}
        Some("today") => {
            filter.appointment_on = Some(app.now().to_zoned(utc7()).date().to_string());
        }
        Some(_) => return Err(AppError::invalid("appointment", "today")),
    }
    let per_page = query.per_page.unwrap_or(50).clamp(1, 200);
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let total = store::queue_count(&mut conn, tenant_id, &filter).await?;
    let rows = store::queue(
        &mut conn,
        tenant_id,
        &filter,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    let soon = match soon {
        Some(cutoff) => cutoff,
        None if rows
            .iter()
            .any(|r| is_open(&r.state) && r.due_at.is_some_and(|d| d >= now)) =>
        {
            due_soon_cutoff(app, &mut conn, tenant_id).await?
        }
        // No open file on the page is due later than now: none can be "due soon".
        None => now,
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let urgency = urgency(&r.state, r.due_at, now, soon);
            queue_item(r, urgency)
        })
        .collect();
    Ok(FilePage {
        items,
        total,
        page,
        per_page,
    })
}

pub(crate) fn queue_item(r: store::QueueRow, urgency: Option<&str>) -> QueueItem {
    let apology_needed = urgency == Some("soon")
        && r.apology_at.is_none()
        && FileState::parse(&r.state).is_some_and(|s| {
            s.is_in_processing()
                && !matches!(s, FileState::Approved | FileState::AwaitingSupplement)
        });
    QueueItem {
        apology_needed,
        state_label: FileState::parse(&r.state)
            .map_or("", FileState::label_vi)
            .to_owned(),
        id: r.id,
        code: r.code,
        procedure_code: r.procedure_code,
        procedure_name: r.procedure_name,
        applicant_name: r.applicant_name,
        channel: r.channel,
        state: r.state,
        current_unit_code: r.current_unit_code,
        assignee_id: r.assignee_id,
        received_at: ts(r.received_at),
        due: ts(r.due_at),
        urgency: urgency.map(str::to_owned),
        version: r.version,
    }
}

/// The instant before which an open file counts as "due soon": the end of the next working day.
async fn due_soon_cutoff(app: &App, conn: &mut Conn, tenant_id: i64) -> Result<i64> {
    let now = app.now();
    let cal = calendar::working_calendar_on(app, conn, tenant_id, None).await?;
    let today = now.to_zoned(utc7()).date();
    let next = cal
        .add_working_days(today, 1)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(next
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(utc7()).ok())
        .map_or(now.as_second(), |z| z.timestamp().as_second()))
}

/// Still being processed: the states the due filters and urgency look at.
fn is_open(state: &str) -> bool {
    FileState::parse(state).is_some_and(|s| OPEN_STATES.contains(&s))
}

/// How urgent an open file is, by the same cut-offs as the `due` filter.
fn urgency(state: &str, due: Option<i64>, now: i64, soon: i64) -> Option<&'static str> {
    let open = is_open(state);
    match due {
        Some(d) if open && d < now => Some("overdue"),
        Some(d) if open && d < soon => Some("soon"),
        _ => None,
    }
}

/// A staff member who may be given a file at a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assignable {
    pub username: String,
    pub display_name: String,
}

/// People who process files at a unit: the choices when a leader assigns files there.
pub async fn assignable_at_unit(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<Vec<Assignable>> {
    let mut conn = app.db.read_conn().await?;
    let unit = units::by_code(&mut conn, actor.tenant_id, unit_code)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    processors_at(&mut conn, actor, &unit.path).await
}

async fn processors_at(
    conn: &mut motcua_store::Conn,
    actor: &Actor,
    unit_path: &str,
) -> Result<Vec<Assignable>> {
    actor.require_at(Action::DecideFiles, unit_path)?;
    // Grants at the unit itself or, reaching down, at one of its parents.
    let grants = users::grants_reaching(conn, actor.tenant_id, unit_path).await?;
    let mut people: Vec<Assignable> = Vec::new();
    for g in grants {
        let processes = g
            .role
            .parse()
            .is_ok_and(|r| motcua_domain::permission::allows(r, Action::ProcessFiles));
        if processes && !people.iter().any(|p| p.username == g.username) {
            people.push(Assignable {
                username: g.username,
                display_name: g.display_name,
            });
        }
    }
    Ok(people)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StateCount {
    pub state: String,
    pub state_label: String,
    pub files: i64,
}

/// Files per state at a unit and its sub-units.
pub async fn counts(app: &App, actor: &Actor, unit_code: &str) -> Result<Vec<StateCount>> {
    let mut conn = app.db.read_conn().await?;
    let unit = units::by_code(&mut conn, actor.tenant_id, unit_code)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    actor.require_at(Action::ViewFiles, &unit.path)?;
    let rows = store::counts_by_state(&mut conn, actor.tenant_id, &unit.path).await?;
    Ok(rows
        .into_iter()
        .map(|(state, files)| StateCount {
            state_label: FileState::parse(&state)
                .map_or("", FileState::label_vi)
                .to_owned(),
            state,
            files,
        })
        .collect())
}
