//! Feedback and petitions (phản ánh, kiến nghị): submission, follow-up by code and secret,
//! staff work lists and actions, published answers, statistics, personal-data requests.

use crate::client_addr::ClientAddr;
use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::feedback::challenge::{self, Challenge};
use motcua_app::feedback::{
    self, ActionInput, FeedbackReceipt, FeedbackStats, FeedbackView, PersonalData, PublicStatus,
    PublishedAnswer, QueueItem, QueueQuery, StatsQuery, Submission, Submitter,
};
use motcua_app::satisfaction::{SatisfactionQuery, SatisfactionReport};
use motcua_domain::feedback::FeedbackAction;
use serde::Deserialize;

/// A check question to answer when sending feedback without an account.
#[utoipa::path(get, path = "/api/v1/feedback/challenge", tag = "feedback",
    responses((status = 200, body = Challenge)))]
pub async fn challenge(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Challenge>> {
    Ok(Json(challenge::issue(&state.app, ctx.tenant.id).await?))
}

/// Sends feedback: without an account (answer the challenge), as a signed-in citizen, or, for
/// staff, recorded from the counter, a phone call or a chat (`channel`). Returns the code and
/// the secret to follow it with (shown once).
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = Submission,
    responses((status = 201, body = FeedbackReceipt), (status = 403, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(client): ClientAddr,
    ApiJson(input): ApiJson<Submission>,
) -> ApiResult<(StatusCode, Json<FeedbackReceipt>)> {
    let who = match &ctx.actor {
        None => Submitter::Anonymous {
            tenant_id: ctx.tenant.id,
            client: &client,
        },
        Some(a) if a.is_citizen => Submitter::Citizen {
            actor: a,
            client: &client,
        },
        Some(a) => Submitter::Staff(a),
    };
    let receipt = feedback::submit(&state.app, who, input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Work list of a unit: open items (default), due soon, overdue or all; most urgent first.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItem>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Json<Vec<QueueItem>>> {
    Ok(Json(feedback::queue(&state.app, ctx.actor()?, &q).await?))
}

/// An item with the sender's details and its history (staff of the units in charge).
#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = FeedbackView), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::detail(&state.app, ctx.actor()?, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackActionRequest {
    pub action: ActionInput,
    /// The version you saw; a changed item gets 409.
    pub version: Option<i64>,
}

/// A workflow action: accept, reject, ask_info, forward, answer, return_answer, approve,
/// publish, close.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/actions", tag = "feedback", params(("id" = i64, Path)),
    request_body = FeedbackActionRequest,
    responses((status = 200, body = FeedbackView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FeedbackActionRequest>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(
        feedback::act(&state.app, ctx.actor()?, id, req.action, req.version).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackLookup {
    pub code: String,
    pub secret: String,
}

/// The sender follows their item with its code and secret.
#[utoipa::path(post, path = "/api/v1/feedback/lookup", tag = "feedback", request_body = FeedbackLookup,
    responses((status = 200, body = PublicStatus), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<FeedbackLookup>,
) -> ApiResult<Json<PublicStatus>> {
    Ok(Json(
        feedback::lookup(&state.app, ctx.tenant.id, &req.code, &req.secret).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderActionRequest {
    pub code: String,
    pub secret: String,
    /// `provide_info` or `rate`.
    pub action: FeedbackAction,
}

/// The sender adds the information asked for, or says whether the answer satisfied them.
#[utoipa::path(post, path = "/api/v1/feedback/lookup/actions", tag = "feedback", request_body = SenderActionRequest,
    responses((status = 200, body = PublicStatus), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn sender_act(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<SenderActionRequest>,
) -> ApiResult<Json<PublicStatus>> {
    Ok(Json(
        feedback::sender_act(
            &state.app,
            ctx.tenant.id,
            &req.code,
            &req.secret,
            req.action,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishedPage {
    /// 1-based page of 50.
    pub page: Option<i64>,
}

/// Published answers (no personal data of the senders).
#[utoipa::path(get, path = "/api/v1/feedback/published", tag = "feedback", params(PublishedPage),
    responses((status = 200, body = Vec<PublishedAnswer>)))]
pub async fn published(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(p): ApiQuery<PublishedPage>,
) -> ApiResult<Json<Vec<PublishedAnswer>>> {
    Ok(Json(
        feedback::published(&state.app, ctx.tenant.id, p.page.unwrap_or(1)).await?,
    ))
}

/// On-time statistics per unit for a period.
#[utoipa::path(get, path = "/api/v1/feedback/stats", tag = "feedback", params(StatsQuery),
    responses((status = 200, body = FeedbackStats), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn stats(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<FeedbackStats>> {
    Ok(Json(feedback::stats(&state.app, ctx.actor()?, &q).await?))
}

/// The signed-in citizen's own items.
#[utoipa::path(get, path = "/api/v1/me/feedback", tag = "feedback",
    responses((status = 200, body = Vec<QueueItem>), (status = 401, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<QueueItem>>> {
    Ok(Json(feedback::mine(&state.app, ctx.actor()?).await?))
}

/// Exports the sender's personal data (a request by the sender; audited).
#[utoipa::path(get, path = "/api/v1/feedback/{id}/personal-data", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = PersonalData), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn export_personal_data(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonalData>> {
    Ok(Json(
        feedback::export_personal_data(&state.app, ctx.actor()?, id).await?,
    ))
}

/// Erases the sender's name and contact details (a request by the sender; audited).
#[utoipa::path(delete, path = "/api/v1/feedback/{id}/personal-data", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn erase_personal_data(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    feedback::erase_personal_data(&state.app, ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Citizen satisfaction: applicants' evaluations of finished files (Circular 01/2018) added up
/// per unit, field, procedure or officer for a period.
#[utoipa::path(get, path = "/api/v1/reports/satisfaction", tag = "reports", params(SatisfactionQuery),
    responses((status = 200, body = SatisfactionReport), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn satisfaction(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<SatisfactionQuery>,
) -> ApiResult<Json<SatisfactionReport>> {
    Ok(Json(
        motcua_app::satisfaction::report(&state.app, ctx.actor()?, &q).await?,
    ))
}

/// The same as an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/reports/satisfaction.xlsx", tag = "reports", params(SatisfactionQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn satisfaction_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<SatisfactionQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let r = motcua_app::satisfaction::report(&state.app, ctx.actor()?, &q).await?;
    let body = motcua_app::satisfaction::xlsx(&r)?;
    let name = format!("hai-long-{}-{}-{}.xlsx", r.by, r.from, r.to);
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
