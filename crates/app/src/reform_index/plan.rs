//! The yearly reform plan (tasks per unit with due dates and progress, overdue warnings) and
//! discipline inspections. The council plans and inspects the units in its scope; a unit's
//! leader reports its tasks' progress and reads its own tasks and inspections.

use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::catalogue::FieldError;
use motcua_domain::permission::Action;
use motcua_domain::reform_index::plan::{TaskStatus, check_task};
use motcua_store::reform_index::{self as store, InspectionRow, TaskRow};
use motcua_store::units::{self, Unit};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub year: i16,
    pub unit_code: String,
    pub title: String,
    /// The person in charge (tên người phụ trách).
    #[serde(default)]
    pub owner_name: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    pub version: i64,
    /// Percent done, 0–100.
    pub progress: i64,
    /// What was done, with the evidence (document numbers).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: i64,
    pub year: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub owner_name: String,
    pub due_date: String,
    pub progress: i64,
    pub progress_note: String,
    pub status: TaskStatus,
    pub status_vi: String,
    pub version: i64,
    /// The caller may report progress on it.
    pub may_update: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionInput {
    pub unit_code: String,
    /// `YYYY-MM-DD`.
    pub inspected_on: String,
    pub findings: String,
    #[serde(default)]
    pub follow_up: String,
    pub follow_up_due: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub inspected_on: String,
    pub findings: String,
    pub follow_up: String,
    pub follow_up_due: Option<String>,
}

fn today(app: &App) -> jiff::civil::Date {
    app.now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7)))
        .date()
}

fn date(field: &str, s: &str) -> Result<jiff::civil::Date> {
    s.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| AppError::invalid(field, "a date YYYY-MM-DD"))
}

async fn unit(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Unit> {
    units::by_code(conn, tenant_id, code.trim())
        .await?
        .ok_or_else(|| AppError::invalid("unit_code", "no such unit"))
}

fn readable(actor: &Actor, u: &Unit) -> bool {
    actor.require_at(Action::AppraiseReform, &u.path).is_ok()
        || actor.require_at(Action::AssessReform, &u.path).is_ok()
}

fn task_view(app: &App, actor: &Actor, t: TaskRow, u: &Unit) -> Task {
    let status = t
        .due_date
        .parse::<jiff::civil::Date>()
        .map(|d| TaskStatus::of(t.progress, d, today(app)))
        .unwrap_or(TaskStatus::NotStarted);
    Task {
        id: t.id,
        year: t.year,
        unit_code: u.code.clone(),
        unit_name: u.name.clone(),
        title: t.title,
        owner_name: t.owner_name,
        due_date: t.due_date,
        progress: t.progress,
        progress_note: t.progress_note,
        status,
        status_vi: status.label_vi().into(),
        version: t.version,
        may_update: readable(actor, u),
    }
}

/// The council adds a task of the year's plan for a unit in its scope.
pub async fn add_task(app: &App, actor: &Actor, input: TaskInput) -> Result<Task> {
    let problems = check_task(&input.title, 0);
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(f, m)| FieldError::new(f, m))
                .collect(),
        ));
    }
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::invalid("year", "between 2000 and 2100"));
    }
    let due = date("due_date", &input.due_date)?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let u = unit(&mut tx, actor.tenant_id, &input.unit_code).await?;
    actor.require_at(Action::AppraiseReform, &u.path)?;
    let mut row = TaskRow {
        id: 0,
        year: i64::from(input.year),
        unit_id: u.id,
        title: input.title.trim().to_owned(),
        owner_name: input.owner_name.trim().chars().take(200).collect(),
        due_date: due.to_string(),
        progress: 0,
        progress_note: String::new(),
        version: 0,
        updated_at: now,
    };
    row.id = store::insert_task(&mut tx, actor.tenant_id, &row, now).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "reform_task.created",
            entity_type: "reform_task",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::to_value(&row).unwrap_or_default()),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(task_view(app, actor, row, &u))
}

