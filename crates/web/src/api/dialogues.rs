//! Dialogue conferences (hội nghị đối thoại): plan, questions sent beforehand, answers,
//! follow-up tasks, published minutes.

use crate::client_addr::ClientAddr;
use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::dialogues::{
    self, DialogueQuestionInput, DialogueQuestionReceipt, DialogueSummary, DialogueTaskInput,
    DialogueView, NewDialogueInput, PublicDialogue,
};
use serde::Deserialize;

/// Plans a conference (permission ManageDialogues at the unit).
#[utoipa::path(post, path = "/api/v1/dialogues", tag = "dialogues", request_body = NewDialogueInput,
    responses((status = 201, body = DialogueView), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NewDialogueInput>,
) -> ApiResult<(StatusCode, Json<DialogueView>)> {
    let view = dialogues::plan(&state.app, ctx.actor()?, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The conferences of the units the caller manages.
#[utoipa::path(get, path = "/api/v1/dialogues", tag = "dialogues",
    responses((status = 200, body = Vec<DialogueSummary>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<DialogueSummary>>> {
    Ok(Json(dialogues::list(&state.app, ctx.actor()?).await?))
}

/// Conferences taking questions, and published minutes with the answered questions (no
/// askers' details).
#[utoipa::path(get, path = "/api/v1/dialogues/public", tag = "dialogues",
    responses((status = 200, body = Vec<PublicDialogue>)))]
pub async fn public_list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<PublicDialogue>>> {
    Ok(Json(
        dialogues::public_list(&state.app, ctx.tenant.id).await?,
    ))
}

/// A conference with its questions (and who asked) and tasks, for its unit's staff.
#[utoipa::path(get, path = "/api/v1/dialogues/{id}", tag = "dialogues", params(("id" = i64, Path)),
    responses((status = 200, body = DialogueView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DialogueView>> {
    Ok(Json(dialogues::detail(&state.app, ctx.actor()?, id).await?))
}

/// Sends a question before the conference (answer the challenge of
/// `GET /api/v1/feedback/challenge`; name and contact optional and never published).
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/questions", tag = "dialogues", params(("id" = i64, Path)),
    request_body = DialogueQuestionInput,
    responses((status = 201, body = DialogueQuestionReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(client): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DialogueQuestionInput>,
) -> ApiResult<(StatusCode, Json<DialogueQuestionReceipt>)> {
    let receipt = dialogues::ask(&state.app, ctx.tenant.id, &client, id, input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueAnswerInput {
    pub answer: String,
}

/// Records the answer given to a question.
#[utoipa::path(put, path = "/api/v1/dialogues/{id}/questions/{question}/answer", tag = "dialogues",
    params(("id" = i64, Path), ("question" = i64, Path)), request_body = DialogueAnswerInput,
    responses((status = 200, body = DialogueView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, question)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DialogueAnswerInput>,
) -> ApiResult<Json<DialogueView>> {
    Ok(Json(
        dialogues::answer(&state.app, ctx.actor()?, id, question, &input.answer).await?,
    ))
}

/// Adds a follow-up task (owner, due date).
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/tasks", tag = "dialogues", params(("id" = i64, Path)),
    request_body = DialogueTaskInput,
    responses((status = 200, body = DialogueView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_task(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DialogueTaskInput>,
) -> ApiResult<Json<DialogueView>> {
    Ok(Json(
        dialogues::add_task(&state.app, ctx.actor()?, id, input).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueTaskDone {
    pub done: bool,
}

/// Marks a follow-up task done or not done.
#[utoipa::path(put, path = "/api/v1/dialogues/{id}/tasks/{task}", tag = "dialogues",
    params(("id" = i64, Path), ("task" = i64, Path)), request_body = DialogueTaskDone,
    responses((status = 200, body = DialogueView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn set_task(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, task)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DialogueTaskDone>,
) -> ApiResult<Json<DialogueView>> {
    Ok(Json(
        dialogues::set_task_done(&state.app, ctx.actor()?, id, task, input.done).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueMinutesInput {
    pub minutes: String,
}

/// Publishes the minutes; answered questions become public without the askers.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/publish", tag = "dialogues", params(("id" = i64, Path)),
    request_body = DialogueMinutesInput,
    responses((status = 200, body = DialogueView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DialogueMinutesInput>,
) -> ApiResult<Json<DialogueView>> {
    Ok(Json(
        dialogues::publish(&state.app, ctx.actor()?, id, &input.minutes).await?,
    ))
}
