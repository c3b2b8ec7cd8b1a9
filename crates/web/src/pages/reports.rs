//! Closed reporting periods: the list with their locked figures, and (for the reform office)
//! the form that locks a past period.

use super::{Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_app::org::By;
use motcua_app::reports::periods;
use motcua_domain::permission::Action;
use serde::Deserialize;

pub struct PeriodRow {
    pub from: String,
    pub to: String,
    pub locked_at: String,
    pub data_version: i64,
    pub received: i64,
    pub resolved: i64,
    pub pending: i64,
    pub overdue: i64,
    pub on_time_rate: String,
}

#[derive(Template)]
#[template(path = "report_periods.html")]
struct PeriodsPage {
    chrome: Chrome,
    rows: Vec<PeriodRow>,
    can_lock: bool,
    from: String,
    to: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PeriodsQuery {
    #[serde(default)]
    locked: Option<String>,
}

const PATH: &str = "/bao-cao/ky-bao-cao";

async fn page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    from: String,
    to: String,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let actor = match signed_in(
        ctx,
        PATH,
        |a| a.can(Action::ViewReports),
        "Bạn không có quyền xem báo cáo thống kê.",
    ) {
        Ok(a) => a,
        Err(response) => return Ok(*response),
    };
    let list = periods::list(&state.app, By::User(actor))
        .await
        .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, message_vi(&e)))?;
    let rows = list
        .iter()
        .map(|p| {
            let f = &p.figures.overall;
            PeriodRow {
                from: p.from.strftime("%d/%m/%Y").to_string(),
                to: p.to.strftime("%d/%m/%Y").to_string(),
                locked_at: p
                    .locked_at
                    .to_zoned(jiff::tz::offset(7).to_time_zone())
                    .strftime("%H:%M %d/%m/%Y")
                    .to_string(),
                data_version: p.data_version,
                received: f.received.total,
                resolved: f.resolved.total,
                pending: f.pending.total,
                overdue: f.pending.overdue,
                on_time_rate: f
                    .rates()
                    .on_time_rate
                    .map_or("—".to_owned(), |r| format!("{:.2}%", r * 100.0)),
            }
        })
        .collect();
    let mut response = render(&PeriodsPage {
        chrome: Chrome::of(ctx),
        rows,
        can_lock: actor.can(Action::ManageReports),
        from,
        to,
        error,
        notice,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// GET /bao-cao/ky-bao-cao
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodsQuery>,
) -> PageResult {
    let notice = q
        .locked
        .filter(|s| !s.is_empty())
        .map(|p| format!("Đã khóa kỳ báo cáo {p}. Số liệu của kỳ được lưu và không thay đổi."));
    page(
        &state,
        &ctx,
        StatusCode::OK,
        String::new(),
        String::new(),
        None,
        notice,
    )
    .await
}

#[derive(Deserialize)]
pub struct LockForm {
    csrf_token: String,
    from: String,
    to: String,
}

/// POST /bao-cao/ky-bao-cao: locks a period, then shows the list again.
pub async fn lock(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LockForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    match periods::lock(&state.app, actor, &form.from, &form.to).await {
        Ok(p) => Ok(Redirect::to(&format!(
            "{PATH}?locked={}%20%E2%80%93%20{}",
            p.from.strftime("%d/%m/%Y"),
            p.to.strftime("%d/%m/%Y")
        ))
        .into_response()),
        Err(e) => {
            let status = match &e {
                motcua_app::AppError::Forbidden => StatusCode::FORBIDDEN,
                motcua_app::AppError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page(
                &state,
                &ctx,
                status,
                form.from,
                form.to,
                Some(message_vi(&e)),
                None,
            )
            .await
        }
    }
}
