//! Chat webhooks (the chat lookup) and the applicant's opt-out from messages.

use crate::ctx::Ctx;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use motcua_app::chat::{self, ChatPlatform, WebhookError};
use motcua_app::notify_prefs::{self, OptOutRequest, OptOutResult};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookAck {
    /// Whether a reply was queued (false for events that need none, and for a message
    /// delivered again).
    pub replied: bool,
}

/// Answers a citizen's message with the file's status or matching procedures, through any
/// chat platform (`platform` implements the seam).
async fn webhook(
    state: &AppState,
    ctx: &Ctx,
    platform: &dyn ChatPlatform,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Json<WebhookAck>> {
    let signature = headers
        .get(platform.signature_header())
        .and_then(|v| v.to_str().ok());
    let refused = |e: WebhookError| match e {
        WebhookError::BadSignature => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "The webhook signature is missing or wrong",
        ),
        WebhookError::Stale => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "stale_event",
            "The event was sent outside the replay window",
        ),
        WebhookError::Malformed(m) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_event",
            "The event is not in the platform's format",
        )
        .detail(m),
    };
    let config = &state.config.chat;
    let now_ms = state.app.now().as_millisecond();
    let (envelope, message) = platform
        .verify(signature, body)
        .and_then(|()| platform.envelope(body))
        .and_then(|env| chat::check_window(config, &env, now_ms).map(|()| env))
        .and_then(|env| Ok((env, platform.message(body)?)))
        .map_err(refused)?;
    let Some(message) = message else {
        return Ok(Json(WebhookAck { replied: false }));
    };
    let reply = chat::answer(
        &state.app,
        ctx.tenant.id,
        &message.text,
        state.config.public_url.as_deref(),
    )
    .await?;
    let replied = chat::queue_reply(
        &state.app,
        ctx.tenant.id,
        platform.name(),
        config,
        &envelope,
        &message,
        &reply,
    )
    .await?;
    Ok(Json(WebhookAck { replied }))
}

/// Zalo Official Account webhook: `user_send_text` events signed with `X-ZEvent-Signature`
/// (`mac=` SHA-256 of app id + body + timestamp + OA secret key). A file code with its PIN or
/// phone number gets the file's status; other text is searched in the catalogue. The answer
/// goes out as a job through the Zalo gateway. Events stamped outside `[chat]
/// replay_window_seconds` are refused (401 `stale_event`); a re-delivered event is answered once.
#[utoipa::path(post, path = "/api/v1/chat/zalo", tag = "chat",
    request_body(content = Object, description = "A Zalo OA webhook event"),
    responses((status = 200, body = WebhookAck), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn zalo(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<WebhookAck>> {
    let Some(zalo) = chat::zalo_for(&state.config.chat, &ctx.tenant.code) else {
        return Err(ApiError::not_found().detail("no Zalo Official Account is configured"));
    };
    webhook(&state, &ctx, &zalo, &headers, &body).await
}

/// Ngừng nhận tin: stops SMS, e-mail or Zalo messages to the contact of a file, proven by the
/// file code and the PIN (or phone number) like the public lookup.
#[utoipa::path(post, path = "/api/v1/notifications/opt-out", tag = "files",
    request_body = OptOutRequest,
    responses((status = 200, body = OptOutResult), (status = 404, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn opt_out(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<OptOutRequest>,
) -> ApiResult<Json<OptOutResult>> {
    Ok(Json(
        notify_prefs::opt_out(&state.app, ctx.tenant.id, &req).await?,
    ))
}
