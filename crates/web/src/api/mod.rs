//! JSON API under `/api/v1`.

pub mod account;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod catalogue;
pub mod chat;
pub mod dialogues;
pub mod feedback;
pub mod files;
pub mod jobs;
pub mod org;
pub mod processes;
pub mod reform_index;
pub mod reports;
pub mod surveys;

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
        .route("/reports/trends", get(board::trends))
        .route("/reports/service-index", get(board::service_index))
        .route(
            "/reports/service-index.xlsx",
            get(board::service_index_xlsx),
        )
        .route("/reports/service-index.csv", get(board::service_index_csv))
        .route("/reports/service-index.pdf", get(board::service_index_pdf))
        .route("/reports/handling.xlsx", get(reports::handling_xlsx))
        .route("/reports/handling.csv", get(reports::handling_csv))
        .route("/reports/handling.pdf", get(reports::handling_pdf))
        .route(
            "/reports/periods",
            get(reports::periods).post(reports::lock_period),
        )
        .route("/audit", get(audit::recent))
        .route("/audit/verify", get(audit::verify))
        .route("/admin/jobs", get(jobs::list))
        .route("/admin/jobs/{id}/retry", post(jobs::retry))
        .merge(reform_index_routes())
        .merge(survey_dialogue_routes())
        .route("/chat/zalo", post(chat::zalo))
        .route("/notifications/opt-out", post(chat::opt_out))
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
        .route(
            "/procedures/{code}/processes",
            get(processes::list).post(processes::define),
        )
        .route(
            "/procedures/{code}/processes/current",
            get(processes::current),
        )
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

/// Administrative-reform index (Chỉ số CCHC).
fn reform_index_routes() -> Router<AppState> {
    use reform_index as r;
    Router::new()
        .route("/reform-index/sets", get(r::list_sets).post(r::create_set))
        .route("/reform-index/sets/import", post(r::import_set))
        .route("/reform-index/sets/{id}", get(r::get_set))
        .route("/reform-index/sets/{id}/copy", post(r::copy_set))
        .route("/reform-index/sets/{id}/export.csv", get(r::export_csv))
        .route("/reform-index/sets/{id}/export.xlsx", get(r::export_xlsx))
        .route("/reform-index/sets/{id}/survey", post(r::import_survey))
        .route("/reform-index/sets/{id}/results", get(r::results))
        .route("/reform-index/sets/{id}/results.xlsx", get(r::results_xlsx))
        .route("/reform-index/sets/{id}/results.pdf", get(r::results_pdf))
        .route("/reform-index/sets/{id}/publish", post(r::publish))
        .route("/reform-index/sets/{id}/units/{unit}", get(r::assessment))
        .route(
            "/reform-index/sets/{id}/units/{unit}/self-scores",
            put(r::self_score),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/submit",
            post(r::submit),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/appraisal",
            put(r::appraise),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/send-back",
            post(r::send_back),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/explanation",
            post(r::explain),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/finalise",
            post(r::finalise),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/evidence",
            post(r::attach).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/reform-index/sets/{id}/units/{unit}/evidence/{evidence}",
            get(r::evidence),
        )
        .route("/reform-index/plan/{year}/tasks", get(r::tasks))
        .route("/reform-index/plan/tasks", post(r::add_task))
        .route(
            "/reform-index/plan/tasks/{id}/progress",
            put(r::report_progress),
        )
        .route("/reform-index/inspections/{year}", get(r::inspections))
        .route("/reform-index/inspections", post(r::add_inspection))
}

/// Survey campaigns and dialogue conferences.
fn survey_dialogue_routes() -> Router<AppState> {
    use dialogues as d;
    use surveys as s;
    Router::new()
        .route("/surveys", get(s::list).post(s::create))
        .route("/surveys/{id}", get(s::get_one))
        .route("/surveys/{id}/publish", post(s::publish))
        .route("/surveys/{id}/close", post(s::close))
        .route("/surveys/{id}/responses", post(s::respond))
        .route("/surveys/{id}/results", get(s::results))
        .route("/surveys/{id}/results.xlsx", get(s::results_xlsx))
        .route("/dialogues", get(d::list).post(d::plan))
        .route("/dialogues/public", get(d::public_list))
        .route("/dialogues/{id}", get(d::detail))
        .route("/dialogues/{id}/questions", post(d::ask))
        .route(
            "/dialogues/{id}/questions/{question}/answer",
            put(d::answer),
        )
        .route("/dialogues/{id}/tasks", post(d::add_task))
        .route("/dialogues/{id}/tasks/{task}", put(d::set_task))
        .route("/dialogues/{id}/publish", post(d::publish))
}
