//! File pages: the public status lookup (tra cứu), staff work lists, a file with its history
//! and workflow actions, counter intake and the printed receipt. Every page only calls the
//! `files` use cases; scope and permission checks live there.

use super::{
    Chrome, FormData, PageError, PageResult, anonymous_form_ok, anonymous_form_token, expired_form,
    form_actor, message_vi, render, signed_in, with_chrome, with_form_cookie,
};
use crate::api::files::public_base;
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use motcua_app::catalogue::{self, Procedure, SearchQuery};
use motcua_app::files::{
    self, ActionInput, Applicant, Assignable, FileDetail, FilePage, Intake, PublicStatus,
    QueueQuery,
};
use motcua_app::{Actor, AppError};
use motcua_domain::file::ActionKind;
use motcua_domain::permission::Action;
use serde::Deserialize;

/// `dd/mm/yyyy HH:MM` in Vietnam's time.
pub fn local_time(ts: &Timestamp) -> String {
    ts.to_zoned(motcua_app::calendar::utc7())
        .strftime("%d/%m/%Y %H:%M")
        .to_string()
}

/// `2026-11-23` as `23/11/2026`; anything else unchanged.
pub fn local_date(iso: &str) -> String {
    iso.parse::<Date>()
        .map(|d| d.strftime("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

/// The signed-in staff member, or a redirect to sign in and come back.
fn staff<'a>(ctx: &'a Ctx, back_to: &str) -> Result<&'a Actor, Box<Response>> {
    signed_in(
        ctx,
        back_to,
        |a| !a.is_citizen,
        "Trang này dành cho cán bộ, công chức.",
    )
}

/// A signed-in user's form must carry the session's token.
fn checked<'a>(ctx: &'a Ctx, form: &FormData) -> Result<&'a Actor, PageError> {
    form_actor(ctx, form.get("csrf_token"))
}

// ---------------------------------------------------------------- public lookup

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    chrome: Chrome,
    form_token: String,
    code: String,
    /// Kept in the rating form so that the applicant need not type it again.
    secret: String,
    error: Option<String>,
    notice: Option<String>,
    status: Option<PublicStatus>,
}

impl LookupPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
    fn date(&self, iso: &str) -> String {
        local_date(iso)
    }
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    ma: Option<String>,
}

/// The lookup form; `?ma=CODE` (the QR code on the receipt) fills the code in.
pub async fn lookup_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> PageResult {
    let (form_token, set) = anonymous_form_token(&headers, state.config.secure_cookies);
    let code: String = query
        .ok()
        .and_then(|q| q.0.ma)
        .unwrap_or_default()
        .trim()
        .chars()
        .take(64)
        .collect();
    let page = LookupPage {
        chrome: Chrome::of(&ctx),
        form_token,
        code,
        secret: String::new(),
        error: None,
        notice: None,
        status: None,
    };
    Ok(with_form_cookie(render(&page), set))
}

pub async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    if !anonymous_form_ok(&headers, form.get("csrf_token")) {
        return Err(with_chrome(expired_form(), &ctx));
    }
    let code = form.get("code").trim().to_owned();
    let secret = form.get("secret").trim().to_owned();
    let (form_token, _) = anonymous_form_token(&headers, state.config.secure_cookies);
    let mut page = LookupPage {
        chrome: Chrome::of(&ctx),
        form_token,
        code: code.chars().take(64).collect(),
        secret: secret.chars().take(64).collect(),
        error: None,
        notice: None,
        status: None,
    };
    let status = if code.is_empty() || secret.is_empty() {
        page.error = Some("Vui lòng nhập mã hồ sơ và mã tra cứu (hoặc số điện thoại).".into());
        StatusCode::UNPROCESSABLE_ENTITY
    } else if code.chars().count() > 64 || secret.chars().count() > 64 {
        page.error = Some("Mã hồ sơ hoặc mã tra cứu quá dài.".into());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match files::lookup(&state.app, ctx.tenant.id, &code, &secret).await {
            Ok(found) => {
                page.status = Some(found);
                StatusCode::OK
            }
            Err(AppError::NotFound(_)) => {
                page.error = Some(
                    "Không tìm thấy hồ sơ với mã và mã tra cứu (hoặc số điện thoại) đã nhập. \
                     Vui lòng kiểm tra lại giấy tiếp nhận."
                        .into(),
                );
                StatusCode::NOT_FOUND
            }
            Err(e @ AppError::TooManyAttempts { .. }) => {
                page.error = Some(format!(
                    "Mã hồ sơ này đã bị tra cứu sai quá nhiều lần. {}",
                    message_vi(&e).replace("Bạn đã nhập sai quá nhiều lần. ", "")
                ));
                StatusCode::TOO_MANY_REQUESTS
            }
            Err(e) => return Err(with_chrome(e, &ctx)),
        }
    };
    Ok((status, render(&page)).into_response())
}

