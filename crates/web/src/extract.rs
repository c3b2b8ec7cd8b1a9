//! Extractors whose rejections are problem+json instead of axum's plain text.

use crate::problem::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// JSON body; unknown fields, wrong types, malformed JSON and oversized bodies become 4xx problems.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> ApiError {
    let (code, title) = match rejection {
        JsonRejection::JsonDataError(_) => {
            ("invalid_body", "The JSON does not have the expected shape")
        }
        JsonRejection::JsonSyntaxError(_) => ("malformed_json", "The body is not valid JSON"),
        JsonRejection::MissingJsonContentType(_) => (
            "unsupported_media_type",
            "Send Content-Type: application/json",
        ),
        _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ("body_too_large", "The body is too large")
        }
        _ => ("bad_request", "The body could not be read"),
    };
    let status = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        StatusCode::PAYLOAD_TOO_LARGE
    } else if code == "unsupported_media_type" {
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    } else if code == "invalid_body" {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError::new(status, code, title).detail(truncate(&rejection.body_text(), 300))
}

/// Query string; bad values become a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    "The query string has a bad value",
                )
                .detail(truncate(&rejection.body_text(), 300)))
            }
            Err(rejection) => {
                Err(
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "Bad query string")
                        .detail(truncate(&rejection.body_text(), 300)),
                )
            }
        }
    }
}

/// Path parameters; a value of the wrong type (`/files/abc`) becomes a 404 problem, as a
/// resource that cannot exist.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => {
                Err(
                    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such resource")
                        .detail(truncate(&rejection.body_text(), 300)),
                )
            }
        }
    }
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}
