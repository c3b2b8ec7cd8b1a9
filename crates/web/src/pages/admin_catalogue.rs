//! Administration of the procedure catalogue (list, add, edit) and a read-only view of the
//! rule versions the system applies. The pages only call the `catalogue` use cases, which
//! check `ManageCatalogue`, validate and audit.

use super::{
    Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in, with_chrome,
};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::catalogue::{self, FieldRef, Procedure, SearchQuery};
use motcua_app::org::By;
use motcua_app::{Actor, AppError};
use motcua_domain::catalogue::{
    Channels, Fee, Level, OnlineService, ProcedureSpec, ProcessingTime, RequiredDocument, TimeUnit,
};
use motcua_domain::permission::Action;
use motcua_domain::rules::{RuleSet, SupplementMode};
use serde::Deserialize;

const LIST_PATH: &str = "/quan-tri/thu-tuc";

fn catalogue_admin<'a>(ctx: &'a Ctx, back_to: &str) -> Result<&'a Actor, Box<Response>> {
    signed_in(
        ctx,
        back_to,
        |a| a.can(Action::ManageCatalogue),
        &message_vi(&AppError::Forbidden),
    )
}

/// The procedure form, as typed: lists are one item per line.
#[derive(Deserialize, Default, Clone)]
pub struct ProcedureForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    field_code: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    time_value: String,
    #[serde(default)]
    time_unit: String,
    /// "Tên giấy tờ | số bản" per line (one copy when the number is left out).
    #[serde(default)]
    documents: String,
    /// "Mô tả | số tiền" per line (the amount may be left out).
    #[serde(default)]
    fees: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    counter: Option<String>,
    #[serde(default)]
    post: Option<String>,
    #[serde(default)]
    online: String,
    #[serde(default)]
    online_payment: Option<String>,
    #[serde(default)]
    result: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    version: String,
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// "Mô tả | 50.000" → (Mô tả, Some("50.000")).
fn split_bar(line: &str) -> (&str, Option<&str>) {
    match line.rsplit_once('|') {
        Some((a, b)) => (a.trim(), Some(b.trim()).filter(|b| !b.is_empty())),
        None => (line, None),
    }
}

fn field_error(field: &str, message: &str) -> AppError {
    AppError::invalid(field, message)
}