/// The applicant's rating from the lookup page; the page is shown again with the result.
pub async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    if !anonymous_form_ok(&headers, form.get("csrf_token")) {
        return Err(with_chrome(expired_form(), &ctx));
    }
    let code = form.get("code").trim().to_owned();
    let secret = form.get("secret").trim().to_owned();
    let answers: std::collections::BTreeMap<u8, u8> = form
        .0
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('q')?.parse().ok()?, v.parse().ok()?)))
        .collect();
    let outcome = files::rate(
        &state.app,
        files::Rater::Receipt {
            tenant_id: ctx.tenant.id,
            code: &code,
            secret: &secret,
        },
        &files::RatingInput { answers },
    )
    .await;
    let (status, error, notice) = match outcome {
        Ok(_) => (
            StatusCode::OK,
            None,
            Some("Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ.".to_owned()),
        ),
        Err(e) => {
            let message = message_vi(&e);
            (PageError::from(e).status, Some(message), None)
        }
    };
    let found = files::lookup(&state.app, ctx.tenant.id, &code, &secret)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let (form_token, _) = anonymous_form_token(&headers, state.config.secure_cookies);
    let page = LookupPage {
        chrome: Chrome::of(&ctx),
        form_token,
        code: code.clone(),
        secret,
        error,
        notice,
        status: Some(found),
    };
    Ok((status, render(&page)).into_response())
}

// ---------------------------------------------------------------- work lists

/// The work lists staff pick from (the `loc` query value).
const VIEWS: [(&str, &str); 9] = [
    ("", "Đang giải quyết"),
    ("truc-tuyen", "Nộp trực tuyến chờ tiếp nhận"),
    ("cua-toi", "Được giao cho tôi"),
    ("sap-den-han", "Sắp đến hạn"),
    ("qua-han", "Quá hạn"),
    ("cho-bo-sung", "Chờ bổ sung"),
    ("lien-thong", "Đang ở cơ quan khác"),
    ("tra-ket-qua", "Chờ trả kết quả"),
    ("hen-tra-hom-nay", "Hẹn trả hôm nay"),
];

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    chrome: Chrome,
    units: Vec<(String, String)>,
    unit: String,
    view: String,
    views: Vec<(&'static str, &'static str)>,
    page: FilePage,
    pages: i64,
    can_receive: bool,
    /// Leaders assign several files at once: the people they may assign to.
    assignable: Vec<Assignable>,
    notice: Option<String>,
}

impl WorkPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
    fn link(&self, view: &str, page: i64) -> String {
        format!(
            "/ho-so?don-vi={}&loc={}&trang={page}",
            super::public::encode(&self.unit),
            view
        )
    }
}

#[derive(Deserialize, Default)]
pub struct WorkQuery {
    #[serde(rename = "don-vi")]
    unit: Option<String>,
    loc: Option<String>,
    trang: Option<i64>,
    /// After a bulk assignment: how many were assigned and how many could not be.
    #[serde(rename = "da-giao")]
    assigned: Option<u32>,
    #[serde(rename = "khong-giao")]
    failed: Option<u32>,
}

/// Units where the actor may do `action`, in grant order, each once: (code, name).
fn units_for(actor: &Actor, action: Action) -> Vec<(String, String)> {
    let mut units: Vec<(String, String)> = Vec::new();
    for g in actor.scopes(action) {
        if !units.iter().any(|(c, _)| *c == g.unit_code) {
            units.push((g.unit_code.clone(), g.unit_name.clone()));
        }
    }
    units
}

