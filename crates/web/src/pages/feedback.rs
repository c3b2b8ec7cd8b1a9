//! Feedback pages (phản ánh, kiến nghị): the public form (with a check question without an
//! account), the sender's follow-up by code and secret, the published answers, and for staff
//! the work list, an item with its actions, and on-time statistics. Pages only call the
//! `feedback` use cases; scope and permission checks live there.

use super::files::local_time;
use super::{
    Chrome, FormData, PageError, PageResult, anonymous_form_ok, anonymous_form_token, expired_form,
    form_actor, message_vi, render, signed_in, with_chrome, with_form_cookie,
};
use crate::client_addr::ClientAddr;
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use motcua_app::feedback::challenge::{self, Challenge};
use motcua_app::feedback::{
    self, ActionInput, ChallengeAnswer, FeedbackReceipt, FeedbackStats, FeedbackView, PublicStatus,
    PublishedAnswer, QueueItem, QueueQuery, SenderInput, StatsQuery, Submission, Submitter,
};
use motcua_app::{AppError, org};
use motcua_domain::feedback::{FeedbackAction, FeedbackChannel, Subject, Urgency};
use motcua_domain::permission::Action;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/phan-anh", get(new_form).post(send))
        .route("/phan-anh/tra-cuu", get(lookup_form).post(lookup))
        .route("/phan-anh/tra-cuu/bo-sung", post(provide_info))
        .route("/phan-anh/tra-cuu/danh-gia", post(rate))
        .route("/phan-anh/cong-khai", get(published))
        .route("/quan-ly/phan-anh", get(work))
        .route("/quan-ly/phan-anh/thong-ke", get(stats))
        .route("/bao-cao/hai-long", get(satisfaction))
        .route("/quan-ly/phan-anh/{id}", get(item).post(act))
        .route("/quan-ly/phan-anh/{id}/xoa-du-lieu", post(erase))
}

fn subjects() -> Vec<(&'static str, &'static str)> {
    Subject::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_vi()))
        .collect()
}

// ---------------------------------------------------------------- sending

/// What the sender typed, to show the form again after an error.
#[derive(Default)]
struct Typed {
    subject: String,
    subject_ref: String,
    title: String,
    content: String,
    unit_code: String,
    name: String,
    phone: String,
    email: String,
    address: String,
    channel: String,
}

#[derive(Template)]
#[template(path = "feedback_new.html")]
struct NewPage {
    chrome: Chrome,
    form_token: String,
    challenge: Option<Challenge>,
    /// Staff record items from the counter, a call or a chat.
    staff: bool,
    units: Vec<(String, String)>,
    subjects: Vec<(&'static str, &'static str)>,
    purpose: &'static str,
    typed: Typed,
    error: Option<String>,
    receipt: Option<FeedbackReceipt>,
}

