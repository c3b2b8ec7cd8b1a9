//! Sign-in, sign-out, password change, citizen registration and personal API tokens.

use crate::client_addr::ClientAddr;
use crate::ctx::{Ctx, session_cookie};
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::auth::{self, Registration, Session};
use motcua_app::store::sessions::ApiToken;
use motcua_app::{Actor, RoleGrant};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// User name, e-mail or phone number.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub is_citizen: bool,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<RoleGrant>,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Me {
        Me {
            user_id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            is_citizen: a.is_citizen,
            grants: a.grants.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub user: Me,
    /// Send this in `X-CSRF-Token` with every cookie-authenticated request that changes data.
    pub csrf_token: String,
}

fn with_session(state: &AppState, status: StatusCode, session: Session) -> Response {
    let cookie = session_cookie(
        &session.token,
        state.app.settings.session_idle_secs,
        state.config.secure_cookies,
    );
    let body = SessionInfo {
        user: Me::from(&session.actor),
        csrf_token: session.csrf_token,
    };
    (status, [(header::SET_COOKIE, cookie)], Json(body)).into_response()
}

/// Signs in with a password and starts a session (cookie).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "account", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let session = auth::login(
        &state.app,
        ctx.tenant.id,
        &req.login,
        &req.password,
        &client,
    )
    .await?;
    Ok(with_session(&state, StatusCode::OK, session))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "account", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Response> {
    if let Some(token) = &ctx.session_token {
        auth::logout(&state.app, ctx.tenant.id, token).await?;
    }
    let cookie = session_cookie("", 0, state.config.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The signed-in user and their roles.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn me(ctx: Ctx) -> ApiResult<Json<Me>> {
    Ok(Json(Me::from(ctx.actor()?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the signed-in user's password; their other sessions end.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    auth::change_password(
        &state.app,
        ctx.actor()?,
        &req.current_password,
        &req.new_password,
        ctx.session_token.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Registers a citizen account (e-mail and/or phone + password) and signs in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "account", request_body = Registration,
    responses((status = 201, body = SessionInfo), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<Registration>,
) -> ApiResult<Response> {
    let session = auth::register_citizen(&state.app, ctx.tenant.id, req).await?;
    Ok(with_session(&state, StatusCode::CREATED, session))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub name: String,
    /// Days until the token expires (1–3650); never if absent.
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenCreated {
    /// The token, shown once. Send it as `Authorization: Bearer <token>`.
    pub token: String,
    #[schema(value_type = Object)]
    pub info: ApiToken,
}

/// Creates a personal API token.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "account", request_body = TokenRequest,
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    let created =
        auth::create_api_token(&state.app, ctx.actor()?, &req.name, req.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token: created.token,
            info: created.info,
        }),
    ))
}

/// The signed-in user's API tokens (without their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "account",
    responses((status = 200, body = Vec<Object>)), security(("session" = []), ("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(auth::api_tokens(&state.app, ctx.actor()?).await?))
}

/// Revokes one of the signed-in user's API tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "account", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    auth::revoke_api_token(&state.app, ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
