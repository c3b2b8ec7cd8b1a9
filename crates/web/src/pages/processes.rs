//! Administration of processes (quy trình): the list of procedures with their process
//! version, and one procedure's process, edited as a new version.

use super::public::encode;
use super::{Chrome, FormData, PageResult, form_actor, message_vi, render, signed_in, with_chrome};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use motcua_app::AppError;
use motcua_app::processes::{self, NewProcessVersion, ProcedureProcess, ProcessVersions, StepView};
use motcua_domain::org::Role;
use motcua_domain::permission::Action;
use motcua_domain::process::{MAX_STEPS, ProcessStep, StepKind};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_processes.html")]
struct ListPage {
    chrome: Chrome,
    procedures: Vec<ProcedureProcess>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = match signed_in(
        &ctx,
        "/quan-tri/quy-trinh",
        |a| a.can(Action::ManageProcesses),
        &message_vi(&AppError::Forbidden),
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let procedures = processes::list(&state.app, actor)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&ListPage {
        chrome: Chrome::of(&ctx),
        procedures,
    }))
}

/// One row of the edit form, as typed.
#[derive(Debug, Clone, Default)]
struct StepRow {
    kind: String,
    role: String,
    unit_code: String,
    share_percent: String,
    share_hours: String,
}

impl From<&StepView> for StepRow {
    fn from(s: &StepView) -> Self {
        StepRow {
            kind: s.kind.as_str().to_owned(),
            role: s.role.clone(),
            unit_code: s.unit_code.clone().unwrap_or_default(),
            share_percent: s.share_percent.map(|p| p.to_string()).unwrap_or_default(),
            share_hours: s.share_hours.map(|h| h.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_process.html")]
struct EditPage {
    chrome: Chrome,
    process: ProcessVersions,
    rows: Vec<StepRow>,
    valid_from: String,
    kinds: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
}

impl EditPage {
    fn date(&self, iso: &str) -> String {
        super::files::local_date(iso)
    }
}

/// Rows to show: the steps plus a few empty ones to add steps, at most `MAX_STEPS`.
fn with_blank_rows(mut rows: Vec<StepRow>) -> Vec<StepRow> {
    let target = (rows.len() + 3).min(MAX_STEPS);
    rows.resize_with(target.max(rows.len()), StepRow::default);
    rows
}

fn edit_page(
    ctx: &Ctx,
    process: ProcessVersions,
    rows: Option<Vec<StepRow>>,
    valid_from: String,
    error: Option<String>,
    notice: Option<String>,
) -> EditPage {
    let rows = rows.unwrap_or_else(|| process.current.steps.iter().map(StepRow::from).collect());
    EditPage {
        chrome: Chrome::of(ctx),
        rows: with_blank_rows(rows),
        valid_from,
        kinds: StepKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_vi()))
            .collect(),
        roles: [Role::CounterOfficer, Role::Specialist, Role::Leader]
            .iter()
            .map(|r| (r.as_str(), r.label_vi()))
            .collect(),
        process,
        error,
        notice,
    }
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(rename = "da-luu")]
    saved: Option<i64>,
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    query: Result<Query<SavedQuery>, QueryRejection>,
) -> PageResult {
    let back = format!("/quan-tri/quy-trinh/{}", encode(&code));
    let actor = match signed_in(
        &ctx,
        &back,
        |a| a.can(Action::ManageProcesses),
        &message_vi(&AppError::Forbidden),
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    if !processes::may_manage(&state.app, actor).await? {
        return Err(with_chrome(AppError::Forbidden, &ctx));
    }
    let process = processes::versions(&state.app, actor, &code)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let notice = query
        .ok()
        .and_then(|q| q.0.saved)
        .map(|v| format!("Đã lưu quy trình thành phiên bản {v}."));
    Ok(render(&edit_page(
        &ctx,
        process,
        None,
        String::new(),
        None,
        notice,
    )))
}

fn number(raw: &str) -> Result<Option<u32>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<u32>().map(Some).map_err(|_| ())
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let rows: Vec<StepRow> = (0..MAX_STEPS)
        .map(|i| StepRow {
            kind: form.get(&format!("kind_{i}")).trim().to_owned(),
            role: form.get(&format!("role_{i}")).trim().to_owned(),
            unit_code: form.get(&format!("unit_code_{i}")).trim().to_owned(),
            share_percent: form.get(&format!("share_percent_{i}")).trim().to_owned(),
            share_hours: form.get(&format!("share_hours_{i}")).trim().to_owned(),
        })
        .filter(|r| !r.kind.is_empty())
        .collect();
    let valid_from = form.get("valid_from").trim().to_owned();
    let mut steps = Vec::with_capacity(rows.len());
    let mut error = None;
    for (i, r) in rows.iter().enumerate() {
        let (Some(kind), Ok(share_percent), Ok(share_hours)) = (
            StepKind::parse(&r.kind),
            number(&r.share_percent),
            number(&r.share_hours),
        ) else {
            error = Some(format!(
                "Bước {}: chọn công việc và nhập thời gian bằng số nguyên.",
                i + 1
            ));
            break;
        };
        steps.push(ProcessStep {
            kind,
            role: r.role.clone(),
            unit_code: Some(r.unit_code.clone()).filter(|c| !c.is_empty()),
            share_percent,
            share_hours,
        });
    }
    let result = match error {
        Some(e) => Err(e),
        None => match processes::define(
            &state.app,
            actor,
            &code,
            NewProcessVersion {
                steps,
                valid_from: Some(valid_from.clone()),
                base_version: form.get("base_version").trim().parse().unwrap_or(-1),
            },
        )
        .await
        {
            Err(e @ (AppError::Forbidden | AppError::NotFound(_) | AppError::Internal(_))) => {
                return Err(with_chrome(e, &ctx));
            }
            other => other.map_err(|e| message_vi(&e)),
        },
    };
    match result {
        Ok(view) => Ok(Redirect::to(&format!(
            "/quan-tri/quy-trinh/{}?da-luu={}",
            encode(&code),
            view.version.unwrap_or(0)
        ))
        .into_response()),
        Err(message) => {
            let process = processes::versions(&state.app, actor, &code)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            let page = edit_page(&ctx, process, Some(rows), valid_from, Some(message), None);
            let status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok((status, render(&page)).into_response())
        }
    }
}
