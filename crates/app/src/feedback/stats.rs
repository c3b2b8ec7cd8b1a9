//! On-time statistics per unit: each step with a legal deadline that ended in the period
//! (refusal, request for information, forwarding, handling, publication), and the items open now.

use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::feedback::Step;
use motcua_domain::permission::Action;
use motcua_store::feedback as store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day (`YYYY-MM-DD`, local); default: 1 January of this year.
    pub from: Option<String>,
    /// Last day, included; default: today.
    pub to: Option<String>,
}

/// One step's counts at a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepStats {
    pub step: String,
    pub label: String,
    pub total: i64,
    pub on_time: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitStats {
    pub unit_id: i64,
    pub unit_name: String,
    pub steps: Vec<StepStats>,
    /// All steps ended in the period.
    pub total: i64,
    pub on_time: i64,
    /// on_time / total in percent, one decimal; none without steps.
    pub on_time_rate: Option<f64>,
    /// Open now, and of them past the current step's deadline.
    pub open: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackStats {
    pub from: String,
    pub to: String,
    pub units: Vec<UnitStats>,
    pub total: i64,
    pub on_time: i64,
    pub on_time_rate: Option<f64>,
}

fn rate(on_time: i64, total: i64) -> Option<f64> {
    (total > 0).then(|| (on_time as f64 * 1000.0 / total as f64).round() / 10.0)
}

fn parse_day(field: &str, v: Option<&str>, default: Date) -> Result<Date> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<Date>()
            .map_err(|_| AppError::invalid(field, "a date YYYY-MM-DD")),
        None => Ok(default),
    }
}

fn start_of(d: Date) -> Result<i64> {
    d.to_zoned(utc7())
        .map(|z| z.timestamp().as_second())
        .map_err(|_| AppError::invalid("from", "a date YYYY-MM-DD"))
}

/// Statistics of the units the user may read reports of.
pub async fn stats(app: &App, actor: &Actor, q: &StatsQuery) -> Result<FeedbackStats> {
    actor.require(Action::ViewReports)?;
    let today = app.now().to_zoned(utc7()).date();
    let from = parse_day(
        "from",
        q.from.as_deref(),
        Date::new(today.year(), 1, 1).unwrap_or(today),
    )?;
    let to = parse_day("to", q.to.as_deref(), today)?;
    if to < from {
        return Err(AppError::invalid("to", "not before from"));
    }
    let end = to
        .tomorrow()
        .map_err(|_| AppError::invalid("to", "a date YYYY-MM-DD"))?;
    let mut conn = app.db.read_conn().await?;
    let steps =
        store::step_counts(&mut conn, actor.tenant_id, start_of(from)?, start_of(end)?).await?;
    let open = store::open_counts(&mut conn, actor.tenant_id, app.now_secs()).await?;
    let in_scope = |path: &str| actor.require_at(Action::ViewReports, path).is_ok();
    let mut units: BTreeMap<String, UnitStats> = BTreeMap::new();
    let blank = |id: i64, name: &str| UnitStats {
        unit_id: id,
        unit_name: name.to_owned(),
        steps: Vec::new(),
        total: 0,
        on_time: 0,
        on_time_rate: None,
        open: 0,
        overdue: 0,
    };
    for s in steps.into_iter().filter(|s| in_scope(&s.unit_path)) {
        let u = units
            .entry(s.unit_path.clone())
            .or_insert_with(|| blank(s.unit_id, &s.unit_name));
        u.total += s.total;
        u.on_time += s.on_time;
        u.steps.push(StepStats {
            label: Step::parse(&s.step).map_or("", Step::label_vi).into(),
            step: s.step,
            total: s.total,
            on_time: s.on_time,
            late: s.total - s.on_time,
        });
    }
    for o in open.into_iter().filter(|o| in_scope(&o.unit_path)) {
        let u = units
            .entry(o.unit_path.clone())
            .or_insert_with(|| blank(o.unit_id, &o.unit_name));
        u.open = o.open;
        u.overdue = o.overdue;
    }
    let mut units: Vec<UnitStats> = units.into_values().collect();
    for u in &mut units {
        u.on_time_rate = rate(u.on_time, u.total);
    }
    let total = units.iter().map(|u| u.total).sum();
    let on_time = units.iter().map(|u| u.on_time).sum();
    Ok(FeedbackStats {
        from: from.to_string(),
        to: to.to_string(),
        units,
        total,
        on_time,
        on_time_rate: rate(on_time, total),
    })
}
