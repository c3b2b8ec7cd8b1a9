//! Ngừng nhận tin: the page messages to applicants link to. The applicant proves the contact
//! is theirs with a file code and its PIN (or their phone number), as on the lookup page,
//! and chooses the channels to stop.

use super::{
    Chrome, FormData, PageResult, anonymous_form_ok, anonymous_form_token, expired_form,
    message_vi, render, with_form_cookie,
};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use motcua_app::AppError;
use motcua_app::notify_prefs::{self, OptOutRequest};

#[derive(Template)]
#[template(path = "optout.html")]
struct OptOutPage {
    chrome: Chrome,
    form_token: String,
    code: String,
    error: Option<String>,
    /// Vietnamese names of the channels stopped.
    stopped: Option<Vec<&'static str>>,
}

fn channel_vi(c: &str) -> &'static str {
    match c {
        "email" => "thư điện tử",
        "sms" => "tin nhắn SMS",
        _ => "tin nhắn Zalo",
    }
}

pub async fn form(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> PageResult {
    let (form_token, set) = anonymous_form_token(&headers, state.config.secure_cookies);
    let page = OptOutPage {
        chrome: Chrome::of(&ctx),
        form_token,
        code: String::new(),
        error: None,
        stopped: None,
    };
    Ok(with_form_cookie(render(&page), set))
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let get = |name: &str| form.get(name).trim().to_owned();
    if !anonymous_form_ok(&headers, &get("csrf_token")) {
        return Err(super::with_chrome(expired_form(), &ctx));
    }
    let code: String = get("code").chars().take(64).collect();
    let secret: String = get("secret").chars().take(64).collect();
    let channels: Vec<String> = form
        .0
        .iter()
        .filter(|(k, _)| k == "channel")
        .map(|(_, v)| v.clone())
        .collect();
    let (form_token, _) = anonymous_form_token(&headers, state.config.secure_cookies);
    let mut page = OptOutPage {
        chrome: Chrome::of(&ctx),
        form_token,
        code: code.clone(),
        error: None,
        stopped: None,
    };
    let status = if code.is_empty() || secret.is_empty() {
        page.error = Some("Vui lòng nhập mã hồ sơ và mã tra cứu (hoặc số điện thoại).".into());
        StatusCode::UNPROCESSABLE_ENTITY
    } else if channels.is_empty() {
        page.error = Some("Vui lòng chọn ít nhất một hình thức nhận tin cần ngừng.".into());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        let req = OptOutRequest {
            code,
            secret,
            channels,
        };
        match notify_prefs::opt_out(&state.app, ctx.tenant.id, &req).await {
            Ok(done) => {
                page.stopped = Some(done.stopped.iter().map(|c| channel_vi(c)).collect());
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
            Err(e @ (AppError::TooManyAttempts { .. } | AppError::Validation(_))) => {
                page.error = Some(message_vi(&e));
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(e) => {
                return Err(super::with_chrome(e, &ctx));
            }
        }
    };
    Ok((status, render(&page)).into_response())
}
