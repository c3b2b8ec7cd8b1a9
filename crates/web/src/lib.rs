//! HTTP: routes, extractors, HTML pages and the JSON API. The only crate that knows HTTP.

pub mod api;
pub mod charts;
mod client_addr;
pub mod ctx;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod problem;
mod state;
pub mod upload;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use motcua_app::App;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Content Security Policy: only our own scripts, styles and images; no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn router(app: App, config: WebConfig) -> Router {
    router_with_metrics(app, config, metrics::Metrics::default())
}

/// Only `/metrics`, `/healthz` and `/readyz`: for a process that runs workers and no pages
/// (`motcua worker --metrics-addr`). Queue depth is read from the database at scrape time.
pub fn metrics_router(app: App, metrics: metrics::Metrics) -> Router {
    let state = AppState {
        app,
        config: Arc::new(WebConfig::default()),
        metrics: Arc::new(metrics),
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(state)
}

/// The router, exposing `metrics` (to which the caller may have added its own) at `/metrics`.
pub fn router_with_metrics(app: App, config: WebConfig, metrics: metrics::Metrics) -> Router {
    let state = AppState {
        app,
        config: Arc::new(config),
        metrics: Arc::new(metrics),
    };
    let max_body = state.config.max_body_bytes;
    Router::new()
        .nest("/api/v1", api::router())
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs", get(pages::docs::api_docs))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .merge(pages::router())
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(60)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            // The path only, never the query string (it may carry personal data).
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

async fn openapi_json() -> Response {
    let body = openapi::ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    match motcua_app::jobs::depth(&state.app).await {
        Ok(depth) => {
            for (job_state, n) in depth {
                state
                    .metrics
                    .jobs
                    .get_or_create(&metrics::StateLabels { state: job_state })
                    .set(n);
            }
        }
        Err(e) => tracing::warn!(error = %e, "job queue depth not read"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Serves until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
