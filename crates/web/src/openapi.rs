//! The OpenAPI 3.1 document (`/api/openapi.json`) and a browsable page (`/api/docs`) rendered
//! from it on the server, so no script is fetched from the internet.

use crate::api;
use crate::problem::Problem;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Hệ thống một cửa điện tử — JSON API. Errors are application/problem+json with a stable `code`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        api::account::login, api::account::logout, api::account::me, api::account::change_password,
        api::account::register, api::account::create_token, api::account::list_tokens, api::account::revoke_token,
        api::org::list_units, api::org::get_unit, api::org::create_unit, api::org::update_unit,
        api::org::list_staff, api::org::create_staff,
        api::catalogue::list_fields, api::catalogue::save_field, api::catalogue::search,
        api::catalogue::get_one, api::catalogue::create, api::catalogue::update, api::catalogue::delete,
        api::calendar::year, api::calendar::add_day, api::calendar::remove_day, api::calendar::import,
        api::calendar::set_hours, api::calendar::set_unit_hours, api::calendar::deadline,
        api::files::receive, api::files::queue, api::files::detail, api::files::act, api::files::counts, api::files::receipt,
        api::files::lookup, api::files::submit, api::files::mine, api::files::form,
        api::files::rate_by_receipt, api::files::rate_own, api::files::attach, api::files::attachments,
        api::files::download,
        api::reports::handling, api::reports::handling_xlsx, api::reports::handling_csv, api::reports::handling_pdf,
        api::audit::recent, api::audit::verify,
        api::jobs::list, api::jobs::retry,
        api::feedback::challenge, api::feedback::submit, api::feedback::queue, api::feedback::detail,
        api::feedback::act, api::feedback::lookup, api::feedback::sender_act, api::feedback::published,
        api::feedback::stats, api::feedback::mine, api::feedback::export_personal_data,
        api::feedback::erase_personal_data, api::feedback::satisfaction, api::feedback::satisfaction_xlsx,
    ),
    components(schemas(Problem)),
    modifiers(&Security),
    tags(
        (name = "account", description = "Sign-in, sessions, registration, API tokens"),
        (name = "organisation", description = "Units and staff"),
        (name = "catalogue", description = "Procedures (thủ tục hành chính) and fields"),
        (name = "calendar", description = "Working calendar, holidays and deadlines with explanations"),
        (name = "files", description = "Files (hồ sơ): intake, work lists, workflow actions, lookup"),
        (name = "reports", description = "Statistics and official reports (Biểu 06)"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "jobs", description = "Background jobs (notifications, clean-up): dead letters and retries"),
        (name = "feedback", description = "Feedback and petitions (phản ánh, kiến nghị): submission, follow-up, handling, published answers"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::ctx::SESSION_COOKIE))),
        );
    }
}

/// One operation of the document, for the browsable page.
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub tag: String,
}

pub fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                out.push(Operation {
                    method: method.to_owned(),
                    path: path.clone(),
                    summary: op
                        .summary
                        .clone()
                        .or_else(|| op.description.clone())
                        .unwrap_or_default(),
                    tag: op
                        .tags
                        .as_ref()
                        .and_then(|t| t.first().cloned())
                        .unwrap_or_default(),
                });
            }
        }
    }
    out
}
