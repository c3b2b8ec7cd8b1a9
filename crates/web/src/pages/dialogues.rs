//! Dialogue conferences on the portal (`/doi-thoai`): conferences taking questions, each with a
//! form (anonymous, check question, name and contact optional), and published minutes with the
//! answered questions — never the askers' details. For the unit's staff (`/quan-ly/doi-thoai`):
//! plan a conference, answer questions, follow-up tasks, publish the minutes.

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
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jiff::civil::Date;
use motcua_app::AppError;
use motcua_app::challenge::{self, Challenge};
use motcua_app::dialogues::{
    self, DialogueQuestionInput, DialogueSummary, DialogueTaskInput, DialogueView,
    NewDialogueInput, PublicDialogue,
};
use motcua_app::feedback::ChallengeAnswer;
use motcua_domain::permission::Action;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/doi-thoai", get(page))
        .route("/doi-thoai/{id}", post(ask))
        .route("/quan-ly/doi-thoai", get(staff_list).post(plan))
        .route("/quan-ly/doi-thoai/{id}", get(staff_item).post(staff_act))
}

#[derive(Template)]
#[template(path = "dialogues_public.html")]
struct PublicPage {
    chrome: Chrome,
    items: Vec<PublicDialogue>,
    form_token: String,
    challenge: Challenge,
    /// The conference the message below is about.
    for_id: i64,
    error: Option<String>,
    done: Option<String>,
}

impl PublicPage {
    fn date(&self, iso: &str) -> String {
        super::files::local_date(iso)
    }
}

async fn build(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
) -> Result<(PublicPage, Option<String>), PageError> {
    let items = dialogues::public_list(&state.app, ctx.tenant.id).await?;
    let (form_token, set) = anonymous_form_token(headers, state.config.secure_cookies);
    Ok((
        PublicPage {
            chrome: Chrome::of(ctx),
            items,
            form_token,
            challenge: challenge::issue(&state.app, ctx.tenant.id).await?,
            for_id: 0,
            error: None,
            done: None,
        },
        set,
    ))
}

