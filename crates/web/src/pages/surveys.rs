//! Survey pages: the public questionnaire (`/khao-sat/{id}`, anonymous with a check question)
//! and, for the reform office, the list and the results with bars (`/quan-ly/khao-sat`).
//! Pages only call the `surveys` use cases; permission and scope checks live there.

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
use axum::routing::get;
use motcua_app::AppError;
use motcua_app::challenge::{self, Challenge};
use motcua_app::feedback::ChallengeAnswer;
use motcua_app::surveys::{self, SurveyResponseInput, SurveyResults, SurveySummary, SurveyView};
use motcua_domain::catalogue::FieldError;
use motcua_domain::permission::Action;
use motcua_domain::survey::{QuestionKind, SurveyAnswer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/khao-sat/{id}", get(form).post(answer))
        .route("/quan-ly/khao-sat", get(list).post(create))
        .route("/quan-ly/khao-sat/{id}", get(results).post(act))
}

/// A question as the form shows it.
struct FormQuestion {
    index: usize,
    text: String,
    /// `single`, `multiple`, `scale` or `text`.
    kind: &'static str,
    kind_label: &'static str,
    required: bool,
    options: Vec<(usize, String)>,
}

#[derive(Template)]
#[template(path = "survey_public.html")]
struct PublicPage {
    chrome: Chrome,
    survey: SurveyView,
    questions: Vec<FormQuestion>,
    form_token: String,
    challenge: Option<Challenge>,
    /// Why no answers are taken now.
    not_open: Option<String>,
    errors: Vec<String>,
    done: Option<String>,
    /// What was sent (`q<i>`, value), to show the form again after an error.
    typed: Vec<(String, String)>,
}

fn date_vi(d: &jiff::civil::Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

impl PublicPage {
    fn opens(&self) -> String {
        date_vi(&self.survey.questionnaire.opens_on)
    }
    fn closes(&self) -> String {
        date_vi(&self.survey.questionnaire.closes_on)
    }

    /// Whether option or value `v` of question `i` was chosen.
    fn checked(&self, i: &usize, v: &usize) -> bool {
        let (name, value) = (format!("q{i}"), v.to_string());
        self.typed.iter().any(|(k, x)| *k == name && *x == value)
    }

    /// The text typed for question `i`.
    fn text_of(&self, i: &usize) -> String {
        let name = format!("q{i}");
        self.typed
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

fn form_questions(view: &SurveyView) -> Vec<FormQuestion> {
    view.questionnaire
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| FormQuestion {
            index: i,
            text: q.text.clone(),
            kind: match q.kind {
                QuestionKind::SingleChoice => "single",
                QuestionKind::MultipleChoice => "multiple",
                QuestionKind::Scale => "scale",
                QuestionKind::FreeText => "text",
            },
            kind_label: q.kind.label_vi(),
            required: q.required,
            options: q.options.iter().cloned().enumerate().collect(),
        })
        .collect()
}

async fn public_page(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: i64,
) -> Result<(PublicPage, Option<String>), PageError> {
    let survey = surveys::get(&state.app, ctx.tenant.id, ctx.actor.as_ref(), id)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    let (form_token, set) = anonymous_form_token(headers, state.config.secure_cookies);
    let not_open = survey.not_open_vi.clone();
    let challenge = if not_open.is_none() {
        Some(challenge::issue(&state.app, ctx.tenant.id).await?)
    } else {
        None
    };
    Ok((
        PublicPage {
            chrome: Chrome::of(ctx),
            questions: form_questions(&survey),
            survey,
            form_token,
            challenge,
            not_open,
            errors: Vec::new(),
            done: None,
            typed: Vec::new(),
        },
        set,
    ))
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    let (page, set) = public_page(&state, &ctx, &headers, id).await?;
    Ok(with_form_cookie(render(&page), set))
}

/// What the form sent for question `i` of `kind`: unreadable numbers become an index no
/// question has, so the use case refuses them with the others.
fn answer_of(form: &FormData, i: usize, kind: &str) -> SurveyAnswer {
    let name = format!("q{i}");
    let index = |v: &str| v.trim().parse::<usize>().unwrap_or(usize::MAX);
    let mut a = SurveyAnswer {
        question: i,
        choices: Vec::new(),
        scale: None,
        text: None,
    };
    match kind {
        "single" | "multiple" => a.choices = form.all(&name).iter().map(|v| index(v)).collect(),
        "scale" => a.scale = form.opt(&name).map(|v| v.parse::<i64>().unwrap_or(0)),
        _ => a.text = form.opt(&name),
    }
    a
}

fn answer_error_vi(e: &FieldError) -> String {
    let Some(n) = e
        .field
        .strip_prefix("answers.")
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return super::message_vi(&AppError::Validation(vec![e.clone()]));
    };
    let what = match e.message.as_str() {
        "this question must be answered" => "vui lòng trả lời câu hỏi này.",
        "choose exactly one option" => "chỉ chọn một phương án.",
        "give a value from 1 to 5" => "chọn một mức từ 1 đến 5.",
        m if m.starts_with("at most") => "câu trả lời quá dài (tối đa 2.000 ký tự).",
        _ => "câu trả lời không hợp lệ.",
    };
    format!("Câu {}: {what}", n + 1)
}

pub async fn answer(
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
    let (mut page, _) = public_page(&state, &ctx, &headers, id).await?;
    let answers = page
        .questions
        .iter()
        .map(|q| answer_of(&form, q.index, q.kind))
        .filter(|a| !a.choices.is_empty() || a.scale.is_some() || a.text.is_some())
        .collect();
    let input = SurveyResponseInput {
        answers,
        challenge: Some(ChallengeAnswer {
            token: form.get("challenge_token").into(),
            answer: form.get("challenge_answer").into(),
        }),
    };
    match surveys::respond(&state.app, ctx.tenant.id, &client, id, input).await {
        Ok(receipt) => {
            page.done = Some(receipt.message);
            page.challenge = None;
            Ok((StatusCode::CREATED, render(&page)).into_response())
        }
        Err(AppError::Validation(errors)) => {
            page.errors = errors.iter().map(answer_error_vi).collect();
            page.typed = (0..page.questions.len())
                .flat_map(|i| {
                    let name = format!("q{i}");
                    form.all(&name).into_iter().map(move |v| (name.clone(), v))
                })
                .collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            page.errors = vec![format!(
                "Bạn đã gửi quá nhiều câu trả lời trong thời gian ngắn. Vui lòng thử lại sau {} phút.",
                (retry_after_secs + 59) / 60
            )];
            Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)).into_response())
        }
        Err(e @ AppError::Rule { conflict: true, .. }) => {
            page.not_open = Some(message_vi(&e));
            page.challenge = None;
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}