pub async fn work(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<WorkQuery>, QueryRejection>,
) -> PageResult {
    let actor = match staff(&ctx, "/ho-so") {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let units = units_for(actor, Action::ViewFiles);
    let Some((first, _)) = units.first() else {
        return Err(with_chrome(AppError::Forbidden, &ctx));
    };
    let unit = q
        .unit
        .filter(|u| units.iter().any(|(c, _)| c == u))
        .unwrap_or_else(|| first.clone());
    let view = q
        .loc
        .filter(|v| VIEWS.iter().any(|(k, _)| k == v))
        .unwrap_or_default();
    let mut query = QueueQuery {
        unit: Some(unit.clone()),
        page: Some(q.trang.unwrap_or(1).clamp(1, 100_000)),
        per_page: Some(25),
        ..QueueQuery::default()
    };
    match view.as_str() {
        "cua-toi" => {
            query.unit = None;
            query.mine = true;
        }
        "sap-den-han" => query.due = Some("soon".into()),
        "qua-han" => query.due = Some("overdue".into()),
        "cho-bo-sung" => query.state = Some("awaiting_supplement".into()),
        "truc-tuyen" => query.state = Some("submitted".into()),
        "lien-thong" => query.state = Some("at_other_agency".into()),
        "tra-ket-qua" => query.state = Some("result_ready".into()),
        "hen-tra-hom-nay" => {
            // Everything promised for today that has not been handed over yet.
            query.appointment = Some("today".into());
            query.state = Some(
                "received,at_agency,assigned,under_examination,at_other_agency,awaiting_approval,approved,result_ready"
                    .into(),
            );
        }
        _ => {
            query.state = Some(
                "received,at_agency,assigned,under_examination,at_other_agency,awaiting_approval,approved"
                    .into(),
            )
        }
    }
    let page = files::queue(&state.app, actor, &query)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let pages = (page.total + page.per_page - 1) / page.per_page;
    let assignable = if view != "cua-toi" {
        files::assignable_at_unit(&state.app, actor, &unit)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let notice = match (q.assigned, q.failed) {
        (Some(n), Some(0) | None) => Some(format!("Đã phân công {n} hồ sơ.")),
        (Some(n), Some(f)) => Some(format!(
            "Đã phân công {n} hồ sơ; {f} hồ sơ không phân công được (đã được người khác xử lý hoặc không ở bước phân công)."
        )),
        _ => None,
    };
    Ok(render(&WorkPage {
        assignable,
        notice,
        chrome: Chrome::of(&ctx),
        units,
        unit,
        view,
        views: VIEWS.to_vec(),
        page,
        pages,
        can_receive: actor.can(Action::ReceiveFiles),
    }))
}

/// A leader assigns the ticked files to one specialist; each file is its own transaction, so
/// a file someone else changed meanwhile is skipped and counted, never half-assigned.
pub async fn bulk_assign(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let actor = checked(&ctx, &form).map_err(|e| with_chrome(e, &ctx))?;
    let Some(assignee) = form.opt("assignee") else {
        return Err(with_chrome(
            PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Vui lòng chọn cán bộ được phân công.",
            ),
            &ctx,
        ));
    };
    let chosen: Vec<(i64, i64)> = form
        .all("file")
        .iter()
        .filter_map(|v| {
            let (id, version) = v.split_once(':')?;
            Some((id.parse().ok()?, version.parse().ok()?))
        })
        .take(200)
        .collect();
    if chosen.is_empty() {
        return Err(with_chrome(
            PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Vui lòng chọn ít nhất một hồ sơ để phân công.",
            ),
            &ctx,
        ));
    }
    let (mut assigned, mut failed) = (0u32, 0u32);
    for (id, version) in chosen {
        let input = ActionInput::Assign {
            assignee: assignee.clone(),
            unit_code: None,
        };
        match files::act(&state.app, actor, id, input, Some(version), None).await {
            Ok(_) => assigned += 1,
            Err(AppError::Internal(m)) => {
                return Err(with_chrome(AppError::Internal(m), &ctx));
            }
            Err(_) => failed += 1,
        }
    }
    Ok(Redirect::to(&format!(
        "/ho-so?don-vi={}&loc={}&da-giao={assigned}&khong-giao={failed}",
        super::public::encode(form.get("unit")),
        super::public::encode(form.get("loc")),
    ))
    .into_response())
}

// ---------------------------------------------------------------- one file

