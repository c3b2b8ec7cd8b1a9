//! Who is asking: the tenant (from the Host header) and the signed-in user, from a session
//! cookie or an `Authorization: Bearer` API token. Cookie-authenticated API calls that change
//! data must carry the session's CSRF token in `X-CSRF-Token`.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use motcua_app::store::tenants::Tenant;
use motcua_app::{Actor, AppError, auth, tenancy};

pub const SESSION_COOKIE: &str = "motcua_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The request's tenant and, if signed in, its user.
#[derive(Clone)]
pub struct Ctx {
    pub tenant: Tenant,
    pub actor: Option<Actor>,
    /// The session's CSRF token (cookie sessions only).
    pub csrf: Option<String>,
    /// The raw session token from the cookie, if any (to log out or keep on password change).
    pub session_token: Option<String>,
}

impl Ctx {
    pub fn actor(&self) -> Result<&Actor, ApiError> {
        self.actor
            .as_ref()
            .ok_or_else(|| AppError::Unauthenticated.into())
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let tenant =
            tenancy::resolve(&state.app, host, state.config.default_tenant.as_deref()).await?;
        let mut ctx = Ctx {
            tenant,
            actor: None,
            csrf: None,
            session_token: None,
        };
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "bad_authorization",
                        "Use Authorization: Bearer <token>",
                    )
                })?;
            let actor = auth::token_actor(&state.app, ctx.tenant.id, token.trim())
                .await?
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "invalid_token",
                        "Unknown, expired or revoked token",
                    )
                })?;
            ctx.actor = Some(actor);
        } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
            if let Some((actor, csrf)) =
                auth::session_actor(&state.app, ctx.tenant.id, token).await?
            {
                ctx.actor = Some(actor);
                ctx.csrf = Some(csrf);
                ctx.session_token = Some(token.to_owned());
            }
            // Nested routers see a stripped path; the original URI tells whether this is the API.
            let path = parts
                .extensions
                .get::<OriginalUri>()
                .map_or_else(|| parts.uri.path().to_owned(), |o| o.0.path().to_owned());
            let is_api = path.starts_with("/api/");
            if is_api
                && is_unsafe(&parts.method)
                && let Some(expected) = &ctx.csrf
            {
                let submitted = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                if !auth::csrf_ok(expected, submitted) {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf_failed",
                        "Send the session's CSRF token in X-CSRF-Token",
                    ));
                }
            }
        }
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// Builds the `Set-Cookie` value of a session cookie (or of its removal when `token` is empty).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = if token.is_empty() { 0 } else { max_age_secs };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}
