//! Sign-in, sign-out, registration, the account page and password change.

use super::{
    Chrome, PageResult, anonymous_form_ok, anonymous_form_token, expired_form, message_vi, render,
    with_form_cookie,
};
use crate::client_addr::ClientAddr;
use crate::ctx::{Ctx, session_cookie};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_app::auth::{self, Registration};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    form_token: String,
    login: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/tai-khoan".to_owned()
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let (form_token, set) = anonymous_form_token(&headers, state.config.secure_cookies);
    let page = LoginPage {
        chrome: Chrome::of(&ctx),
        form_token,
        login: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("")),
        error: None,
    };
    Ok(with_form_cookie(render(&page), set))
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf_token: String,
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    Form(form): Form<LoginForm>,
) -> PageResult {
    if !anonymous_form_ok(&headers, &form.csrf_token) {
        return Err(expired_form());
    }
    match auth::login(
        &state.app,
        ctx.tenant.id,
        &form.login,
        &form.password,
        &client,
    )
    .await
    {
        Ok(session) => {
            let cookie = session_cookie(
                &session.token,
                state.app.settings.session_idle_secs,
                state.config.secure_cookies,
            );
            Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&safe_next(&form.next)),
            )
                .into_response())
        }
        Err(
            err @ (AppError::BadCredentials
            | AppError::TooManyAttempts { .. }
            | AppError::Validation(_)),
        ) => {
            let status = if matches!(err, AppError::TooManyAttempts { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let page = LoginPage {
                chrome: Chrome::of(&ctx),
                form_token: form.csrf_token,
                login: form.login.chars().take(254).collect(),
                next: safe_next(&form.next),
                error: Some(message_vi(&err)),
            };
            Ok((status, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf_token: String,
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    if let Some(token) = &ctx.session_token {
        if !auth::csrf_ok(ctx.csrf.as_deref().unwrap_or(""), Some(&form.csrf_token)) {
            return Err(expired_form());
        }
        auth::logout(&state.app, ctx.tenant.id, token).await?;
    }
    let cookie = session_cookie("", 0, state.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    form_token: String,
    full_name: String,
    email: String,
    phone: String,
    error: Option<String>,
}

pub async fn register_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> PageResult {
    let (form_token, set) = anonymous_form_token(&headers, state.config.secure_cookies);
    let page = RegisterPage {
        chrome: Chrome::of(&ctx),
        form_token,
        full_name: String::new(),
        email: String::new(),
        phone: String::new(),
        error: None,
    };
    Ok(with_form_cookie(render(&page), set))
}

#[derive(Deserialize)]
pub struct RegisterForm {
    csrf_token: String,
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    password: String,
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<RegisterForm>,
) -> PageResult {
    if !anonymous_form_ok(&headers, &form.csrf_token) {
        return Err(expired_form());
    }
    let registration = Registration {
        full_name: form.full_name.clone(),
        email: Some(form.email.clone()),
        phone: Some(form.phone.clone()),
        password: form.password,
    };
    match auth::register_citizen(&state.app, ctx.tenant.id, registration).await {
        Ok(session) => {
            let cookie = session_cookie(
                &session.token,
                state.app.settings.session_idle_secs,
                state.config.secure_cookies,
            );
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/tai-khoan")).into_response())
        }
        Err(err @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = if matches!(err, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let keep = |s: &str| s.chars().take(254).collect::<String>();
            let page = RegisterPage {
                chrome: Chrome::of(&ctx),
                form_token: form.csrf_token,
                full_name: keep(&form.full_name),
                email: keep(&form.email),
                phone: keep(&form.phone),
                error: Some(message_vi(&err)),
            };
            Ok((status, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    display_name: String,
    username: String,
    is_citizen: bool,
    /// (role, unit name, unit code, scope)
    grants: Vec<(String, String, String, String)>,
    /// A citizen's own files.
    files: Vec<motcua_app::files::QueueItem>,
    just_submitted: bool,
    /// May read reports: the link to the reporting periods is shown.
    can_report: bool,
    /// May manage surveys / dialogue conferences: their links are shown.
    can_survey: bool,
    can_dialogue: bool,
}

impl Dashboard {
    fn time(&self, ts: &jiff::Timestamp) -> String {
        super::files::local_time(ts)
    }
}

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    #[serde(rename = "da-nop")]
    submitted: Option<String>,
}

fn login_redirect(path: &str) -> Response {
    Redirect::to(&format!("/dang-nhap?next={path}")).into_response()
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Some(actor) = &ctx.actor else {
        return Ok(login_redirect("/tai-khoan"));
    };
    let files = if actor.is_citizen {
        motcua_app::files::my_files(&state.app, actor, 1).await?
    } else {
        Vec::new()
    };
    let grants = actor
        .grants
        .iter()
        .map(|g| {
            let scope = if g.include_subunits {
                "Đơn vị và đơn vị trực thuộc"
            } else {
                "Chỉ đơn vị này"
            };
            (
                g.role.label_vi().to_owned(),
                g.unit_name.clone(),
                g.unit_code.clone(),
                scope.to_owned(),
            )
        })
        .collect();
    Ok(render(&Dashboard {
        chrome: Chrome::of(&ctx),
        display_name: actor.display_name.clone(),
        username: actor.username.clone(),
        is_citizen: actor.is_citizen,
        can_report: actor.can(motcua_domain::permission::Action::ViewReports),
        can_survey: actor.can(motcua_domain::permission::Action::ManageSurveys),
        can_dialogue: actor.can(motcua_domain::permission::Action::ManageDialogues),
        grants,
        files,
        just_submitted: query.is_ok_and(|q| q.0.submitted.is_some()),
    }))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
    done: bool,
}

pub async fn password_form(ctx: Ctx) -> PageResult {
    if ctx.actor.is_none() {
        return Ok(login_redirect("/doi-mat-khau"));
    }
    Ok(render(&PasswordPage {
        chrome: Chrome::of(&ctx),
        error: None,
        done: false,
    }))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let Some(actor) = &ctx.actor else {
        return Ok(login_redirect("/doi-mat-khau"));
    };
    if !auth::csrf_ok(ctx.csrf.as_deref().unwrap_or(""), Some(&form.csrf_token)) {
        return Err(expired_form());
    }
    let result = auth::change_password(
        &state.app,
        actor,
        &form.current_password,
        &form.new_password,
        ctx.session_token.as_deref(),
    )
    .await;
    match result {
        Ok(()) => Ok(render(&PasswordPage {
            chrome: Chrome::of(&ctx),
            error: None,
            done: true,
        })),
        Err(err @ AppError::Validation(_)) => {
            let page = PasswordPage {
                chrome: Chrome::of(&ctx),
                error: Some(message_vi(&err)),
                done: false,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