impl NewPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    typed: Typed,
    error: Option<String>,
) -> Result<(NewPage, Option<String>), PageError> {
    let staff = ctx.actor.as_ref().is_some_and(|a| !a.is_citizen);
    let (form_token, set) = match &ctx.actor {
        Some(_) => (ctx.csrf.clone().unwrap_or_default(), None),
        None => anonymous_form_token(headers, state.config.secure_cookies),
    };
    let challenge = match ctx.actor {
        None => Some(challenge::issue(&state.app, ctx.tenant.id).await?),
        Some(_) => None,
    };
    let units = match &ctx.actor {
        Some(a) if staff => a
            .scopes(Action::ReceiveFeedback)
            .into_iter()
            .map(|g| (g.unit_code.clone(), g.unit_name.clone()))
            .collect(),
        _ => org::list_units(&state.app, ctx.tenant.id)
            .await?
            .into_iter()
            .filter(|u| u.valid_to.is_none())
            .map(|u| (u.code, u.name))
            .collect(),
    };
    Ok((
        NewPage {
            chrome: Chrome::of(ctx),
            form_token,
            challenge,
            staff,
            units,
            subjects: subjects(),
            purpose: feedback::PURPOSE_VI,
            typed,
            error,
            receipt: None,
        },
        set,
    ))
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> PageResult {
    let (page, set) = new_page(&state, &ctx, &headers, Typed::default(), None).await?;
    Ok(with_form_cookie(render(&page), set))
}

pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    match &ctx.actor {
        Some(_) => {
            form_actor(&ctx, form.get("csrf_token"))?;
        }
        None if !anonymous_form_ok(&headers, form.get("csrf_token")) => {
            return Err(with_chrome(expired_form(), &ctx));
        }
        None => {}
    }
    let typed = Typed {
        subject: form.get("subject").into(),
        subject_ref: form.get("subject_ref").into(),
        title: form.get("title").into(),
        content: form.get("content").into(),
        unit_code: form.get("unit_code").into(),
        name: form.get("name").into(),
        phone: form.get("phone").into(),
        email: form.get("email").into(),
        address: form.get("address").into(),
        channel: form.get("channel").into(),
    };
    let Some(subject) = Subject::parse(&typed.subject) else {
        let (page, _) = new_page(
            &state,
            &ctx,
            &headers,
            typed,
            Some("Vui lòng chọn nội dung phản ánh, kiến nghị về việc gì.".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    };
    let input = Submission {
        subject,
        subject_ref: form.opt("subject_ref"),
        title: typed.title.clone(),
        content: typed.content.clone(),
        unit_code: form.opt("unit_code"),
        sender: SenderInput {
            name: typed.name.clone(),
            phone: form.opt("phone"),
            email: form.opt("email"),
            address: form.opt("address"),
        },
        consent: form.get("consent") == "1",
        challenge: Some(ChallengeAnswer {
            token: form.get("challenge_token").into(),
            answer: form.get("challenge_answer").into(),
        })
        .filter(|_| ctx.actor.is_none()),
        channel: FeedbackChannel::parse(form.get("channel")),
    };
    let who = match &ctx.actor {
        None => Submitter::Anonymous {
            tenant_id: ctx.tenant.id,
            client: &client,
        },
        Some(a) if a.is_citizen => Submitter::Citizen {
            actor: a,
            client: &client,
        },
        Some(a) => Submitter::Staff(a),
    };
    match feedback::submit(&state.app, who, input).await {
        Ok(receipt) => {
            let (mut page, _) = new_page(&state, &ctx, &headers, Typed::default(), None).await?;
            page.receipt = Some(receipt);
            Ok((StatusCode::CREATED, render(&page)).into_response())
        }
        Err(
            e @ (AppError::Validation(_) | AppError::TooManyAttempts { .. } | AppError::Forbidden),
        ) => {
            let status = PageError::from(AppError::Forbidden).status;
            let status = match &e {
                AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => status,
            };
            let message = match &e {
                AppError::TooManyAttempts { retry_after_secs } => format!(
                    "Bạn đã gửi quá nhiều phản ánh, kiến nghị trong thời gian ngắn. Vui lòng thử lại sau {} phút.",
                    (retry_after_secs + 59) / 60
                ),
                other => message_vi(other),
            };
            let (page, _) = new_page(&state, &ctx, &headers, typed, Some(message)).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}

// ---------------------------------------------------------------- sender's follow-up

#[derive(Template)]
#[template(path = "feedback_lookup.html")]
struct LookupPage {
    chrome: Chrome,
    form_token: String,
    code: String,
    secret: String,
    error: Option<String>,
    notice: Option<String>,
    status: Option<PublicStatus>,
}

impl LookupPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    ma: Option<String>,
}

pub async fn lookup_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    query: Result<Query<CodeQuery>, QueryRejection>,
) -> PageResult {
    let (form_token, set) = anonymous_form_token(&headers, state.config.secure_cookies);
    let code = query
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

/// Runs a sender's request (lookup, information, rating) and shows the follow-up page.
async fn sender_page(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    body: &Bytes,
    action: Option<FeedbackAction>,
    done: &str,
) -> PageResult {
    let form = FormData::parse(body);
    if !anonymous_form_ok(headers, form.get("csrf_token")) {
        return Err(with_chrome(expired_form(), ctx));
    }
    let code = form.get("code").trim().to_owned();
    let secret = form.get("secret").trim().to_owned();
    let (form_token, _) = anonymous_form_token(headers, state.config.secure_cookies);
    let mut page = LookupPage {
        chrome: Chrome::of(ctx),
        form_token,
        code: code.chars().take(64).collect(),
        secret: secret.chars().take(64).collect(),
        error: None,
        notice: None,
        status: None,
    };
    if code.is_empty() || secret.is_empty() || code.len() > 64 || secret.len() > 64 {
        page.error = Some("Vui lòng nhập mã phản ánh, kiến nghị và mã bí mật đã được cấp.".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let outcome = match action {
        None => feedback::lookup(&state.app, ctx.tenant.id, &code, &secret).await,
        Some(a) => feedback::sender_act(&state.app, ctx.tenant.id, &code, &secret, a).await,
    };
    let status = match outcome {
        Ok(found) => {
            page.status = Some(found);
            page.notice = Some(done.to_owned()).filter(|d| !d.is_empty());
            StatusCode::OK
        }
        Err(AppError::NotFound(_)) => {
            page.error = Some(
                "Không tìm thấy phản ánh, kiến nghị với mã và mã bí mật đã nhập. Vui lòng kiểm tra lại."
                    .into(),
            );
            StatusCode::NOT_FOUND
        }
        Err(e @ AppError::TooManyAttempts { .. }) => {
            page.error = Some(format!(
                "Mã này đã bị tra cứu sai quá nhiều lần. {}",
                message_vi(&e).replace("Bạn đã nhập sai quá nhiều lần. ", "")
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Forbidden)) => {
            page.error = Some(message_vi(&e));
            page.status = feedback::lookup(&state.app, ctx.tenant.id, &code, &secret)
                .await
                .ok();
            PageError::from(e).status
        }
        Err(e) => return Err(with_chrome(e, ctx)),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    sender_page(&state, &ctx, &headers, &body, None, "").await
}

pub async fn provide_info(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let text = FormData::parse(&body).get("text").to_owned();
    let action = FeedbackAction::ProvideInfo { text };
    let done = "Đã gửi thông tin bổ sung. Cơ quan tiếp nhận sẽ tiếp tục xem xét.";
    sender_page(&state, &ctx, &headers, &body, Some(action), done).await
}

pub async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let satisfied = FormData::parse(&body).get("satisfied") == "1";
    let action = FeedbackAction::Rate { satisfied };
    let done = "Cảm ơn bạn đã cho biết mức độ hài lòng với kết quả trả lời.";
    sender_page(&state, &ctx, &headers, &body, Some(action), done).await
}

// ---------------------------------------------------------------- published answers

#[derive(Template)]
#[template(path = "feedback_published.html")]
struct PublishedPage {
    chrome: Chrome,
    answers: Vec<PublishedAnswer>,
}

impl PublishedPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
}

pub async fn published(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let answers = feedback::published(&state.app, ctx.tenant.id, 1).await?;
    Ok(render(&PublishedPage {
        chrome: Chrome::of(&ctx),
        answers,
    }))
}

// ---------------------------------------------------------------- staff

fn staff<'a>(ctx: &'a Ctx, back_to: &str) -> Result<&'a motcua_app::Actor, Box<Response>> {
    signed_in(
        ctx,
        back_to,
        |a| a.can(Action::ViewFeedback),
        "Trang này dành cho cán bộ xử lý phản ánh, kiến nghị.",
    )
}

#[derive(Template)]
#[template(path = "feedback_queue.html")]
struct WorkPage {
    chrome: Chrome,
    units: Vec<(String, String)>,
    unit: String,
    show: String,
    items: Vec<QueueItem>,
}

impl WorkPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
    fn row_class(&self, u: &Urgency) -> &'static str {
        match u {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "soon",
            Urgency::InTime => "",
        }
    }
}

pub async fn work(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> PageResult {
    let actor = match staff(&ctx, "/quan-ly/phan-anh") {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let units: Vec<(String, String)> = actor
        .scopes(Action::ViewFeedback)
        .into_iter()
        .map(|g| (g.unit_code.clone(), g.unit_name.clone()))
        .collect();
    let unit = q
        .unit
        .clone()
        .filter(|u| !u.is_empty())
        .or_else(|| units.first().map(|u| u.0.clone()))
        .unwrap_or_default();
    let show = q.show.clone().unwrap_or_else(|| "open".into());
    let query = QueueQuery {
        unit: Some(unit.clone()),
        show: Some(show.clone()),
        page: q.page,
    };
    let items = feedback::queue(&state.app, actor, &query)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&WorkPage {
        chrome: Chrome::of(&ctx),
        units,
        unit,
        show,
        items,
    }))
}

#[derive(Template)]
#[template(path = "feedback_item.html")]
struct ItemPage {
    chrome: Chrome,
    f: FeedbackView,
    units: Vec<(String, String)>,
    may_manage_personal_data: bool,
    notice: Option<String>,
    error: Option<String>,
}

impl ItemPage {
    fn time(&self, ts: &Timestamp) -> String {
        local_time(ts)
    }
    fn can(&self, action: &str) -> bool {
        self.f.available_actions.iter().any(|a| a == action)
    }
}

async fn item_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<ItemPage, PageError> {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| with_chrome(AppError::Unauthenticated, ctx))?;
    let f = feedback::detail(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    let units = if f.available_actions.iter().any(|a| a == "forward") {
        org::list_units(&state.app, ctx.tenant.id)
            .await?
            .into_iter()
            .filter(|u| u.valid_to.is_none() && u.id != f.receiving_unit.id)
            .map(|u| (u.code, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let may_manage_personal_data = actor
        .scopes(Action::ReceiveFeedback)
        .iter()
        .any(|g| g.unit_id == f.receiving_unit.id || g.include_subunits);
    Ok(ItemPage {
        chrome: Chrome::of(ctx),
        f,
        units,
        may_manage_personal_data,
        notice,
        error,
    })
}

pub async fn item(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    if let Err(r) = staff(&ctx, &format!("/quan-ly/phan-anh/{id}")) {
        return Ok(*r);
    }
    let id: i64 = id.parse().map_err(|_| {
        with_chrome(
            PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy nội dung yêu cầu."),
            &ctx,
        )
    })?;
    Ok(render(&item_page(&state, &ctx, id, None, None).await?))
}

fn action_of(form: &FormData) -> Option<ActionInput> {
    let text = |n: &str| form.get(n).to_owned();
    Some(match form.get("action") {
        "accept" => ActionInput::Accept,
        "reject" => ActionInput::Reject {
            reason: text("reason"),
        },
        "ask_info" => ActionInput::AskInfo {
            question: text("question"),
        },
        "forward" => ActionInput::Forward {
            unit_code: text("unit_code"),
        },
        "answer" => ActionInput::Answer { text: text("text") },
        "return_answer" => ActionInput::ReturnAnswer {
            reason: text("reason"),
        },
        "approve" => ActionInput::Approve,
        "publish" => ActionInput::Publish {
            public_question: form.opt("public_question"),
            public_title: form.opt("public_title"),
        },
        "close" => ActionInput::Close,
        _ => return None,
    })
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let Some(action) = action_of(&form) else {
        let page = item_page(
            &state,
            &ctx,
            id,
            None,
            Some("Thao tác không hợp lệ.".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    };
    let version = form.get("version").parse().ok();
    match feedback::act(&state.app, actor, id, action, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/quan-ly/phan-anh/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Stale)) => {
            let status = PageError::from(AppError::Stale).status;
            let status = if matches!(e, AppError::Validation(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                status
            };
            let page = item_page(&state, &ctx, id, None, Some(message_vi(&e))).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}

pub async fn erase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    feedback::erase_personal_data(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let notice = Some("Đã xóa họ tên và thông tin liên hệ của người gửi.".to_owned());
    Ok(render(&item_page(&state, &ctx, id, notice, None).await?))
}

#[derive(Template)]
#[template(path = "feedback_stats.html")]
struct StatsPage {
    chrome: Chrome,
    s: FeedbackStats,
}

impl StatsPage {
    fn pct(&self, r: &Option<f64>) -> String {
        r.map_or("—".into(), |v| format!("{v:.1}%").replace('.', ","))
    }
}

pub async fn stats(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> PageResult {
    let actor = match signed_in(
        &ctx,
        "/quan-ly/phan-anh/thong-ke",
        |a| a.can(Action::ViewReports),
        "Trang này dành cho người được xem báo cáo.",
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let s = feedback::stats(&state.app, actor, &q)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&StatsPage {
        chrome: Chrome::of(&ctx),
        s,
    }))
}

#[derive(Template)]
#[template(path = "satisfaction.html")]
struct SatisfactionPage {
    chrome: Chrome,
    r: motcua_app::satisfaction::SatisfactionReport,
    by_label: &'static str,
    xlsx_link: String,
}

impl SatisfactionPage {
    fn pct(&self, r: &Option<f64>) -> String {
        r.map_or("—".into(), |v| format!("{v:.1}%").replace('.', ","))
    }
}

/// Satisfaction with the handling of files, per unit, field, procedure or officer.
pub async fn satisfaction(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<motcua_app::satisfaction::SatisfactionQuery>, QueryRejection>,
) -> PageResult {
    let actor = match signed_in(
        &ctx,
        "/bao-cao/hai-long",
        |a| a.can(Action::ViewReports),
        "Trang này dành cho người được xem báo cáo.",
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let r = motcua_app::satisfaction::report(&state.app, actor, &q)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let xlsx_link = format!(
        "/api/v1/reports/satisfaction.xlsx?from={}&to={}&unit={}&by={}",
        r.from, r.to, r.unit_code, r.by
    );
    Ok(render(&SatisfactionPage {
        chrome: Chrome::of(&ctx),
        by_label: motcua_app::satisfaction::by_label_vi(&r.by),
        xlsx_link,
        r,
    }))
}
