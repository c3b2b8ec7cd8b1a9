//! Reports: the handling report (Biểu 06) as JSON, XLSX, CSV and PDF.

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::org::By;
use motcua_app::reports::{self, GroupBy, HandlingInput, HandlingReport};
use serde::Deserialize;

/// Parameters of the handling report.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandlingQuery {
    /// First day, `YYYY-MM-DD` (local, inclusive).
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (local, inclusive).
    #[serde(default)]
    pub to: String,
    /// A unit code (default: the whole province).
    pub unit: Option<String>,
    /// Roll the unit's sub-units up into it (default `true`).
    pub subunits: Option<bool>,
    /// A field (lĩnh vực) code.
    pub field: Option<String>,
    /// `unit`, `field`, `procedure` or `none` (default).
    pub group_by: Option<String>,
}

async fn report(state: &AppState, ctx: &Ctx, q: HandlingQuery) -> ApiResult<HandlingReport> {
    let actor = ctx.actor()?;
    let group_by = match GroupBy::parse(q.group_by.as_deref().unwrap_or("")) {
        Some(g) => g,
        None => {
            return Err(motcua_app::AppError::invalid(
                "group_by",
                "unit, field, procedure or none",
            )
            .into());
        }
    };
    let input = HandlingInput {
        from: q.from,
        to: q.to,
        unit: q.unit,
        include_subunits: q.subunits.unwrap_or(true),
        field: q.field,
        group_by,
    };
    Ok(reports::handling(&state.app, By::User(actor), &input).await?)
}

pub(crate) fn attachment(content_type: &str, name: String, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn file_name(r: &HandlingReport, ext: &str) -> String {
    format!("bieu06-{}-{}.{ext}", r.from, r.to)
}

/// Biểu 06: received, resolved, pending and withdrawn files of a period, by unit, field or
/// procedure, with the totals and rates. Each column's rule is in the README.
#[utoipa::path(get, path = "/api/v1/reports/handling", tag = "reports", params(HandlingQuery),
    responses((status = 200, body = HandlingReport), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn handling(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<HandlingQuery>,
) -> ApiResult<Json<HandlingReport>> {
    Ok(Json(report(&state, &ctx, q).await?))
}

/// The same as a spreadsheet in the official layout (merged headings, totals line).
#[utoipa::path(get, path = "/api/v1/reports/handling.xlsx", tag = "reports", params(HandlingQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn handling_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<HandlingQuery>,
) -> ApiResult<Response> {
    let r = report(&state, &ctx, q).await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name(&r, "xlsx"),
        reports::xlsx(&r)?,
    ))
}

/// The same as CSV (UTF-8 with BOM, one line per row, then the totals).
#[utoipa::path(get, path = "/api/v1/reports/handling.csv", tag = "reports", params(HandlingQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn handling_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<HandlingQuery>,
) -> ApiResult<Response> {
    let r = report(&state, &ctx, q).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        file_name(&r, "csv"),
        reports::csv(&r).into_bytes(),
    ))
}

/// The same as a landscape PDF.
#[utoipa::path(get, path = "/api/v1/reports/handling.pdf", tag = "reports", params(HandlingQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn handling_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<HandlingQuery>,
) -> ApiResult<Response> {
    let r = report(&state, &ctx, q).await?;
    let pdf = reports::handling_pdf(&state.app, ctx.tenant.id, &r).await?;
    Ok(attachment("application/pdf", file_name(&r, "pdf"), pdf))
}

/// A period to lock: local dates, inclusive.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LockRequest {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`; the period must be over.
    pub to: String,
}

/// Locks (closes) a past reporting period: the province's and each unit's figures are stored
/// with the data version they came from and never change; later corrections appear as
/// `adjustments` in the report of the next period. Reform office only; overlapping periods
/// are refused (409 `report.period_locked`).
#[utoipa::path(post, path = "/api/v1/reports/periods", tag = "reports", request_body = LockRequest,
    responses((status = 201, body = reports::periods::ReportPeriod), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn lock_period(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<LockRequest>,
) -> ApiResult<(StatusCode, Json<reports::periods::ReportPeriod>)> {
    let period = reports::periods::lock(&state.app, ctx.actor()?, &input.from, &input.to).await?;
    Ok((StatusCode::CREATED, Json(period)))
}

/// The locked reporting periods, newest first, with their stored figures.
#[utoipa::path(get, path = "/api/v1/reports/periods", tag = "reports",
    responses((status = 200, body = Vec<reports::periods::ReportPeriod>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn periods(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<reports::periods::ReportPeriod>>> {
    let actor = ctx.actor()?;
    Ok(Json(
        reports::periods::list(&state.app, By::User(actor)).await?,
    ))
}
