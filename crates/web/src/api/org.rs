//! Units and staff.

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::org::{self, By, StaffCreated, StaffInput, UnitInput, UnitUpdate};
use motcua_app::store::units::Unit;
use motcua_app::store::users::StaffEntry;
use serde::{Deserialize, Serialize};

/// A unit of the organisation tree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

fn views(units: &[Unit]) -> Vec<UnitView> {
    units
        .iter()
        .map(|u| UnitView {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            parent_code: u
                .parent_id
                .and_then(|p| units.iter().find(|x| x.id == p))
                .map(|p| p.code.clone()),
            valid_from: u.valid_from.clone(),
            valid_to: u.valid_to.clone(),
        })
        .collect()
}

/// All units of the province, in tree order (public).
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", responses((status = 200, body = Vec<UnitView>)))]
pub async fn list_units(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<UnitView>>> {
    Ok(Json(views(
        &org::list_units(&state.app, ctx.tenant.id).await?,
    )))
}

/// One unit (public).
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "organisation", params(("code" = String, Path)),
    responses((status = 200, body = UnitView), (status = 404, body = Problem)))]
pub async fn get_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<UnitView>> {
    let all = org::list_units(&state.app, ctx.tenant.id).await?;
    views(&all)
        .into_iter()
        .find(|u| u.code == code)
        .map(Json)
        .ok_or_else(crate::problem::ApiError::not_found)
}

/// Creates a unit under a parent the administrator manages.
#[utoipa::path(post, path = "/api/v1/units", tag = "organisation", request_body = UnitInput,
    responses((status = 201, body = UnitView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<UnitInput>,
) -> ApiResult<(StatusCode, Json<UnitView>)> {
    let parent_code = input.parent_code.clone();
    let unit = org::create_unit(&state.app, By::User(ctx.actor()?), input).await?;
    let mut view = views(std::slice::from_ref(&unit)).remove(0);
    view.parent_code = parent_code;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Changes a unit's name, kind or validity.
#[utoipa::path(put, path = "/api/v1/units/{code}", tag = "organisation", params(("code" = String, Path)), request_body = UnitUpdate,
    responses((status = 200, body = UnitView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    ApiJson(update): ApiJson<UnitUpdate>,
) -> ApiResult<Json<UnitView>> {
    org::update_unit(&state.app, By::User(ctx.actor()?), &code, update).await?;
    get_unit(State(state), ctx, ApiPath(code)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Items per page, 1–500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: String,
}

/// Staff of a unit and its sub-units (administrators of that unit only).
#[utoipa::path(get, path = "/api/v1/units/{code}/staff", tag = "organisation", params(("code" = String, Path), Paging),
    responses((status = 200, body = Vec<StaffView>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<StaffView>>> {
    let rows: Vec<StaffEntry> = org::staff(
        &state.app,
        ctx.actor()?,
        &code,
        paging.limit.unwrap_or(100),
        paging.offset.unwrap_or(0),
    )
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| StaffView {
                user_id: r.user_id,
                username: r.username,
                display_name: r.display_name,
                unit_code: r.unit_code,
                role: r.role,
            })
            .collect(),
    ))
}

/// Creates a staff account with one role at one unit.
#[utoipa::path(post, path = "/api/v1/users", tag = "organisation", request_body = StaffInput,
    responses((status = 201, body = StaffCreated), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<StaffInput>,
) -> ApiResult<(StatusCode, Json<StaffCreated>)> {
    let created = org::create_staff(&state.app, By::User(ctx.actor()?), input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
