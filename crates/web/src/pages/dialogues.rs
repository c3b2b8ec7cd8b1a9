//! Dialogue conferences on the portal (`/doi-thoai`): conferences taking questions, each with a
//! form (anonymous, check question, name and contact optional), and published minutes with the
//! answered questions — never the askers' details.

use super::{
    Chrome, FormData, PageError, PageResult, anonymous_form_ok, anonymous_form_token, expired_form,
    message_vi, render, with_form_cookie,
};
use crate::client_addr::ClientAddr;
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use motcua_app::AppError;
use motcua_app::challenge::{self, Challenge};
use motcua_app::dialogues::{self, DialogueQuestionInput, PublicDialogue};
use motcua_app::feedback::ChallengeAnswer;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/doi-thoai", get(page))
        .route("/doi-thoai/{id}", post(ask))
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
        let mut e = expired_form();
        e.chrome = Some(Chrome::of(&ctx));
        return Err(e);
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
            let mut e = PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy hội nghị đối thoại.");
            e.chrome = Some(Chrome::of(&ctx));
            return Err(e);
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
            let mut e = PageError::from(e);
            e.chrome = Some(Chrome::of(&ctx));
            return Err(e);
        }
    };
    Ok((status, render(&page)).into_response())
}
