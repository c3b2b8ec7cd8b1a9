//! The working calendar: year view and deadline tool (public), edits (administrators).

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use jiff::civil::Date;
use motcua_app::calendar::{self, DayInput, DeadlineQuery, DeadlineView, YearView};
use motcua_domain::calendar::WorkingHours;
use serde::{Deserialize, Serialize};

/// A year of the calendar: special days and working days per month.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i16, Path)),
    responses((status = 200, body = YearView), (status = 422, body = Problem)))]
pub async fn year(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(year): ApiPath<String>,
) -> ApiResult<Json<YearView>> {
    let year: i16 = year.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "The year must be a number",
        )
    })?;
    Ok(Json(calendar::year(&state.app, ctx.tenant.id, year).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Versioned {
    /// The calendar's new version.
    pub version: i64,
}

/// Adds a day off or a make-up working day for the whole province.
#[utoipa::path(post, path = "/api/v1/calendar/days", tag = "calendar", request_body = DayInput,
    responses((status = 200, body = Versioned), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_day(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<DayInput>,
) -> ApiResult<Json<Versioned>> {
    let version = calendar::add_day(&state.app, ctx.actor()?, input).await?;
    Ok(Json(Versioned { version }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VersionParam {
    /// The version of the calendar you saw.
    pub version: i64,
}

/// Removes a holiday, compensation day, swap or make-up day.
#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "calendar", params(("date" = String, Path), VersionParam),
    responses((status = 200, body = Versioned), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn remove_day(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(date): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<Json<Versioned>> {
    let date: Date = date.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "The date must be YYYY-MM-DD",
        )
    })?;
    let version = calendar::remove_day(&state.app, ctx.actor()?, date, v.version).await?;
    Ok(Json(Versioned { version }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub version: i64,
    pub imported: usize,
}

/// Imports announced days: `text/csv` (header `date,kind,name,source`) or a JSON list.
#[utoipa::path(post, path = "/api/v1/calendar/import", tag = "calendar", params(VersionParam),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(v): ApiQuery<VersionParam>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Imported>> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "The file must be UTF-8 text",
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (version, imported) =
        calendar::import_days(&state.app, ctx.actor()?, text, json, v.version).await?;
    Ok(Json(Imported { version, imported }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursInput {
    /// The weekly pattern and exceptions; `null` goes back to the default.
    #[schema(value_type = Option<Object>)]
    pub working_hours: Option<WorkingHours>,
    /// The calendar version you saw (province-wide hours only).
    #[serde(default)]
    pub version: i64,
}

/// Sets the province's default working hours.
#[utoipa::path(put, path = "/api/v1/calendar/working-hours", tag = "calendar", request_body = HoursInput,
    responses((status = 200, body = Versioned), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn set_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<HoursInput>,
) -> ApiResult<Json<Versioned>> {
    let version =
        calendar::set_tenant_hours(&state.app, ctx.actor()?, input.working_hours, input.version)
            .await?;
    Ok(Json(Versioned { version }))
}

/// Sets a unit's own working hours.
#[utoipa::path(put, path = "/api/v1/units/{code}/working-hours", tag = "calendar", params(("code" = String, Path)),
    request_body = HoursInput,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn set_unit_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<HoursInput>,
) -> ApiResult<StatusCode> {
    calendar::set_unit_hours(&state.app, ctx.actor()?, &code, input.working_hours).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Computes a deadline and explains it step by step.
#[utoipa::path(post, path = "/api/v1/calendar/deadline", tag = "calendar", request_body = DeadlineQuery,
    responses((status = 200, body = DeadlineView), (status = 422, body = Problem)))]
pub async fn deadline(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(query): ApiJson<DeadlineQuery>,
) -> ApiResult<Json<DeadlineView>> {
    Ok(Json(
        calendar::deadline(&state.app, ctx.tenant.id, &query).await?,
    ))
}
