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
        api::reports::lock_period, api::reports::periods,
        api::audit::recent, api::audit::verify,
        api::jobs::list, api::jobs::retry,
        api::reform_index::list_sets, api::reform_index::create_set, api::reform_index::import_set,
        api::reform_index::get_set, api::reform_index::copy_set, api::reform_index::export_csv,
        api::reform_index::export_xlsx, api::reform_index::assessment, api::reform_index::self_score,
        api::reform_index::submit, api::reform_index::appraise, api::reform_index::send_back,
        api::reform_index::explain, api::reform_index::finalise, api::reform_index::attach,
        api::reform_index::evidence, api::reform_index::import_survey, api::reform_index::results,
        api::reform_index::results_xlsx, api::reform_index::results_pdf, api::reform_index::publish,
        api::reform_index::tasks, api::reform_index::add_task, api::reform_index::report_progress,
        api::reform_index::inspections, api::reform_index::add_inspection,
        api::chat::zalo, api::chat::opt_out,
        api::feedback::challenge, api::feedback::submit, api::feedback::queue, api::feedback::detail,
        api::feedback::act, api::feedback::lookup, api::feedback::sender_act, api::feedback::published,
        api::feedback::stats, api::feedback::mine, api::feedback::export_personal_data,
        api::feedback::erase_personal_data, api::feedback::satisfaction, api::feedback::satisfaction_xlsx,
        api::processes::list, api::processes::current, api::processes::define,
        api::board::trends, api::board::service_index, api::board::service_index_xlsx,
        api::board::service_index_csv, api::board::service_index_pdf,
        api::surveys::create, api::surveys::list, api::surveys::get_one, api::surveys::publish,
        api::surveys::close, api::surveys::respond, api::surveys::results, api::surveys::results_xlsx,
        api::dialogues::plan, api::dialogues::list, api::dialogues::public_list, api::dialogues::detail,
        api::dialogues::ask, api::dialogues::answer, api::dialogues::add_task, api::dialogues::set_task,
        api::dialogues::publish,
    ),
    components(schemas(Problem)),
    modifiers(&Security, &ProblemResponses),
    tags(
        (name = "account", description = "Sign-in, sessions, registration, API tokens"),
        (name = "organisation", description = "Units and staff"),
        (name = "catalogue", description = "Procedures (thủ tục hành chính) and fields"),
        (name = "calendar", description = "Working calendar, holidays and deadlines with explanations"),
        (name = "files", description = "Files (hồ sơ): intake, work lists, workflow actions, lookup"),
        (name = "reports", description = "Statistics and official reports (Biểu 06)"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "jobs", description = "Background jobs (notifications, clean-up): dead letters and retries"),
        (name = "reform-index", description = "Administrative-reform index (Chỉ số CCHC): criteria sets, self-assessment, appraisal, results"),
        (name = "chat", description = "Chat platforms' webhooks: file and procedure lookup by chat (Zalo OA)"),
        (name = "feedback", description = "Feedback and petitions (phản ánh, kiến nghị): submission, follow-up, handling, published answers"),
        (name = "surveys", description = "Survey campaigns (khảo sát): questionnaires, anonymous answers, results"),
        (name = "dialogues", description = "Dialogue conferences (hội nghị đối thoại): plan, citizens' questions, answers, follow-up, minutes"),
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

/// Every error response is `application/problem+json` (a [`Problem`]), and every operation
/// lists the errors any request to it can meet, not only its own: a malformed body, query or
/// path (400), credentials that are invalid or expired (401: a bad bearer token is refused even
/// on a public operation), a refused change without the session's CSRF token (403), an unknown
/// path value (404), a body too large, of the wrong type or shape (413, 415, 422).
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        let problem = || Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))));
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_path_params = path.contains('{');
            let ops = [
                (false, &mut item.get),
                (true, &mut item.post),
                (true, &mut item.put),
                (true, &mut item.delete),
                (true, &mut item.patch),
            ];
            for (changes, op) in ops {
                let Some(op) = op else { continue };
                for (status, response) in op.responses.responses.iter_mut() {
                    if let (RefOr::T(response), true) = (response, is_error(status)) {
                        response.content.clear();
                        response
                            .content
                            .insert(crate::problem::CONTENT_TYPE.to_owned(), problem());
                    }
                }
                let mut generic = vec![
                    (
                        "400",
                        "Malformed request: a query, path or body value that cannot be read",
                    ),
                    ("401", "Credentials missing, invalid or expired"),
                ];
                if changes {
                    generic.push((
                        "403",
                        "Not allowed, or a session change without X-CSRF-Token",
                    ));
                }
                if has_path_params {
                    generic.push(("404", "Not found"));
                }
                if op.request_body.is_some() {
                    generic.push(("413", "Request body too large"));
                    generic.push(("415", "Request body of the wrong content type"));
                    generic.push((
                        "422",
                        "Request body of the wrong shape or with invalid values",
                    ));
                }
                for (status, description) in generic {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(crate::problem::CONTENT_TYPE, problem())
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

fn is_error(status: &str) -> bool {
    status.parse::<u16>().is_ok_and(|s| s >= 400)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    /// utoipa names a component schema after its type (or `#[schema(as = …)]`) and keeps only
    /// the last of two with the same name, so one of them would be documented with the other's
    /// shape (it happened: feedback's `QueueItem` replaced the files' one). Every type that
    /// derives `ToSchema`, in every crate, must have a name of its own.
    #[test]
    fn schema_names_are_unique() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut clashes = Vec::new();
        let mut stack = vec![crates];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("target") && !path.ends_with("tests") {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let mut pending: Option<Option<String>> = None; // inside a ToSchema derive
                for line in text.lines().map(str::trim) {
                    // `#[derive(… ToSchema)]` or `#[cfg_attr(feature = …, derive(utoipa::ToSchema))]`
                    if line.starts_with("#[")
                        && line.contains("derive(")
                        && line.contains("ToSchema")
                    {
                        pending = Some(None);
                    } else if let Some(alias) = line
                        .strip_prefix("#[schema(as = ")
                        .and_then(|l| l.split([')', ',']).next())
                    {
                        if let Some(p) = pending.as_mut() {
                            *p = Some(alias.rsplit("::").next().unwrap().to_owned());
                        }
                    } else if let Some(rest) = line
                        .strip_prefix("pub struct ")
                        .or_else(|| line.strip_prefix("pub enum "))
                    {
                        if let Some(alias) = pending.take() {
                            let name = alias.unwrap_or_else(|| {
                                rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                                    .next()
                                    .unwrap()
                                    .to_owned()
                            });
                            let at = path.display().to_string();
                            if let Some(first) = seen.insert(name.clone(), at.clone()) {
                                clashes.push(format!("{name}: {first} and {at}"));
                            }
                        }
                    } else if !line.starts_with("#[") && !line.starts_with("///") {
                        pending = None;
                    }
                }
            }
        }
        assert!(seen.len() > 50, "found only {} schemas", seen.len());
        assert!(
            clashes.is_empty(),
            "schema names used twice:\n{}",
            clashes.join("\n")
        );
    }
}