/// The unit (or the council) reports a task's progress.
pub async fn report_progress(
    app: &App,
    actor: &Actor,
    id: i64,
    input: ProgressInput,
) -> Result<Task> {
    let problems = check_task("x", input.progress);
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(f, m)| FieldError::new(f, m))
                .collect(),
        ));
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let row = store::task(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("task"))?;
    let u = units::by_id(&mut tx, actor.tenant_id, row.unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    if !readable(actor, &u) {
        return Err(AppError::Forbidden);
    }
    let note: String = input.note.trim().chars().take(2000).collect();
    store::update_task_progress(
        &mut tx,
        actor.tenant_id,
        id,
        input.version,
        input.progress,
        &note,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "reform_task.progress",
            entity_type: "reform_task",
            entity_id: id.to_string(),
            before: Some(
                serde_json::json!({ "progress": row.progress, "note": row.progress_note }),
            ),
            after: Some(serde_json::json!({ "progress": input.progress, "note": note })),
        },
    )
    .await?;
    commit(tx).await?;
    let mut row = row;
    row.progress = input.progress;
    row.progress_note = note;
    row.version += 1;
    row.updated_at = now;
    Ok(task_view(app, actor, row, &u))
}

/// The year's tasks of the units the caller plans or belongs to, by due date.
pub async fn tasks(app: &App, actor: &Actor, year: i16) -> Result<Vec<Task>> {
    if !actor.can(Action::AppraiseReform) && !actor.can(Action::AssessReform) {
        return Err(AppError::Forbidden);
    }
    let mut conn = app.db.read_conn().await?;
    let all = units::list(&mut conn, actor.tenant_id).await?;
    let rows = store::tasks(&mut conn, actor.tenant_id, i64::from(year)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|t| {
            let u = all.iter().find(|u| u.id == t.unit_id)?;
            readable(actor, u).then(|| task_view(app, actor, t, u))
        })
        .collect())
}

/// The council records a discipline inspection of a unit.
pub async fn add_inspection(
    app: &App,
    actor: &Actor,
    input: InspectionInput,
) -> Result<Inspection> {
    let on = date("inspected_on", &input.inspected_on)?;
    let due = match input.follow_up_due.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(date("follow_up_due", s)?.to_string()),
    };
    let findings = input.findings.trim();
    if findings.is_empty() || findings.chars().count() > 5000 {
        return Err(AppError::invalid(
            "findings",
            "findings of at most 5000 characters",
        ));
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let u = unit(&mut tx, actor.tenant_id, &input.unit_code).await?;
    actor.require_at(Action::AppraiseReform, &u.path)?;
    let mut row = InspectionRow {
        id: 0,
        unit_id: u.id,
        inspected_on: on.to_string(),
        findings: findings.to_owned(),
        follow_up: input.follow_up.trim().chars().take(5000).collect(),
        follow_up_due: due,
        created_by: actor.user_id,
        created_at: now,
    };
    row.id = store::insert_inspection(&mut tx, actor.tenant_id, &row).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "reform_inspection.created",
            entity_type: "reform_inspection",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::to_value(&row).unwrap_or_default()),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(inspection_view(row, &u))
}

fn inspection_view(r: InspectionRow, u: &Unit) -> Inspection {
    Inspection {
        id: r.id,
        unit_code: u.code.clone(),
        unit_name: u.name.clone(),
        inspected_on: r.inspected_on,
        findings: r.findings,
        follow_up: r.follow_up,
        follow_up_due: r.follow_up_due,
    }
}

/// The year's inspections of the units the caller plans or belongs to, newest first.
pub async fn inspections(app: &App, actor: &Actor, year: i16) -> Result<Vec<Inspection>> {
    if !actor.can(Action::AppraiseReform) && !actor.can(Action::AssessReform) {
        return Err(AppError::Forbidden);
    }
    let mut conn = app.db.read_conn().await?;
    let all = units::list(&mut conn, actor.tenant_id).await?;
    let rows = store::inspections(
        &mut conn,
        actor.tenant_id,
        &format!("{year:04}-01-01"),
        &format!("{year:04}-12-31"),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let u = all.iter().find(|u| u.id == r.unit_id)?;
            readable(actor, u).then(|| inspection_view(r, u))
        })
        .collect())
}
