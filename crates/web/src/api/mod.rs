//! JSON API under `/api/v1`.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod feedback;
pub mod files;
pub mod jobs;
pub mod org;
pub mod reports;

use crate::problem::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};

/// Hard cap of an upload request; each file's own limit is the configured attachment size.
pub const UPLOAD_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(account::login))
        .route("/auth/logout", post(account::logout))
        .route("/auth/me", get(account::me))
        .route("/auth/password", post(account::change_password))
        .route("/auth/register", post(account::register))
        .route(
            "/auth/tokens",
            get(account::list_tokens).post(account::create_token),
        )
        .route(
            "/auth/tokens/{id}",
            axum::routing::delete(account::revoke_token),
        )
        .route("/units", get(org::list_units).post(org::create_unit))
        .route("/units/{code}", get(org::get_unit).put(org::update_unit))
        .route("/units/{code}/staff", get(org::list_staff))
        .route("/users", post(org::create_staff))
        .route("/fields", get(catalogue::list_fields))
        .route("/fields/{code}", put(catalogue::save_field))
        .route(
            "/procedures",
            get(catalogue::search).post(catalogue::create),
        )
        .route(
            "/procedures/{code}",
            get(catalogue::get_one)
                .put(catalogue::update)
                .delete(catalogue::delete),
        )
        .route("/calendar/deadline", post(calendar::deadline))
        .route("/calendar/days", post(calendar::add_day))
        .route(
            "/calendar/days/{date}",
            axum::routing::delete(calendar::remove_day),
        )
        .route("/calendar/import", post(calendar::import))
        .route("/calendar/working-hours", put(calendar::set_hours))
        .route("/calendar/{year}", get(calendar::year))
        .route("/units/{code}/working-hours", put(calendar::set_unit_hours))
        .route("/files", get(files::queue).post(files::receive))
        .route("/files/{id}", get(files::detail))
        .route("/files/{id}/actions", post(files::act))
        .route("/files/{id}/receipt", post(files::receipt))
        .route("/files/{id}/forms/{form}", get(files::form))
        .route(
            "/files/{id}/attachments",
            get(files::attachments)
                .post(files::attach)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/files/{id}/attachments/{attachment}", get(files::download))
        .route("/units/{code}/file-counts", get(files::counts))
        .route("/lookup", post(files::lookup))
        .route("/submissions", post(files::submit))
        .route("/me/files", get(files::mine))
        .route("/me/files/{id}/rating", post(files::rate_own))
        .route("/lookup/rating", post(files::rate_by_receipt))
        .route("/reports/handling", get(reports::handling))
        .route("/reports/handling.xlsx", get(reports::handling_xlsx))
        .route("/reports/handling.csv", get(reports::handling_csv))
        .route("/reports/handling.pdf", get(reports::handling_pdf))
        .route("/audit", get(audit::recent))
        .route("/audit/verify", get(audit::verify))
        .route("/admin/jobs", get(jobs::list))
        .route("/admin/jobs/{id}/retry", post(jobs::retry))
        .route("/feedback", get(feedback::queue).post(feedback::submit))
        .route("/feedback/challenge", get(feedback::challenge))
        .route("/feedback/lookup", post(feedback::lookup))
        .route("/feedback/lookup/actions", post(feedback::sender_act))
        .route("/feedback/published", get(feedback::published))
        .route("/feedback/stats", get(feedback::stats))
        .route("/feedback/{id}", get(feedback::detail))
        .route("/feedback/{id}/actions", post(feedback::act))
        .route(
            "/feedback/{id}/personal-data",
            get(feedback::export_personal_data).delete(feedback::erase_personal_data),
        )
        .route("/me/feedback", get(feedback::mine))
        .route("/reports/satisfaction", get(feedback::satisfaction))
        .route(
            "/reports/satisfaction.xlsx",
            get(feedback::satisfaction_xlsx),
        )
        .fallback(|| async { ApiError::not_found().detail("no such API endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed on this endpoint",
            )
        })
}