pub async fn page(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> PageResult {
    let (page, set) = build(&state, &ctx, &headers).await?;
    Ok(with_form_cookie(render(&page), set))
}

pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    if !anonymous_form_ok(&headers, form.get("csrf_token")) {
        return Err(with_chrome(expired_form(), &ctx));
    }
    let input = DialogueQuestionInput {
        question: form.get("question").into(),
        name: form.opt("name"),
        contact: form.opt("contact"),
        challenge: Some(ChallengeAnswer {
            token: form.get("challenge_token").into(),
            answer: form.get("challenge_answer").into(),
        }),
    };
    let result = dialogues::ask(&state.app, ctx.tenant.id, &client, id, input).await;
    let (mut page, _) = build(&state, &ctx, &headers).await?;
    page.for_id = id;
    let status = match result {
        Ok(receipt) => {
            page.done = Some(receipt.message);
            StatusCode::CREATED
        }
        Err(AppError::NotFound(_)) => {
            let e = PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy hội nghị đối thoại.");
            return Err(with_chrome(e, &ctx));
        }
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            page.error = Some(format!(
                "Bạn đã gửi quá nhiều câu hỏi trong thời gian ngắn. Vui lòng thử lại sau {} phút.",
                (retry_after_secs + 59) / 60
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(e @ AppError::Validation(_)) => {
            page.error = Some(message_vi(&e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e @ AppError::Rule { .. }) => {
            page.error = Some(message_vi(&e));
            StatusCode::CONFLICT
        }
        Err(e) => {
            return Err(with_chrome(e, &ctx));
        }
    };
    Ok((status, render(&page)).into_response())
}

// ---------------------------------------------------------------- staff

const REFUSAL: &str =
    "Chỉ lãnh đạo đơn vị và cơ quan thường trực cải cách hành chính quản lý hội nghị đối thoại.";

fn manages(a: &motcua_app::Actor) -> bool {
    a.can(Action::ManageDialogues)
}

#[derive(Template)]
#[template(path = "dialogue_list.html")]
struct StaffListPage {
    chrome: Chrome,
    items: Vec<DialogueSummary>,
    /// Units where the user may plan: (code, name).
    units: Vec<(String, String)>,
    error: Option<String>,
}

impl StaffListPage {
    fn date(&self, iso: &str) -> String {
        super::files::local_date(iso)
    }
}

async fn staff_list_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &motcua_app::Actor,
    error: Option<String>,
) -> Result<StaffListPage, PageError> {
    let items = dialogues::list(&state.app, actor)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    Ok(StaffListPage {
        chrome: Chrome::of(ctx),
        items,
        units: actor
            .scopes(Action::ManageDialogues)
            .into_iter()
            .map(|g| (g.unit_code.clone(), g.unit_name.clone()))
            .collect(),
        error,
    })
}

pub async fn staff_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = match signed_in(&ctx, "/quan-ly/doi-thoai", manages, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    Ok(render(&staff_list_page(&state, &ctx, actor, None).await?))
}

fn date_field(form: &FormData, name: &str) -> Result<Date, AppError> {
    form.get(name)
        .trim()
        .parse::<Date>()
        .map_err(|_| AppError::invalid(name, "not a date"))
}

pub async fn plan(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let planned = match date_field(&form, "held_on") {
        Ok(held_on) => {
            dialogues::plan(
                &state.app,
                actor,
                NewDialogueInput {
                    unit_code: form.get("unit_code").into(),
                    topic: form.get("topic").into(),
                    leader: form.get("leader").into(),
                    held_on,
                    fields: form
                        .get("fields")
                        .split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned)
                        .collect(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match planned {
        Ok(view) => {
            Ok(Redirect::to(&format!("/quan-ly/doi-thoai/{}", view.dialogue.id)).into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let page = staff_list_page(&state, &ctx, actor, Some(message_vi(&e))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}

#[derive(Template)]
#[template(path = "dialogue_staff.html")]
struct StaffPage {
    chrome: Chrome,
    v: DialogueView,
    published: bool,
    error: Option<String>,
}

impl StaffPage {
    fn date(&self, iso: &str) -> String {
        super::files::local_date(iso)
    }
}

pub async fn staff_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let back = format!("/quan-ly/doi-thoai/{id}");
    let actor = match signed_in(&ctx, &back, manages, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let v = dialogues::detail(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&StaffPage {
        chrome: Chrome::of(&ctx),
        published: v.dialogue.state == "published",
        v,
        error: None,
    }))
}

/// Answer a question, add a task, mark one done, or publish the minutes.
pub async fn staff_act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let number = |name: &str| form.get(name).trim().parse::<i64>().ok();
    let app = &state.app;
    let done = match form.get("action") {
        "answer" => match number("question_id") {
            Some(q) => dialogues::answer(app, actor, id, q, form.get("answer")).await,
            None => Err(AppError::invalid("question_id", "no question")),
        },
        "task" => match date_field(&form, "due_on") {
            Ok(due_on) => {
                dialogues::add_task(
                    app,
                    actor,
                    id,
                    DialogueTaskInput {
                        title: form.get("title").into(),
                        owner: form.get("owner").into(),
                        due_on,
                        question_id: number("question_id"),
                    },
                )
                .await
            }
            Err(e) => Err(e),
        },
        "done" | "undone" => match number("task_id") {
            Some(t) => {
                dialogues::set_task_done(app, actor, id, t, form.get("action") == "done").await
            }
            None => Err(AppError::NotFound("task")),
        },
        "publish" => dialogues::publish(app, actor, id, form.get("minutes")).await,
        _ => Err(AppError::invalid("action", "unknown action")),
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/quan-ly/doi-thoai/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. })) => {
            let status = if matches!(e, AppError::Validation(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let v = dialogues::detail(app, actor, id)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            let page = StaffPage {
                chrome: Chrome::of(&ctx),
                published: v.dialogue.state == "published",
                v,
                error: Some(message_vi(&e)),
            };
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}