/// How an action's form looks: which inputs it needs.
struct ActionForm {
    kind: &'static str,
    label: &'static str,
    assignee: bool,
    unit: bool,
    reason: bool,
    reason_required: bool,
    items: bool,
    items_label: &'static str,
    new_date: bool,
    method: bool,
    hours: bool,
    danger: bool,
}

fn action_form(kind: ActionKind) -> ActionForm {
    use ActionKind as K;
    let mut f = ActionForm {
        kind: kind_name(kind),
        label: kind.label_vi(),
        assignee: false,
        unit: false,
        reason: false,
        reason_required: false,
        items: false,
        items_label: "",
        new_date: false,
        method: false,
        hours: false,
        danger: false,
    };
    match kind {
        K::Assign => f.assignee = true,
        K::Reassign => {
            f.assignee = true;
            f.reason = true;
            f.reason_required = true;
        }
        K::Transfer | K::ReceiveFromAgency => f.unit = true,
        K::SendToAgency => {
            f.unit = true;
            f.hours = true;
        }
        K::RequestSupplement | K::ReturnForCompletion => {
            f.items = true;
            f.items_label = "Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một mục)";
        }
        K::Refuse => {
            f.items = true;
            f.items_label = "Lý do từ chối (mỗi dòng một lý do)";
            f.danger = true;
        }
        K::SendBack | K::StopProcessing | K::Cancel => {
            f.reason = true;
            f.reason_required = true;
            f.danger = !matches!(kind, K::SendBack);
        }
        K::Withdraw => {
            f.reason = true;
            f.danger = true;
        }
        K::Apologize => {
            f.reason = true;
            f.reason_required = true;
            f.new_date = true;
        }
        K::HandOver => f.method = true,
        _ => {}
    }
    f
}

/// The action's name in forms and the API (`assign`, `request_supplement`…).
fn kind_name(kind: ActionKind) -> &'static str {
    use ActionKind as K;
    match kind {
        K::Open => "open",
        K::Import => "import",
        K::Receive => "receive",
        K::ReturnForCompletion => "return_for_completion",
        K::Resubmit => "resubmit",
        K::Transfer => "transfer",
        K::Assign => "assign",
        K::Reassign => "reassign",
        K::StartExamination => "start_examination",
        K::RequestSupplement => "request_supplement",
        K::SupplementReceived => "supplement_received",
        K::SendToAgency => "send_to_agency",
        K::ReceiveFromAgency => "receive_from_agency",
        K::SubmitForApproval => "submit_for_approval",
        K::SendBack => "send_back",
        K::Approve => "approve",
        K::Refuse => "refuse",
        K::StopProcessing => "stop_processing",
        K::Withdraw => "withdraw",
        K::Cancel => "cancel",
        K::Apologize => "apologize",
        K::MarkResultReady => "mark_result_ready",
        K::HandOver => "hand_over",
        K::Close => "close",
    }
}

#[derive(Template)]
#[template(path = "file.html")]
struct FilePageView {
    chrome: Chrome,
    detail: FileDetail,
    actions: Vec<ActionForm>,
    assignable: Vec<Assignable>,
    units: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
    can_print: bool,
    forms: Vec<files::PrintedForm>,
    attachments: Vec<files::Attachment>,
    can_attach: bool,
}

impl FilePageView {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
    fn size(&self, bytes: &i64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{:.1} MB", *bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
        } else {
            format!("{} KB", (*bytes + 1023) / 1024)
        }
    }
    fn date(&self, iso: &str) -> String {
        local_date(iso)
    }
}

#[derive(Deserialize, Default)]
pub struct FileQuery {
    #[serde(rename = "xong")]
    done: Option<String>,
}

