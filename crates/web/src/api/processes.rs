//! Processes (quy trình) per procedure: staff read them, administrators of the whole
//! organisation add versions. Versions are never changed: a change is a new version.

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::processes::{self, NewProcessVersion, ProcessVersions, ProcessView};

/// A procedure's process: the one files received today follow (a version, or the default
/// process) and every version, newest first.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/processes", tag = "catalogue", params(("code" = String, Path)),
    responses((status = 200, body = ProcessVersions), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<ProcessVersions>> {
    Ok(Json(
        processes::versions(&state.app, ctx.actor()?, &code).await?,
    ))
}

/// The process files of the procedure received today follow.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/processes/current", tag = "catalogue", params(("code" = String, Path)),
    responses((status = 200, body = ProcessView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn current(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<ProcessView>> {
    Ok(Json(
        processes::current(&state.app, ctx.actor()?, &code).await?,
    ))
}

/// Adds a version of the procedure's process. Rule violations answer 422 with a `process.*`
/// code; a version added since `base_version` answers 409 `stale_version`.
#[utoipa::path(post, path = "/api/v1/procedures/{code}/processes", tag = "catalogue", params(("code" = String, Path)),
    request_body = NewProcessVersion,
    responses((status = 201, body = ProcessView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn define(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<NewProcessVersion>,
) -> ApiResult<(StatusCode, Json<ProcessView>)> {
    let view = processes::define(&state.app, ctx.actor()?, &code, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}
