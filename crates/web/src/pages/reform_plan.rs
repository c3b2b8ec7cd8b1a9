//! The yearly reform plan (tasks, progress, overdue warnings) and discipline inspections.

use super::reform_index::{REFUSAL, status_of, takes_part};
use super::with_chrome;
use super::{Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use motcua_app::reform_index as reform;
use motcua_app::{Actor, AppError};
use motcua_domain::permission::Action;
use serde::Deserialize;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/chi-so-cchc/ke-hoach", get(plan))
        .route("/chi-so-cchc/ke-hoach/them", post(add_task))
        .route("/chi-so-cchc/ke-hoach/tien-do", post(report_progress))
        .route("/chi-so-cchc/kiem-tra/them", post(add_inspection))
}

#[derive(Template)]
#[template(path = "reform_plan.html")]
struct PlanPage {
    chrome: Chrome,
    year: i16,
    tasks: Vec<reform::plan::Task>,
    inspections: Vec<reform::plan::Inspection>,
    overdue: usize,
    is_council: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    nam: Option<String>,
}

fn this_year() -> i16 {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7)))
        .year()
}

async fn plan_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    year: i16,
    error: Option<String>,
) -> Result<PlanPage, PageError> {
    let tasks = reform::plan::tasks(&state.app, actor, year).await?;
    let inspections = reform::plan::inspections(&state.app, actor, year).await?;
    Ok(PlanPage {
        chrome: Chrome::of(ctx),
        year,
        overdue: tasks
            .iter()
            .filter(|t| t.status == motcua_domain::reform_index::plan::TaskStatus::Overdue)
            .count(),
        tasks,
        inspections,
        is_council: actor.can(Action::AppraiseReform),
        error,
    })
}

pub async fn plan(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<YearQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let actor = match signed_in(&ctx, "/chi-so-cchc/ke-hoach", takes_part, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let year = query
        .ok()
        .and_then(|q| q.0.nam)
        .and_then(|y| y.parse::<i16>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year);
    Ok(render(&plan_page(&state, &ctx, actor, year, None).await?))
}

async fn after_plan_change(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    year: i16,
    result: Result<(), AppError>,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/chi-so-cchc/ke-hoach?nam={year}")).into_response()),
        Err(AppError::Forbidden) => Err(with_chrome(AppError::Forbidden, ctx)),
        Err(e) => {
            let page = plan_page(state, ctx, actor, year, Some(message_vi(&e))).await?;
            Ok((status_of(&e), render(&page)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TaskForm {
    csrf_token: String,
    year: i16,
    unit_code: String,
    title: String,
    #[serde(default)]
    owner_name: String,
    due_date: String,
}

pub async fn add_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TaskForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &f.csrf_token)?;
    let input = reform::plan::TaskInput {
        year: f.year,
        unit_code: f.unit_code,
        title: f.title,
        owner_name: f.owner_name,
        due_date: f.due_date,
    };
    let result = reform::plan::add_task(&state.app, actor, input)
        .await
        .map(|_| ());
    after_plan_change(&state, &ctx, actor, f.year, result).await
}

#[derive(Deserialize)]
pub struct ProgressForm {
    csrf_token: String,
    year: i16,
    id: i64,
    version: i64,
    progress: String,
    #[serde(default)]
    note: String,
}

pub async fn report_progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ProgressForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &f.csrf_token)?;
    let result = match f.progress.trim().parse::<i64>() {
        Ok(progress) => reform::plan::report_progress(
            &state.app,
            actor,
            f.id,
            reform::plan::ProgressInput {
                version: f.version,
                progress,
                note: f.note,
            },
        )
        .await
        .map(|_| ()),
        Err(_) => Err(AppError::invalid("progress", "a percentage")),
    };
    after_plan_change(&state, &ctx, actor, f.year, result).await
}

#[derive(Deserialize)]
pub struct InspectionForm {
    csrf_token: String,
    unit_code: String,
    inspected_on: String,
    findings: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    follow_up_due: String,
}

pub async fn add_inspection(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<InspectionForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &f.csrf_token)?;
    let year = f
        .inspected_on
        .get(..4)
        .and_then(|y| y.parse::<i16>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year);
    let input = reform::plan::InspectionInput {
        unit_code: f.unit_code,
        inspected_on: f.inspected_on,
        findings: f.findings,
        follow_up: f.follow_up,
        follow_up_due: Some(f.follow_up_due),
    };
    let result = reform::plan::add_inspection(&state.app, actor, input)
        .await
        .map(|_| ());
    after_plan_change(&state, &ctx, actor, year, result).await
}