async fn file_view(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<String>,
    notice: Option<String>,
) -> Result<FilePageView, PageError> {
    let detail = files::detail(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    // Only what this person may do; the use case checks the unit scope when it is done.
    let actions: Vec<ActionForm> = detail
        .file
        .available_actions
        .iter()
        .filter(|k| actor.can(motcua_domain::file::kind_permission(**k)))
        .map(|k| action_form(*k))
        .collect();
    let assignable = if actions.iter().any(|a| a.assignee) {
        files::assignable_at_unit(&state.app, actor, &detail.current_unit_code)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let units = if actions.iter().any(|a| a.unit) {
        motcua_app::org::list_units(&state.app, actor.tenant_id)
            .await
            .map(|us| {
                us.into_iter()
                    .filter(|u| u.code != detail.current_unit_code)
                    .map(|u| (u.code, u.name))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(FilePageView {
        chrome: Chrome::of(ctx),
        can_print: actor.can(Action::ReceiveFiles) && detail.file.code.is_some(),
        forms: files::available_forms(&detail),
        attachments: files::attachments(&state.app, actor, id)
            .await
            .map_err(|e| with_chrome(e, ctx))?,
        can_attach: actor.can(Action::ReceiveFiles) || actor.can(Action::ProcessFiles),
        detail,
        actions,
        assignable,
        units,
        error,
        notice,
    })
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    query: Result<Query<FileQuery>, QueryRejection>,
) -> PageResult {
    let actor = match staff(&ctx, &format!("/ho-so/{id}")) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let done = query.ok().and_then(|q| q.0.done);
    let done_attach = done.as_deref() == Some("dinh-kem");
    let notice = done
        .and_then(|k| {
            ActionKind::APPLICABLE
                .into_iter()
                .chain([ActionKind::Open])
                .find(|a| kind_name(*a) == k)
        })
        .map(|k| format!("Đã thực hiện: {}.", k.label_vi()))
        .or_else(|| done_attach.then(|| "Đã đính kèm tài liệu.".to_owned()));
    let view = file_view(&state, &ctx, actor, id, None, notice).await?;
    Ok(render(&view))
}

/// Builds the workflow action from the submitted form.
fn action_input(form: &FormData) -> Result<ActionInput, String> {
    let reason = form.opt("reason");
    let need_reason = || {
        reason
            .clone()
            .ok_or_else(|| "Vui lòng nhập lý do.".to_owned())
    };
    let unit = || {
        form.opt("unit_code")
            .ok_or_else(|| "Vui lòng chọn cơ quan, đơn vị.".to_owned())
    };
    let assignee = || {
        form.opt("assignee")
            .ok_or_else(|| "Vui lòng chọn cán bộ được phân công.".to_owned())
    };
    let items = |what: &str| {
        let items = form.lines("items");
        if items.is_empty() {
            Err(format!("Vui lòng nhập {what}, mỗi dòng một mục."))
        } else {
            Ok(items)
        }
    };
    Ok(match form.get("kind") {
        "receive" => ActionInput::Receive,
        "return_for_completion" => ActionInput::ReturnForCompletion {
            missing_items: items("các giấy tờ cần hoàn thiện")?,
        },
        "resubmit" => ActionInput::Resubmit,
        "transfer" => ActionInput::Transfer { unit_code: unit()? },
        "assign" => ActionInput::Assign {
            assignee: assignee()?,
            unit_code: None,
        },
        "reassign" => ActionInput::Reassign {
            assignee: assignee()?,
            unit_code: None,
            reason: need_reason()?,
        },
        "start_examination" => ActionInput::StartExamination,
        "request_supplement" => ActionInput::RequestSupplement {
            missing_items: items("các giấy tờ cần bổ sung")?,
        },
        "supplement_received" => ActionInput::SupplementReceived,
        "send_to_agency" => ActionInput::SendToAgency {
            unit_code: unit()?,
            // Empty: the share the file's process gives the inter-agency step at that unit.
            working_hours: match form.get("working_hours").trim() {
                "" => None,
                hours => Some(
                    hours
                        .parse()
                        .ok()
                        .filter(|h| (1..=8 * 365).contains(h))
                        .ok_or_else(|| {
                            "Thời hạn của cơ quan phối hợp phải là số giờ làm việc (ít nhất 1)."
                                .to_owned()
                        })?,
                ),
            },
        },
        "receive_from_agency" => ActionInput::ReceiveFromAgency { unit_code: unit()? },
        "submit_for_approval" => ActionInput::SubmitForApproval,
        "send_back" => ActionInput::SendBack {
            reason: need_reason()?,
        },
        "approve" => ActionInput::Approve,
        "refuse" => ActionInput::Refuse {
            reasons: items("lý do từ chối")?,
        },
        "stop_processing" => ActionInput::StopProcessing {
            reason: need_reason()?,
        },
        "withdraw" => ActionInput::Withdraw { reason },
        "cancel" => ActionInput::Cancel {
            reason: need_reason()?,
        },
        "apologize" => ActionInput::Apologize {
            reason: need_reason()?,
            new_date: form
                .get("new_date")
                .trim()
                .parse()
                .map_err(|_| "Vui lòng chọn ngày hẹn trả mới.".to_owned())?,
        },
        "mark_result_ready" => ActionInput::MarkResultReady,
        "hand_over" => ActionInput::HandOver {
            method: form.opt("method").unwrap_or_else(|| "counter".into()),
        },
        "close" => ActionInput::Close,
        _ => return Err("Thao tác không hợp lệ.".into()),
    })
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = checked(&ctx, &form).map_err(|e| with_chrome(e, &ctx))?;
    let version = form.get("version").trim().parse::<i64>().ok();
    let outcome = match action_input(&form) {
        Ok(input) => files::act(
            &state.app,
            actor,
            id,
            input,
            version,
            form.opt("note").as_deref(),
        )
        .await
        .map_err(|e| {
            let e = PageError::from(e);
            (e.status, e.message)
        }),
        Err(message) => Err((StatusCode::UNPROCESSABLE_ENTITY, message)),
    };
    match outcome {
        Ok(_) => {
            Ok(Redirect::to(&format!("/ho-so/{id}?xong={}", form.get("kind"))).into_response())
        }
        Err((status, message)) => {
            let view = file_view(&state, &ctx, actor, id, Some(message), None).await?;
            Ok((status, render(&view)).into_response())
        }
    }
}

/// A name safe in a quoted `Content-Disposition` filename: ASCII letters, digits, `.` and `-`,
/// anything else as `_`.
pub fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A PDF answer named after the file code.
pub fn pdf_response(prefix: &str, code: &str, pdf: Vec<u8>) -> Response {
    let name = ascii_file_name(code);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{prefix}-{name}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// Prints one of the file's other forms (supplement request, refusal, apology, control slip…).
pub async fn print(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, slug)): Path<(i64, String)>,
) -> PageResult {
    let actor = match staff(&ctx, &format!("/ho-so/{id}")) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let form = files::PrintedForm::parse(&slug).ok_or_else(|| {
        with_chrome(
            PageError::new(StatusCode::NOT_FOUND, "Không có biểu mẫu này."),
            &ctx,
        )
    })?;
    let (code, pdf) = files::print_form(&state.app, actor, id, form)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(pdf_response(form.slug(), &code, pdf))
}

/// Prints the receipt (form 01) with a new lookup PIN.
pub async fn receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = checked(&ctx, &form).map_err(|e| with_chrome(e, &ctx))?;
    let base = public_base(&state, &headers);
    let (code, pdf) = files::print_receipt(&state.app, actor, id, &base)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(pdf_response("bien-nhan", &code, pdf))
}

/// Attaches scanned papers or an electronic result from the file's page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| with_chrome(AppError::Unauthenticated, &ctx))?;
    let outcome = match crate::upload::read(multipart, state.app.settings.max_attachment_bytes)
        .await
    {
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => Err((
            e.status,
            format!(
                "Tệp quá lớn: mỗi tệp tối đa {} MB.",
                state.app.settings.max_attachment_bytes / (1024 * 1024)
            ),
        )),
        Err(e) => Err((
            e.status,
            "Không đọc được tệp gửi lên. Vui lòng thử lại.".to_owned(),
        )),
        Ok(form) => {
            form_actor(&ctx, form.get("csrf_token"))?;
            let kind = files::AttachmentKind::parse(form.get("kind"))
                .unwrap_or(files::AttachmentKind::Document);
            let mut result = if form.files.is_empty() {
                Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Vui lòng chọn tệp để đính kèm.".to_owned(),
                ))
            } else {
                Ok(())
            };
            for f in &form.files {
                if result.is_err() {
                    break;
                }
                if let Err(e) =
                    files::attach(&state.app, actor, id, kind, &f.file_name, &f.bytes).await
                {
                    let message = match &e {
                        AppError::Validation(_) => format!(
                            "Tệp «{}» không được nhận: chỉ nhận PDF, JPEG, PNG, DOCX, XLSX, không rỗng, tối đa {} MB.",
                            files::clean_name(&f.file_name, "").trim_end_matches('.'),
                            state.app.settings.max_attachment_bytes / (1024 * 1024)
                        ),
                        other => message_vi(other),
                    };
                    result = Err((PageError::from(e).status, message));
                }
            }
            result
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/ho-so/{id}?xong=dinh-kem")).into_response()),
        Err((status, message)) => {
            let view = file_view(&state, &ctx, actor, id, Some(message), None).await?;
            Ok((status, render(&view)).into_response())
        }
    }
}

/// Downloads an attached document.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, attachment)): Path<(i64, i64)>,
) -> PageResult {
    let actor = match staff(&ctx, &format!("/ho-so/{id}")) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let (meta, bytes) = files::download(&state.app, actor, id, attachment)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(crate::api::files::attachment_response(&meta, bytes))
}

