//! Working hours (giờ làm việc) of the province and of units, the hours deadlines are counted
//! in. The page only calls the `calendar` use cases, which check `ManageCalendar`, validate
//! and audit.

use super::{
    Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in, with_chrome,
};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::calendar::{self, HoursView};
use motcua_app::store::units::Unit;
use motcua_app::{Actor, AppError};
use motcua_domain::calendar::WorkingHours;
use motcua_domain::calendar::hours::Period;
use motcua_domain::permission::Action;
use serde::Deserialize;

const PATH: &str = "/quan-tri/gio-lam-viec";

const DAYS: [(&str, &str); 7] = [
    ("monday", "Thứ Hai"),
    ("tuesday", "Thứ Ba"),
    ("wednesday", "Thứ Tư"),
    ("thursday", "Thứ Năm"),
    ("friday", "Thứ Sáu"),
    ("saturday", "Thứ Bảy"),
    ("sunday", "Chủ nhật"),
];

/// The hours as typed: per day, periods such as "07:00-11:30, 13:30-17:00" (empty: day off).
#[derive(Deserialize, Default, Clone)]
pub struct HoursForm {
    #[serde(default)]
    csrf_token: String,
    /// Empty: the province; otherwise a unit code.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    monday: String,
    #[serde(default)]
    tuesday: String,
    #[serde(default)]
    wednesday: String,
    #[serde(default)]
    thursday: String,
    #[serde(default)]
    friday: String,
    #[serde(default)]
    saturday: String,
    #[serde(default)]
    sunday: String,
    #[serde(default)]
    make_up_day: String,
    /// A unit back to the province's hours.
    #[serde(default)]
    follow_province: Option<String>,
    #[serde(default)]
    version: String,
}

fn show(periods: &[Period]) -> String {
    periods
        .iter()
        .map(|p| format!("{}-{}", p.start.strftime("%H:%M"), p.end.strftime("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn bad(what: &str) -> AppError {
    AppError::invalid("working_hours", what)
}

fn parse_periods(text: &str) -> Result<Vec<Period>, AppError> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p
                .split_once(['-', '–'])
                .ok_or_else(|| bad("a period is written 07:00-11:30"))?;
            let time = |s: &str| {
                jiff::civil::Time::strptime("%H:%M", s.trim())
                    .map_err(|_| bad("times are written HH:MM"))
            };
            Ok(Period {
                start: time(a)?,
                end: time(b)?,
            })
        })
        .collect()
}

impl HoursForm {
    fn of(unit: &str, h: &WorkingHours, version: i64) -> HoursForm {
        let w = &h.weekly;
        HoursForm {
            csrf_token: String::new(),
            unit: unit.to_owned(),
            monday: show(&w.monday),
            tuesday: show(&w.tuesday),
            wednesday: show(&w.wednesday),
            thursday: show(&w.thursday),
            friday: show(&w.friday),
            saturday: show(&w.saturday),
            sunday: show(&w.sunday),
            make_up_day: show(&h.make_up_day),
            follow_province: None,
            version: version.to_string(),
        }
    }

    fn day(&self, key: &str) -> &str {
        match key {
            "monday" => &self.monday,
            "tuesday" => &self.tuesday,
            "wednesday" => &self.wednesday,
            "thursday" => &self.thursday,
            "friday" => &self.friday,
            "saturday" => &self.saturday,
            _ => &self.sunday,
        }
    }

    /// The hours typed, keeping `base`'s dated exceptions (not edited on this page).
    fn hours(&self, base: &WorkingHours) -> Result<WorkingHours, AppError> {
        let mut h = base.clone();
        h.weekly.monday = parse_periods(&self.monday)?;
        h.weekly.tuesday = parse_periods(&self.tuesday)?;
        h.weekly.wednesday = parse_periods(&self.wednesday)?;
        h.weekly.thursday = parse_periods(&self.thursday)?;
        h.weekly.friday = parse_periods(&self.friday)?;
        h.weekly.saturday = parse_periods(&self.saturday)?;
        h.weekly.sunday = parse_periods(&self.sunday)?;
        h.make_up_day = parse_periods(&self.make_up_day)?;
        Ok(h)
    }
}

#[derive(Template)]
#[template(path = "admin_hours.html")]
struct HoursPage {
    chrome: Chrome,
    units: Vec<Unit>,
    /// The unit shown, if any (else the province).
    unit: Option<Unit>,
    /// The unit has hours of its own.
    own: bool,
    exceptions: usize,
    days: [(&'static str, &'static str); 7],
    values: HoursForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct HoursQuery {
    #[serde(rename = "don-vi")]
    unit: Option<String>,
    #[serde(rename = "da-luu")]
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    view: HoursView,
    values: Option<HoursForm>,
    error: Option<String>,
    notice: Option<String>,
) -> HoursPage {
    let (unit, own, shown) = match view.unit {
        Some((unit, own)) => {
            let has_own = own.is_some();
            let shown = own.unwrap_or_else(|| view.province.clone());
            (Some(unit), has_own, shown)
        }
        None => (None, false, view.province.clone()),
    };
    let code = unit.as_ref().map(|u| u.code.clone()).unwrap_or_default();
    HoursPage {
        chrome: Chrome::of(ctx),
        units: super::admin::managed_units(state, actor, Action::ManageCalendar).await,
        own,
        exceptions: shown.exceptions.len(),
        values: values.unwrap_or_else(|| HoursForm::of(&code, &shown, view.version)),
        unit,
        days: DAYS,
        error,
        notice,
    }
}

pub async fn show_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<HoursQuery>, QueryRejection>,
) -> PageResult {
    let actor = match signed_in(
        &ctx,
        PATH,
        |a| a.can(Action::ManageCalendar),
        &message_vi(&AppError::Forbidden),
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let unit = q.unit.filter(|u| !u.trim().is_empty());
    let view = calendar::hours_view(&state.app, actor, unit.as_deref())
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let notice = q.saved.map(|_| "Đã lưu giờ làm việc.".to_owned());
    Ok(render(
        &page(&state, &ctx, actor, view, None, None, notice).await,
    ))
}

fn saved(unit: &str) -> Response {
    let target = if unit.is_empty() {
        format!("{PATH}?da-luu=1")
    } else {
        format!("{PATH}?don-vi={}&da-luu=1", super::public::encode(unit))
    };
    Redirect::to(&target).into_response()
}

pub async fn save_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<HoursForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let unit = Some(form.unit.trim()).filter(|u| !u.is_empty());
    let view = calendar::hours_view(&state.app, actor, unit)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let result = match unit {
        Some(code) if form.follow_province.is_some() => {
            calendar::set_unit_hours(&state.app, actor, code, None).await
        }
        Some(code) => {
            let base = view
                .unit
                .as_ref()
                .and_then(|(_, own)| own.clone())
                .unwrap_or_else(|| view.province.clone());
            match form.hours(&base) {
                Ok(h) => calendar::set_unit_hours(&state.app, actor, code, Some(h)).await,
                Err(e) => Err(e),
            }
        }
        None => {
            let version = form.version.trim().parse::<i64>().unwrap_or(-1);
            match form.hours(&view.province) {
                Ok(h) => calendar::set_tenant_hours(&state.app, actor, Some(h), version)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(()) => Ok(saved(unit.unwrap_or_default())),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let page = page(&state, &ctx, actor, view, Some(form), Some(message), None).await;
            Ok((status, render(&page)).into_response())
        }
    }
}
