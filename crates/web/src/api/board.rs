//! Trends and the service-quality index (Decision 766) for staff with report permission.

use super::reports::attachment;
use crate::ctx::Ctx;
use crate::extract::ApiQuery;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use motcua_app::org::By;
use motcua_app::reports::board::{self, BoardInput, Trends};
use motcua_app::reports::service_index::{self, IndexInput, ServiceIndexReport};
use serde::Deserialize;

/// A period, a unit and a field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// First day, `YYYY-MM-DD` (local, inclusive).
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (local, inclusive); at most 36 calendar months after `from`.
    #[serde(default)]
    pub to: String,
    /// A unit code: the unit and its sub-units (default: the province, or your own unit).
    pub unit: Option<String>,
    /// A field (lĩnh vực) code.
    pub field: Option<String>,
}

/// The handling report (Biểu 06) month by month: each month's figures and rates (on-time
/// rate, online share, online-or-post share, late files with an apology), and the whole
/// period's. The months' new, resolved and withdrawn files add up to the period's.
#[utoipa::path(get, path = "/api/v1/reports/trends", tag = "reports", params(TrendsQuery),
    responses((status = 200, body = Trends), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn trends(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<TrendsQuery>,
) -> ApiResult<Json<Trends>> {
    let actor = ctx.actor()?;
    let input = BoardInput {
        from: q.from,
        to: q.to,
        unit: q.unit,
        field: q.field,
    };
    Ok(Json(
        board::trends(&state.app, By::User(actor), &input).await?,
    ))
}

/// A period and a unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceIndexQuery {
    /// First day, `YYYY-MM-DD` (local, inclusive).
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (local, inclusive).
    #[serde(default)]
    pub to: String,
    /// A unit code: that unit and its sub-units, one line each (default: the province, or
    /// your own unit).
    pub unit: Option<String>,
}

/// The service-quality index (Decision 766/QĐ-TTg) per unit for a period, highest first, with
/// each group's and sub-indicator's points, ratio and status. The definitions are versioned
/// data NOT yet checked against the official text (`verified: false`).
#[utoipa::path(get, path = "/api/v1/reports/service-index", tag = "reports", params(ServiceIndexQuery),
    responses((status = 200, body = ServiceIndexReport), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn service_index(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ServiceIndexQuery>,
) -> ApiResult<Json<ServiceIndexReport>> {
    Ok(Json(index_report(&state, &ctx, q).await?))
}

impl ServiceIndexQuery {
    fn input(self) -> IndexInput {
        IndexInput {
            from: self.from,
            to: self.to,
            unit: self.unit,
        }
    }
}

async fn index_report(
    state: &AppState,
    ctx: &Ctx,
    q: ServiceIndexQuery,
) -> ApiResult<ServiceIndexReport> {
    let actor = ctx.actor()?;
    Ok(service_index::service_index(&state.app, By::User(actor), &q.input()).await?)
}

fn index_file_name(r: &ServiceIndexReport, ext: &str) -> String {
    let scope = r.unit.as_ref().map_or("tinh", |u| u.code.as_str());
    // Unit codes are dotted ASCII (000.21.20.H48); anything else is replaced.
    let scope: String = scope
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("chi-so-phuc-vu-{scope}-{}-{}.{ext}", r.from, r.to)
}

/// The service-quality index as a spreadsheet: the ranking (each group's points, total,
/// points available) and a sheet with every sub-indicator of every unit.
#[utoipa::path(get, path = "/api/v1/reports/service-index.xlsx", tag = "reports", params(ServiceIndexQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn service_index_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ServiceIndexQuery>,
) -> ApiResult<Response> {
    let r = index_report(&state, &ctx, q).await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        index_file_name(&r, "xlsx"),
        service_index::index_xlsx(&r)?,
    ))
}

/// Every sub-indicator of every unit as CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/reports/service-index.csv", tag = "reports", params(ServiceIndexQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn service_index_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ServiceIndexQuery>,
) -> ApiResult<Response> {
    let r = index_report(&state, &ctx, q).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        index_file_name(&r, "csv"),
        service_index::index_csv(&r).into_bytes(),
    ))
}

/// The ranking as a landscape PDF.
#[utoipa::path(get, path = "/api/v1/reports/service-index.pdf", tag = "reports", params(ServiceIndexQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn service_index_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ServiceIndexQuery>,
) -> ApiResult<Response> {
    let r = index_report(&state, &ctx, q).await?;
    let pdf = service_index::index_pdf(&state.app, ctx.tenant.id, &r).await?;
    Ok(attachment(
        "application/pdf",
        index_file_name(&r, "pdf"),
        pdf,
    ))
}