// ---------------------------------------------------------------- counter intake

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    q: String,
    found: Vec<Procedure>,
    procedure: Option<Procedure>,
    units: Vec<(String, String)>,
    values: IntakeValues,
    error: Option<String>,
}

#[derive(Default)]
struct IntakeValues {
    unit: String,
    channel: String,
    name: String,
    phone: String,
    email: String,
    address: String,
    postal: String,
    note: String,
    documents: Vec<String>,
}

impl IntakeValues {
    /// What was typed into an intake or submission form, to show again with an error.
    fn from_form(form: &FormData) -> IntakeValues {
        IntakeValues {
            unit: form.get("unit_code").to_owned(),
            channel: form.get("channel").to_owned(),
            name: form.get("name").to_owned(),
            phone: form.get("phone").to_owned(),
            email: form.get("email").to_owned(),
            address: form.get("address").to_owned(),
            postal: form.get("postal_tracking").to_owned(),
            note: form.get("note").to_owned(),
            documents: form.all("documents"),
        }
    }

    fn checked(&self, doc: &str) -> bool {
        self.documents.iter().any(|d| d == doc)
    }

    /// The applicant as the form gives them.
    fn applicant(&self, form: &FormData) -> Applicant {
        Applicant {
            name: self.name.trim().to_owned(),
            phone: form.opt("phone"),
            email: form.opt("email"),
            address: form.opt("address"),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct IntakeQuery {
    q: Option<String>,
    #[serde(rename = "thu-tuc")]
    procedure: Option<String>,
}

async fn intake_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    q: IntakeQuery,
    values: IntakeValues,
    error: Option<String>,
) -> Result<IntakePage, PageError> {
    let units = units_for(actor, Action::ReceiveFiles);
    if units.is_empty() {
        return Err(with_chrome(AppError::Forbidden, ctx));
    }
    let procedure = match q
        .procedure
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(code) => Some(
            catalogue::get(&state.app, actor.tenant_id, code)
                .await
                .map_err(|e| with_chrome(e, ctx))?,
        ),
        None => None,
    };
    let query = q.q.unwrap_or_default();
    let found = if procedure.is_none() && !query.trim().is_empty() {
        catalogue::search(
            &state.app,
            actor.tenant_id,
            &SearchQuery {
                q: Some(query.chars().take(200).collect()),
                per_page: Some(20),
                ..SearchQuery::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(IntakePage {
        chrome: Chrome::of(ctx),
        q: query,
        found,
        procedure,
        units,
        values,
        error,
    })
}

pub async fn intake_form(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<IntakeQuery>, QueryRejection>,
) -> PageResult {
    let actor = match staff(&ctx, "/tiep-nhan") {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let values = IntakeValues {
        channel: "counter".into(),
        ..IntakeValues::default()
    };
    Ok(render(
        &intake_page(&state, &ctx, actor, q, values, None).await?,
    ))
}

#[derive(Template)]
#[template(path = "received.html")]
struct ReceivedPage {
    chrome: Chrome,
    file_id: i64,
    code: String,
    procedure_name: String,
    appointment: String,
    due: String,
}

pub async fn intake(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let actor = checked(&ctx, &form).map_err(|e| with_chrome(e, &ctx))?;
    let values = IntakeValues::from_form(&form);
    let procedure_code = form.get("procedure_code").trim().to_owned();
    let input = Intake {
        procedure_code: procedure_code.clone(),
        unit_code: form.opt("unit_code"),
        channel: form.opt("channel").unwrap_or_else(|| "counter".into()),
        applicant: values.applicant(&form),
        documents: values.documents.clone(),
        postal_tracking: form.opt("postal_tracking"),
        note: form.opt("note"),
    };
    match files::receive(&state.app, actor, input).await {
        Ok(receipt) => {
            let procedure_name = catalogue::get(&state.app, actor.tenant_id, &procedure_code)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            Ok((
                StatusCode::CREATED,
                render(&ReceivedPage {
                    chrome: Chrome::of(&ctx),
                    file_id: receipt.file_id,
                    code: receipt.code,
                    procedure_name,
                    appointment: receipt
                        .appointment_date
                        .as_deref()
                        .map(local_date)
                        .unwrap_or_default(),
                    due: receipt.due.as_ref().map(local_time).unwrap_or_default(),
                }),
            )
                .into_response())
        }
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let q = IntakeQuery {
                q: None,
                procedure: Some(procedure_code),
            };
            let page = intake_page(&state, &ctx, actor, q, values, Some(message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---------------------------------------------------------------- online submission

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    chrome: Chrome,
    procedure: Procedure,
    units: Vec<(String, String)>,
    values: IntakeValues,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SubmitQuery {
    #[serde(rename = "thu-tuc")]
    procedure: Option<String>,
}

/// Units that receive files: the current ones (not the districts dissolved in 2025).
async fn receiving_unit_choices(state: &AppState, tenant_id: i64) -> Vec<(String, String)> {
    motcua_app::org::list_units(&state.app, tenant_id)
        .await
        .map(|units| {
            units
                .into_iter()
                .filter(|u| u.valid_to.is_none())
                .map(|u| (u.code, u.name))
                .collect()
        })
        .unwrap_or_default()
}

async fn submit_page(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    values: IntakeValues,
    error: Option<String>,
) -> Result<SubmitPage, PageError> {
    let procedure = catalogue::get(&state.app, ctx.tenant.id, code)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    Ok(SubmitPage {
        chrome: Chrome::of(ctx),
        units: receiving_unit_choices(state, ctx.tenant.id).await,
        procedure,
        values,
        error,
    })
}

/// A citizen's online submission form; others are asked to sign in with a citizen account.
fn citizen<'a>(ctx: &'a Ctx, back_to: &str) -> Result<&'a Actor, Box<Response>> {
    signed_in(
        ctx,
        back_to,
        |a| a.is_citizen,
        "Nộp hồ sơ trực tuyến dành cho tài khoản công dân, tổ chức. Cán bộ tiếp nhận hồ sơ tại trang Tiếp nhận hồ sơ.",
    )
}

pub async fn submit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<SubmitQuery>, QueryRejection>,
) -> PageResult {
    let code = query.ok().and_then(|q| q.0.procedure).unwrap_or_default();
    let actor = match citizen(&ctx, &format!("/nop-truc-tuyen?thu-tuc={code}")) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let values = IntakeValues {
        name: actor.display_name.clone(),
        ..IntakeValues::default()
    };
    Ok(render(
        &submit_page(&state, &ctx, &code, values, None).await?,
    ))
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let actor = checked(&ctx, &form).map_err(|e| with_chrome(e, &ctx))?;
    let values = IntakeValues::from_form(&form);
    let code = form.get("procedure_code").trim().to_owned();
    let input = files::OnlineSubmission {
        procedure_code: code.clone(),
        unit_code: values.unit.clone(),
        applicant: Some(values.applicant(&form)),
        documents: values.documents.clone(),
        note: form.opt("note"),
    };
    match files::submit_online(&state.app, actor, input).await {
        Ok(_) => Ok(Redirect::to("/tai-khoan?da-nop=1").into_response()),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let page = submit_page(&state, &ctx, &code, values, Some(message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// Every page of this module, for the router.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/tra-cuu", get(lookup_form).post(lookup))
        .route("/tra-cuu/danh-gia", post(rate))
        .route("/ho-so", get(work))
        .route("/ho-so/phan-cong", post(bulk_assign))
        .route("/ho-so/{id}", get(file))
        .route("/ho-so/{id}/xu-ly", post(act))
        .route("/ho-so/{id}/bien-nhan", post(receipt))
        .route("/ho-so/{id}/in/{form}", get(print))
        .route(
            "/ho-so/{id}/tai-lieu",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::UPLOAD_BODY_LIMIT,
            )),
        )
        .route("/ho-so/{id}/tai-lieu/{attachment}", get(download))
        .route("/tiep-nhan", get(intake_form).post(intake))
        .route("/nop-truc-tuyen", get(submit_form).post(submit))
}
