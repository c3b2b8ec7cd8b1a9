//! Errors as RFC 9457 `application/problem+json` for the API, with a stable `code` member.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use motcua_domain::catalogue::FieldError;
use serde::Serialize;

/// The media type of every API error.
pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation_failed`, `forbidden`, `duplicate_procedure_code`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Problems with individual fields of the request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An API error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub title: String,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, title: &str) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            title: title.into(),
            detail: None,
            errors: vec![],
            retry_after: None,
        }
    }
    pub fn detail(mut self, detail: impl Into<String>) -> ApiError {
        self.detail = Some(detail.into());
        self
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "Not found")
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let code = err.code();
        let (status, title) = match &err {
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "Authentication required"),
            AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "Wrong user name or password"),
            AppError::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many attempts")
            }
            AppError::Forbidden => (StatusCode::FORBIDDEN, "Not allowed"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
            AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input"),
            AppError::Conflict { .. } => (StatusCode::CONFLICT, "Conflict"),
            AppError::Stale => (StatusCode::CONFLICT, "Changed by someone else"),
            AppError::Rule { conflict: true, .. } => (
                StatusCode::CONFLICT,
                "Not possible in the file's current state",
            ),
            AppError::Rule {
                conflict: false, ..
            } => (StatusCode::UNPROCESSABLE_ENTITY, "The action is not valid"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        };
        let mut api = ApiError::new(status, code, title);
        match err {
            AppError::Validation(errors) => api.errors = errors,
            AppError::Internal(message) => {
                // Logged here, never sent: internals may name tables or values.
                tracing::error!(%message, "internal error");
            }
            AppError::TooManyAttempts { retry_after_secs } => {
                api.retry_after = Some(retry_after_secs);
                api.detail = Some(err.to_string());
            }
            other => api.detail = Some(other.to_string()),
        }
        api
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: format!("https://motcua.dev/problems/{}", self.code),
            title: self.title,
            status: self.status.as_u16(),
            code: self.code,
            detail: self.detail,
            errors: self.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