impl ProcedureForm {
    fn of(p: &Procedure) -> ProcedureForm {
        ProcedureForm {
            csrf_token: String::new(),
            code: p.code.clone(),
            name: p.name.clone(),
            field_code: p.field.code.clone(),
            level: p.level.as_str().to_owned(),
            time_value: p.processing_time.value.to_string(),
            time_unit: p.processing_time.unit.as_str().to_owned(),
            documents: p
                .documents
                .iter()
                .map(|d| format!("{} | {}", d.name, d.copies))
                .collect::<Vec<_>>()
                .join("\n"),
            fees: p
                .fees
                .iter()
                .map(|f| match f.amount_vnd {
                    Some(a) => format!("{} | {a}", f.description),
                    None => f.description.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            legal_basis: p.legal_basis.join("\n"),
            counter: p.channels.counter.then(|| "on".to_owned()),
            post: p.channels.post.then(|| "on".to_owned()),
            online: p.channels.online.as_str().to_owned(),
            online_payment: p.online_payment.then(|| "on".to_owned()),
            result: p.result.clone(),
            agency: p.agency.clone(),
            version: p.version.to_string(),
        }
    }

    /// The spec the use cases validate further. `existing` keeps the form templates of
    /// documents whose names did not change.
    fn spec(&self, existing: Option<&Procedure>) -> Result<ProcedureSpec, AppError> {
        let level = Level::parse(&self.level)
            .ok_or_else(|| field_error("level", "one of tinh, huyen, xa"))?;
        let unit = TimeUnit::parse(&self.time_unit)
            .ok_or_else(|| field_error("processing_time", "unknown time unit"))?;
        let value = if unit == TimeUnit::SameDay {
            0
        } else {
            self.time_value
                .trim()
                .parse::<u32>()
                .map_err(|_| field_error("processing_time", "a whole number"))?
        };
        let online = OnlineService::parse(&self.online)
            .ok_or_else(|| field_error("online", "one of none, partial, full"))?;
        let mut documents = Vec::new();
        for line in lines(&self.documents) {
            let (name, copies) = split_bar(line);
            let copies = match copies {
                Some(c) => c
                    .parse::<u32>()
                    .map_err(|_| field_error("documents", "copies must be a whole number"))?,
                None => 1,
            };
            let template = existing.and_then(|p| {
                p.documents
                    .iter()
                    .find(|d| d.name == name)
                    .and_then(|d| d.template.clone())
            });
            documents.push(RequiredDocument {
                name: name.to_owned(),
                copies,
                template,
            });
        }
        let mut fees = Vec::new();
        for line in lines(&self.fees) {
            let (description, amount) = split_bar(line);
            let amount_vnd = match amount {
                Some(a) => Some(
                    a.replace(['.', ',', ' '], "")
                        .trim_end_matches("đồng")
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| field_error("fees", "the amount must be a number of VND"))?,
                ),
                None => None,
            };
            fees.push(Fee {
                description: description.to_owned(),
                amount_vnd,
            });
        }
        Ok(ProcedureSpec {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            field_code: self.field_code.trim().to_owned(),
            level,
            processing_time: ProcessingTime { value, unit },
            fees,
            documents,
            channels: Channels {
                counter: self.counter.is_some(),
                post: self.post.is_some(),
                online,
            },
            online_payment: self.online_payment.is_some(),
            result: self.result.trim().to_owned(),
            legal_basis: lines(&self.legal_basis).map(str::to_owned).collect(),
            agency: self.agency.trim().to_owned(),
            valid_from: existing.and_then(|p| p.valid_from.as_deref()?.parse().ok()),
            valid_to: existing.and_then(|p| p.valid_to.as_deref()?.parse().ok()),
        })
    }
}

/// Choices of the form's selects: (value, label).
struct Choices {
    fields: Vec<FieldRef>,
    levels: Vec<(&'static str, &'static str)>,
    time_units: Vec<(&'static str, &'static str)>,
    online: Vec<(&'static str, &'static str)>,
}

async fn choices(state: &AppState, tenant_id: i64) -> Choices {
    let fields = catalogue::fields(&state.app, tenant_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| FieldRef {
            code: f.code,
            name: f.name,
        })
        .collect();
    Choices {
        fields,
        levels: [Level::Xa, Level::Tinh, Level::Huyen]
            .iter()
            .map(|l| (l.as_str(), l.label_vi()))
            .collect(),
        time_units: vec![
            (TimeUnit::WorkingDays.as_str(), "ngày làm việc"),
            (TimeUnit::CalendarDays.as_str(), "ngày (theo lịch)"),
            (TimeUnit::WorkingHours.as_str(), "giờ làm việc"),
            (TimeUnit::SameDay.as_str(), "trong ngày"),
        ],
        online: vec![
            (OnlineService::None.as_str(), "Không"),
            (OnlineService::Partial.as_str(), "Một phần"),
            (OnlineService::Full.as_str(), "Toàn trình"),
        ],
    }
}

#[derive(Template)]
#[template(path = "admin_procedures.html")]
struct ListPage {
    chrome: Chrome,
    items: Vec<Procedure>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    choices: Choices,
    values: ProcedureForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct EditPage {
    chrome: Chrome,
    code: String,
    choices: Choices,
    values: ProcedureForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    #[serde(rename = "trang")]
    page: Option<i64>,
    #[serde(rename = "da-luu")]
    saved: Option<String>,
}

const PER_PAGE: i64 = 30;

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    query: ListQuery,
    values: ProcedureForm,
    error: Option<String>,
) -> ListPage {
    let q = query.q.clone().unwrap_or_default();
    let page = query.page.unwrap_or(1).max(1);
    let found = catalogue::search(
        &state.app,
        actor.tenant_id,
        &SearchQuery {
            q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
            page: Some(page),
            per_page: Some(PER_PAGE),
            ..SearchQuery::default()
        },
    )
    .await;
    let (items, total) = found.map(|p| (p.items, p.total)).unwrap_or_default();
    ListPage {
        chrome: Chrome::of(ctx),
        items,
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        q,
        choices: choices(state, actor.tenant_id).await,
        values,
        error,
        notice: query.saved.map(|code| {
            format!(
                "Đã lưu thủ tục {}.",
                code.chars().take(40).collect::<String>()
            )
        }),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult {
    let actor = match catalogue_admin(&ctx, LIST_PATH) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let query = query.map(|q| q.0).unwrap_or_default();
    let values = ProcedureForm {
        level: Level::Xa.as_str().to_owned(),
        time_unit: TimeUnit::WorkingDays.as_str().to_owned(),
        online: OnlineService::None.as_str().to_owned(),
        counter: Some("on".into()),
        ..ProcedureForm::default()
    };
    Ok(render(
        &list_page(&state, &ctx, actor, query, values, None).await,
    ))
}

fn saved(code: &str) -> Response {
    Redirect::to(&format!(
        "{LIST_PATH}?da-luu={}",
        super::public::encode(code)
    ))
    .into_response()
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProcedureForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let result = match form.spec(None) {
        Ok(spec) => catalogue::create(&state.app, By::User(actor), spec).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => Ok(saved(&p.code)),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let page = list_page(
                &state,
                &ctx,
                actor,
                ListQuery::default(),
                form,
                Some(message),
            )
            .await;
            Ok((status, render(&page)).into_response())
        }
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    values: ProcedureForm,
    error: Option<String>,
) -> EditPage {
    EditPage {
        chrome: Chrome::of(ctx),
        code: code.to_owned(),
        choices: choices(state, actor.tenant_id).await,
        values,
        error,
        notice: None,
    }
}

pub async fn edit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let back_to = format!("{LIST_PATH}/{}", super::public::encode(&code));
    let actor = match catalogue_admin(&ctx, &back_to) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let procedure = catalogue::get(&state.app, actor.tenant_id, &code)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let values = ProcedureForm::of(&procedure);
    Ok(render(
        &edit_page(&state, &ctx, actor, &code, values, None).await,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(mut form): Form<ProcedureForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    // The code is the page's, not a field of the form.
    form.code = code.clone();
    let result = async {
        let existing = catalogue::get(&state.app, actor.tenant_id, &code).await?;
        let version = form
            .version
            .trim()
            .parse::<i64>()
            .map_err(|_| field_error("version", "missing version"))?;
        let spec = form.spec(Some(&existing))?;
        catalogue::update(&state.app, By::User(actor), &code, version, spec).await
    }
    .await;
    match result {
        Ok(p) => Ok(saved(&p.code)),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let page = edit_page(&state, &ctx, actor, &code, form, Some(message)).await;
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---------------------------------------------------------------- rule versions

#[derive(Template)]
#[template(path = "admin_rules.html")]
struct RulesPage {
    chrome: Chrome,
    rules: &'static [RuleSet],
    in_force: Option<String>,
}

impl RulesPage {
    fn supplement_vi(&self, mode: &SupplementMode) -> &'static str {
        match mode {
            SupplementMode::Restart => "Thời hạn tính lại từ đầu khi nhận đủ hồ sơ bổ sung",
            SupplementMode::Pause => "Thời gian chờ bổ sung được cộng vào thời hạn",
        }
    }
    fn until(&self, d: &Option<jiff::civil::Date>) -> String {
        d.map_or_else(|| "nay".to_owned(), |d| d.strftime("%d/%m/%Y").to_string())
    }
}

/// The rule versions (one-stop regulations, forms, file-code formats): read-only, shipped
/// with the program as versioned data.
pub async fn rules(ctx: Ctx) -> PageResult {
    if let Err(r) = catalogue_admin(&ctx, "/quan-tri/quy-tac") {
        return Ok(*r);
    }
    let today = jiff::Zoned::now()
        .with_time_zone(motcua_app::calendar::utc7())
        .date();
    Ok(render(&RulesPage {
        chrome: Chrome::of(&ctx),
        rules: RuleSet::builtin(),
        in_force: RuleSet::in_force_at(today).map(|r| r.id.clone()),
    }))
}