// ---------------------------------------------------------------- staff

#[derive(Template)]
#[template(path = "survey_list.html")]
struct ListPage {
    chrome: Chrome,
    surveys: Vec<SurveySummary>,
    /// Question blocks of the new-survey form.
    blocks: Vec<usize>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

/// Question blocks on the new-survey form; more questions through the API.
const FORM_BLOCKS: usize = 8;

fn kinds() -> Vec<(&'static str, &'static str)> {
    [
        ("single_choice", QuestionKind::SingleChoice),
        ("multiple_choice", QuestionKind::MultipleChoice),
        ("scale", QuestionKind::Scale),
        ("free_text", QuestionKind::FreeText),
    ]
    .into_iter()
    .map(|(k, kind)| (k, kind.label_vi()))
    .collect()
}

impl ListPage {
    fn date(&self, iso: &str) -> String {
        super::files::local_date(iso)
    }
}

fn manages(a: &motcua_app::Actor) -> bool {
    a.can(Action::ManageSurveys)
}

const REFUSAL: &str = "Chỉ cơ quan thường trực cải cách hành chính quản lý các cuộc khảo sát.";

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = match signed_in(&ctx, "/quan-ly/khao-sat", manages, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    Ok(render(&list_page(&state, &ctx, actor, Vec::new()).await?))
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &motcua_app::Actor,
    errors: Vec<String>,
) -> Result<ListPage, PageError> {
    let surveys = surveys::list(&state.app, actor)
        .await
        .map_err(|e| with_chrome(e, ctx))?;
    Ok(ListPage {
        chrome: Chrome::of(ctx),
        surveys,
        blocks: (0..FORM_BLOCKS).collect(),
        kinds: kinds(),
        errors,
    })
}

/// A questionnaire's problem in Vietnamese.
fn questionnaire_error_vi(e: &FieldError) -> String {
    let question = |rest: &str| {
        rest.split('.')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .map_or(0, |n| n + 1)
    };
    match e.field.as_str() {
        "title" => "Vui lòng nhập tên cuộc khảo sát (tối đa 200 ký tự).".into(),
        "purpose" => "Vui lòng nhập mục đích khảo sát (tối đa 2.000 ký tự).".into(),
        "opens_on" | "closes_on" if e.message.contains("before") => {
            "Ngày kết thúc không được trước ngày bắt đầu.".into()
        }
        "opens_on" | "closes_on" => "Ngày không hợp lệ.".into(),
        "questions" => "Phiếu khảo sát cần từ 1 đến 50 câu hỏi.".into(),
        f => match f.strip_prefix("questions.") {
            Some(rest) if rest.ends_with(".options") => format!(
                "Câu {}: câu hỏi lựa chọn cần từ 2 đến 20 phương án khác nhau (mỗi dòng một phương án); câu thang điểm hoặc trả lời tự do không có phương án.",
                question(rest)
            ),
            Some(rest) => format!(
                "Câu {}: vui lòng nhập nội dung câu hỏi (tối đa 500 ký tự).",
                question(rest)
            ),
            None => super::message_vi(&AppError::Validation(vec![e.clone()])),
        },
    }
}

/// Writes a survey from the form: blocks with an empty question are skipped.
pub async fn create(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    use motcua_app::surveys::NewSurveyInput;
    use motcua_domain::survey::{Questionnaire, SurveyQuestion};
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let date = |name: &str| form.get(name).trim().parse::<jiff::civil::Date>().ok();
    let (Some(opens_on), Some(closes_on)) = (date("opens_on"), date("closes_on")) else {
        let page = list_page(
            &state,
            &ctx,
            actor,
            vec!["Vui lòng chọn ngày bắt đầu và ngày kết thúc.".into()],
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    };
    let questions = (0..FORM_BLOCKS)
        .filter_map(|i| {
            let text = form.opt(&format!("q{i}_text"))?;
            let kind = match form.get(&format!("q{i}_kind")) {
                "multiple_choice" => QuestionKind::MultipleChoice,
                "scale" => QuestionKind::Scale,
                "free_text" => QuestionKind::FreeText,
                _ => QuestionKind::SingleChoice,
            };
            Some(SurveyQuestion {
                text,
                kind,
                options: form.lines(&format!("q{i}_options")),
                required: form.get(&format!("q{i}_required")) == "1",
            })
        })
        .collect();
    let input = NewSurveyInput {
        unit_code: None,
        questionnaire: Questionnaire {
            title: form.get("title").into(),
            purpose: form.get("purpose").into(),
            opens_on,
            closes_on,
            questions,
        },
    };
    match surveys::create(&state.app, actor, input).await {
        Ok(view) => Ok(Redirect::to(&format!("/quan-ly/khao-sat/{}", view.id)).into_response()),
        Err(AppError::Validation(errors)) => {
            let errors = errors.iter().map(questionnaire_error_vi).collect();
            let page = list_page(&state, &ctx, actor, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}

#[derive(Template)]
#[template(path = "survey_results.html")]
struct ResultsPage {
    chrome: Chrome,
    r: SurveyResults,
    is_draft: bool,
    is_published: bool,
    error: Option<String>,
}

impl ResultsPage {
    fn new(ctx: &Ctx, r: SurveyResults, error: Option<String>) -> ResultsPage {
        use motcua_domain::survey::SurveyState;
        ResultsPage {
            chrome: Chrome::of(ctx),
            is_draft: r.survey.state == SurveyState::Draft,
            is_published: r.survey.state == SurveyState::Published,
            r,
            error,
        }
    }
}

impl ResultsPage {
    /// Width class of a bar (0–20, steps of 5 %), as the reform results use.
    fn bar(&self, percent: &f64) -> u32 {
        ((percent / 5.0).round() as u32).min(20)
    }

    fn mean(&self, m: &f64) -> String {
        format!("{m:.2}").replace('.', ",")
    }

    fn date(&self, d: &jiff::civil::Date) -> String {
        date_vi(d)
    }

    fn percent(&self, p: &f64) -> String {
        format!("{p:.1}").replace('.', ",")
    }
}

pub async fn results(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let back = format!("/quan-ly/khao-sat/{id}");
    let actor = match signed_in(&ctx, &back, manages, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let r = surveys::results(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&ResultsPage::new(&ctx, r, None)))
}

/// Publish or close, from the results page.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let actor = form_actor(&ctx, form.get("csrf_token"))?;
    let done = match form.get("action") {
        "publish" => surveys::publish(&state.app, actor, id).await,
        "close" => surveys::close(&state.app, actor, id).await,
        _ => Err(AppError::invalid("action", "publish or close")),
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/quan-ly/khao-sat/{id}")).into_response()),
        Err(e @ (AppError::Rule { .. } | AppError::Stale)) => {
            let r = surveys::results(&state.app, actor, id)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            let page = ResultsPage::new(&ctx, r, Some(message_vi(&e)));
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(e) => Err(with_chrome(e, &ctx)),
    }
}
