//! Survey campaigns (khảo sát): questionnaires written and published by the reform office,
//! anonymous answers, results as JSON and XLSX.

use crate::client_addr::ClientAddr;
use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::surveys::{
    self, NewSurveyInput, SurveyResponseInput, SurveyResponseReceipt, SurveyResults, SurveySummary,
    SurveyView,
};

/// Writes a survey as a draft (permission ManageSurveys at its unit).
#[utoipa::path(post, path = "/api/v1/surveys", tag = "surveys", request_body = NewSurveyInput,
    responses((status = 201, body = SurveyView), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NewSurveyInput>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    let view = surveys::create(&state.app, ctx.actor()?, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The surveys of the units the caller manages, newest first.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys",
    responses((status = 200, body = Vec<SurveySummary>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<SurveySummary>>> {
    Ok(Json(surveys::list(&state.app, ctx.actor()?).await?))
}

/// A published survey (anyone) or a draft (those who manage it).
#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(
        surveys::get(&state.app, ctx.tenant.id, ctx.actor.as_ref(), id).await?,
    ))
}

/// Opens a draft to answers from its first day.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/publish", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(surveys::publish(&state.app, ctx.actor()?, id).await?))
}

/// Stops taking answers.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/close", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(surveys::close(&state.app, ctx.actor()?, id).await?))
}

/// Answers a survey anonymously (answer the challenge of `GET /api/v1/feedback/challenge`).
/// Nothing personal is stored with the answers. A survey not open is 409.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/responses", tag = "surveys", params(("id" = i64, Path)),
    request_body = SurveyResponseInput,
    responses((status = 201, body = SurveyResponseReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn respond(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(client): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SurveyResponseInput>,
) -> ApiResult<(StatusCode, Json<SurveyResponseReceipt>)> {
    let receipt = surveys::respond(&state.app, ctx.tenant.id, &client, id, input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Results: counts per option, mean of each scale, free-text answers.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyResults), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn results(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyResults>> {
    Ok(Json(surveys::results(&state.app, ctx.actor()?, id).await?))
}

/// The results as an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results.xlsx", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn results_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let r = surveys::results(&state.app, ctx.actor()?, id).await?;
    let body = surveys::results_xlsx(&r)?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"khao-sat-{id}.xlsx\""),
            ),
        ],
        body,
    )
        .into_response())
}
