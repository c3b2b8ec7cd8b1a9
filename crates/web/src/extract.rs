//! Extractors whose rejections are problem+json instead of axum's plain text.

use crate::problem::ApiError;
use axum::extract::Multipart;
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
        let (parts, body) = req.into_parts();
        let bytes =
            match axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
            {
                Ok(bytes) => bytes,
                Err(rejection) => return Err(json_problem(&JsonRejection::from(rejection))),
            };
        if has_escaped_nul(&bytes) {
            return Err(nul_problem(StatusCode::UNPROCESSABLE_ENTITY));
        }
        match axum::Json::<T>::from_request(Request::from_parts(parts, bytes.into()), state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

/// Whether JSON text holds the escape `\u0000` (the only way a NUL can be in JSON): no text
/// we keep may contain it, and PostgreSQL cannot store it.
fn has_escaped_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json[i + 1..].starts_with(b"u0000") {
                return true;
            }
            i += 2; // the escaped character, so `\\u0000` is a backslash and text
        } else {
            i += 1;
        }
    }
    false
}

fn nul_problem(status: StatusCode) -> ApiError {
    ApiError::new(
        status,
        "invalid_text",
        "Text must not contain the NUL character",
    )
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

/// A multipart body; a missing or bad boundary or the wrong content type becomes a 4xx problem.
pub struct ApiMultipart(pub Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|rejection| {
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send Content-Type: multipart/form-data with a boundary",
                )
                .detail(truncate(&rejection.body_text(), 300))
            })
    }
}

/// Query string; bad values become a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(has_encoded_nul) {
            return Err(nul_problem(StatusCode::BAD_REQUEST));
        }
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

/// Whether URL-encoded text decodes to a NUL character.
fn has_encoded_nul(encoded: &str) -> bool {
    encoded.contains("%00")
}

/// Path parameters; a value of the wrong type (`/files/abc`) becomes a 404 problem, as a
/// resource that cannot exist.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // No resource is named with a NUL character (and PostgreSQL could not look one up).
        if has_encoded_nul(parts.uri.path()) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No such resource",
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_a_real_escaped_nul() {
        assert!(has_escaped_nul(br#"{"code":"a\u0000b"}"#));
        assert!(has_escaped_nul(br#"{"code":"\\\u0000"}"#));
        // A backslash followed by the text "u0000" is not a NUL.
        assert!(!has_escaped_nul(br#"{"code":"\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"code":"\u00e0 \u0001"}"#));
        assert!(!has_escaped_nul(br#"{"code":"a\"#));
        assert!(has_encoded_nul("q=a%00b"));
        assert!(!has_encoded_nul("q=a%2500b"));
    }
}
