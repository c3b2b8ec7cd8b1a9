//! Background jobs, for administrators: what is queued, running, done or dead, and a retry
//! for dead letters.

use crate::ctx::Ctx;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use motcua_app::jobs;
use motcua_app::store::jobs::JobRow;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct JobQuery {
    /// queued, running, done or dead (default dead).
    pub state: Option<String>,
    /// Items per page, 1–500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Jobs in one state, most recently changed first (administrators).
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "jobs", params(JobQuery),
    responses((status = 200, body = Vec<JobRow>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<JobQuery>,
) -> ApiResult<Json<Vec<JobRow>>> {
    let rows = jobs::list(
        &state.app,
        ctx.actor()?,
        query.state.as_deref().unwrap_or("dead"),
        query.limit.unwrap_or(100),
        query.offset.unwrap_or(0),
    )
    .await?;
    Ok(Json(rows))
}

/// Puts a dead job back in the queue with a fresh count of attempts (administrators).
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/retry", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobRow), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`job_not_dead`: only dead jobs can be retried")),
    security(("session" = []), ("bearer" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<JobRow>> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    Ok(Json(jobs::retry(&state.app, ctx.actor()?, id).await?))
}
