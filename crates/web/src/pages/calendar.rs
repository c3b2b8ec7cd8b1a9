//! The calendar page (with edit forms for administrators) and the public deadline tool.

use super::{Chrome, PageError, PageResult, form_actor, message_vi, render};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{Offset, TimeZone};
use motcua_app::calendar::{self, DayInput, DeadlineQuery};
use motcua_app::{Actor, AppError};
use motcua_domain::calendar::deadline::Channel;
use motcua_domain::calendar::deadline::{date_vi, moment_vi};
use motcua_domain::calendar::{AdjustmentKind, DayReason};
use motcua_domain::catalogue::{ProcessingTime, TimeUnit};
use motcua_domain::permission::Action;
use serde::Deserialize;

pub struct DayRow {
    pub date: String,
    pub iso: String,
    pub weekday: &'static str,
    pub kind: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: i16,
    version: i64,
    days: Vec<DayRow>,
    months: Vec<(u8, u32)>,
    can_edit: bool,
    error: Option<String>,
    notice: Option<String>,
}

fn weekday_vi(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

fn kind_vi(reason: &DayReason) -> &'static str {
    match reason {
        DayReason::Holiday { .. } => "Nghỉ lễ, Tết",
        DayReason::Compensation { .. } => "Nghỉ bù",
        DayReason::SwapOff { .. } => "Nghỉ hoán đổi",
        DayReason::MakeUpWork { .. } => "Làm bù",
        DayReason::Weekend => "Cuối tuần",
        DayReason::UnitClosed => "Không làm việc",
        DayReason::Weekday => "Ngày làm việc",
    }
}

fn can_edit(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.can(Action::ManageCalendar))
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    nam: Option<String>,
}

async fn calendar_page(
    state: &AppState,
    ctx: &Ctx,
    year: i16,
    error: Option<String>,
    notice: Option<String>,
) -> Result<CalendarPage, PageError> {
    let view = calendar::year(&state.app, ctx.tenant.id, year).await?;
    let days = view
        .special_days
        .iter()
        .map(|d| DayRow {
            date: format!(
                "{:02}/{:02}/{}",
                d.date.day(),
                d.date.month(),
                d.date.year()
            ),
            iso: d.date.to_string(),
            weekday: weekday_vi(d.date.weekday()),
            kind: kind_vi(&d.reason),
            label: d.reason.label_vi(),
        })
        .collect();
    let months = view
        .working_days_per_month
        .iter()
        .enumerate()
        .map(|(i, n)| (i as u8 + 1, *n))
        .collect();
    Ok(CalendarPage {
        chrome: Chrome::of(ctx),
        year,
        version: view.version,
        days,
        months,
        can_edit: can_edit(ctx.actor.as_ref()),
        error,
        notice,
    })
}

fn current_year() -> i16 {
    jiff::Timestamp::now()
        .to_zoned(TimeZone::fixed(Offset::constant(7)))
        .year()
}

pub async fn year_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = match q.nam.as_deref().map(str::parse::<i16>) {
        None => current_year(),
        Some(Ok(y)) => y,
        Some(Err(_)) => return Err(PageError::new(StatusCode::BAD_REQUEST, "Năm không hợp lệ.")),
    };
    Ok(render(
        &calendar_page(&state, &ctx, year, None, None).await?,
    ))
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf_token: String,
    version: i64,
    date: String,
    kind: String,
    name: String,
    source: String,
}

/// Shows the outcome of an edit on the year's page: back to it, or the page with the error.
async fn after_edit(
    state: &AppState,
    ctx: &Ctx,
    date: Option<Date>,
    result: Result<i64, AppError>,
) -> PageResult {
    let year = date.map_or_else(current_year, |d| d.year());
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/lich?nam={year}")).into_response()),
        Err(AppError::Forbidden) => Err(AppError::Forbidden.into()),
        Err(err) => {
            let status = if matches!(err, AppError::Stale) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = calendar_page(state, ctx, year, Some(message_vi(&err)), None).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

pub async fn add_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AddForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let date = form.date.parse::<Date>().ok();
    let kind = match form.kind.as_str() {
        "off" => Some(AdjustmentKind::Off),
        "work" => Some(AdjustmentKind::Work),
        _ => None,
    };
    let result = match (date, kind) {
        (Some(date), Some(kind)) => {
            let input = DayInput {
                date,
                kind,
                name: form.name,
                source: form.source,
                version: form.version,
            };
            calendar::add_day(&state.app, actor, input).await
        }
        _ => Err(AppError::invalid("date", "a date and a kind")),
    };
    after_edit(&state, &ctx, date, result).await
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf_token: String,
    version: i64,
    date: String,
}

pub async fn remove_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RemoveForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let date = form.date.parse::<Date>().ok();
    let result = match date {
        Some(date) => calendar::remove_day(&state.app, actor, date, form.version).await,
        None => Err(AppError::invalid("date", "a date")),
    };
    after_edit(&state, &ctx, date, result).await
}

#[derive(Template)]
#[template(path = "deadline.html")]
struct DeadlinePage {
    chrome: Chrome,
    received: String,
    value: String,
    unit: String,
    channel: String,
    error: Option<String>,
    /// (due moment, appointment sentence, explanation lines)
    result: Option<(String, String, Vec<String>)>,
}

#[derive(Deserialize, Default)]
pub struct DeadlineForm {
    received: Option<String>,
    value: Option<String>,
    unit: Option<String>,
    channel: Option<String>,
}

pub async fn deadline_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(form): Query<DeadlineForm>,
) -> PageResult {
    let mut page = DeadlinePage {
        chrome: Chrome::of(&ctx),
        received: form.received.clone().unwrap_or_default(),
        value: form.value.clone().unwrap_or_else(|| "3".into()),
        unit: form.unit.clone().unwrap_or_else(|| "working_days".into()),
        channel: form.channel.clone().unwrap_or_else(|| "counter".into()),
        error: None,
        result: None,
    };
    let Some(received) = form.received.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(render(&page));
    };
    let tz = TimeZone::fixed(Offset::constant(7));
    let received_at = received
        .parse::<DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(tz).ok())
        .map(|z| z.timestamp());
    let unit = TimeUnit::parse(&page.unit);
    let value = page.value.trim().parse::<u32>().ok();
    let channel = match page.channel.as_str() {
        "counter" => Some(Channel::Counter),
        "post" => Some(Channel::Post),
        "online" => Some(Channel::Online),
        _ => None,
    };
    let (Some(received_at), Some(unit), Some(value), Some(channel)) =
        (received_at, unit, value, channel)
    else {
        page.error =
            Some("Vui lòng nhập đầy đủ thời điểm tiếp nhận, thời hạn và hình thức nộp.".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    };
    let value = if unit == TimeUnit::SameDay { 0 } else { value };
    let query = DeadlineQuery {
        received_at,
        processing_time: ProcessingTime { value, unit },
        channel,
        unit_code: None,
    };
    match calendar::deadline(&state.app, ctx.tenant.id, &query).await {
        Ok(d) => {
            let sentence = format!("Ngày hẹn trả kết quả: {}.", date_vi(d.appointment_date));
            page.result = Some((moment_vi(d.due), sentence, d.explanation_vi));
            Ok(render(&page))
        }
        Err(err @ AppError::Validation(_)) => {
            page.error = Some(message_vi(&err));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
