//! The working calendar of a tenant and its units: the shipped calendar plus the tenant's
//! changes and units' own hours; year views, edits by administrators, and deadlines with
//! their explanations.

use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use motcua_domain::calendar::changes::CalendarChanges;
use motcua_domain::calendar::deadline::{
    Channel, DeadlineInput, ExplanationStep, compute_deadline,
};
use motcua_domain::calendar::holidays::{parse_adjustments_csv, parse_adjustments_json};
use motcua_domain::calendar::{
    AdjustmentKind, CalendarConfig, DayAdjustment, DayInfo, DayReason, WorkingCalendar,
    WorkingHours,
};
use motcua_domain::catalogue::{FieldError, ProcessingTime, check_text};
use motcua_domain::permission::Action;
use motcua_domain::rules::RuleSet;
use motcua_store::calendars;
use motcua_store::units::{self, Unit};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// Built calendars, shared by every tenant and unit with the same configuration. Building one
/// takes a few milliseconds, so it is done once per distinct configuration and process; the
/// database stays the source of truth. The key is the SHA-256 of the configuration's JSON —
/// the same content hash a file stores as its calendar snapshot, so an action on a file finds
/// its calendar without reading or parsing the snapshot (snapshots never change).
///
/// It also remembers which snapshots this process has seen committed per tenant: a snapshot
/// row is immutable and never deleted, so an intake with a known snapshot skips its
/// `INSERT … ON CONFLICT DO NOTHING` (one statement per intake). Another instance that has
/// not seen it writes it once, harmlessly.
#[derive(Default)]
pub struct CalendarCache {
    built: Mutex<HashMap<String, Arc<WorkingCalendar>>>,
    saved: Mutex<HashSet<(i64, String)>>,
}

const CACHE_LIMIT: usize = 64;

fn builtin() -> &'static CalendarConfig {
    static BUILTIN: OnceLock<CalendarConfig> = OnceLock::new();
    BUILTIN.get_or_init(CalendarConfig::builtin)
}

pub fn utc7() -> TimeZone {
    TimeZone::fixed(Offset::constant(7))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

impl CalendarCache {
    pub(crate) fn get(&self, config: &CalendarConfig) -> Result<Arc<WorkingCalendar>> {
        let (hash, _) = snapshot(config)?;
        self.get_hashed(&hash, config)
    }

    /// The calendar of `config`, whose content hash (see [`snapshot`]) the caller has.
    fn get_hashed(&self, hash: &str, config: &CalendarConfig) -> Result<Arc<WorkingCalendar>> {
        if let Some(found) = self.cached(hash)? {
            return Ok(found);
        }
        let built = Arc::new(
            WorkingCalendar::new(config)
                .map_err(|e| AppError::invalid("calendar", e.to_string()))?,
        );
        let mut cache = self.built.lock().map_err(internal)?;
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(hash.to_owned(), built.clone());
        Ok(built)
    }

    fn cached(&self, hash: &str) -> Result<Option<Arc<WorkingCalendar>>> {
        Ok(self.built.lock().map_err(internal)?.get(hash).cloned())
    }

    /// Whether snapshot `hash` of the tenant is known to be stored (committed).
    pub(crate) fn snapshot_saved(&self, tenant_id: i64, hash: &str) -> Result<bool> {
        Ok(self
            .saved
            .lock()
            .map_err(internal)?
            .contains(&(tenant_id, hash.to_owned())))
    }

    /// Call after the transaction that stored (or found) the snapshot committed.
    pub(crate) fn mark_snapshot_saved(&self, tenant_id: i64, hash: &str) -> Result<()> {
        let mut saved = self.saved.lock().map_err(internal)?;
        if saved.len() >= CACHE_LIMIT * 16 {
            saved.clear();
        }
        saved.insert((tenant_id, hash.to_owned()));
        Ok(())
    }
}

async fn load_changes(conn: &mut Conn, tenant_id: i64) -> Result<(CalendarChanges, i64)> {
    match calendars::changes(conn, tenant_id).await? {
        Some((json, version)) => Ok((serde_json::from_str(&json).map_err(internal)?, version)),
        None => Ok((CalendarChanges::default(), 0)),
    }
}

/// The tenant's configuration, with `unit`'s own working hours if it has some.
pub async fn config(app: &App, tenant_id: i64, unit: Option<&Unit>) -> Result<CalendarConfig> {
    let mut conn = app.db.read_conn().await?;
    config_on(&mut conn, tenant_id, unit).await
}

/// [`config`] on a connection the caller holds (a request never waits for a second pooled
/// connection while holding one: under load, that starves the pool).
pub(crate) async fn config_on(
    conn: &mut Conn,
    tenant_id: i64,
    unit: Option<&Unit>,
) -> Result<CalendarConfig> {
    let (changes, hours) =
        calendars::changes_and_unit_hours(conn, tenant_id, unit.map(|u| u.id)).await?;
    let changes: CalendarChanges = match changes {
        Some((json, _)) => serde_json::from_str(&json).map_err(internal)?,
        None => CalendarChanges::default(),
    };
    let mut config = changes.apply_to(builtin());
    if let Some(json) = hours {
        config.working_hours = serde_json::from_str(&json).map_err(internal)?;
    }
    Ok(config)
}

/// The stable content hash (SHA-256 of its JSON) and the JSON of a configuration: a file
/// stores the hash, the configuration is kept once in `calendar_snapshots`.
pub(crate) fn snapshot(config: &CalendarConfig) -> Result<(String, String)> {
    let json = serde_json::to_string(config).map_err(internal)?;
    Ok((crate::secret::sha256_hex(&json), json))
}

/// The calendar a file was received with.
pub(crate) async fn snapshot_calendar(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    hash: &str,
) -> Result<Arc<WorkingCalendar>> {
    if let Some(found) = app.calendars.cached(hash)? {
        return Ok(found);
    }
    let json = motcua_store::files::calendar_snapshot(conn, tenant_id, hash).await?;
    let config: CalendarConfig = serde_json::from_str(&json).map_err(internal)?;
    app.calendars.get_hashed(hash, &config)
}

/// The content hash and JSON of `config` (see [`snapshot`]) with its built calendar.
pub(crate) fn snapshot_and_calendar(
    app: &App,
    config: &CalendarConfig,
) -> Result<(String, String, Arc<WorkingCalendar>)> {
    let (hash, json) = snapshot(config)?;
    let cal = app.calendars.get_hashed(&hash, config)?;
    Ok((hash, json, cal))
}

pub async fn working_calendar(
    app: &App,
    tenant_id: i64,
    unit: Option<&Unit>,
) -> Result<Arc<WorkingCalendar>> {
    let config = config(app, tenant_id, unit).await?;
    app.calendars.get(&config)
}

/// [`working_calendar`] on a connection the caller holds.
pub(crate) async fn working_calendar_on(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    unit: Option<&Unit>,
) -> Result<Arc<WorkingCalendar>> {
    let config = config_on(conn, tenant_id, unit).await?;
    app.calendars.get(&config)
}

/// A year of the tenant's calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearView {
    pub year: i16,
    /// Days off that are not weekends, compensation days, swaps and make-up working days.
    #[schema(value_type = Vec<Object>)]
    pub special_days: Vec<DayInfo>,
    /// Working days in each month, January first.
    pub working_days_per_month: Vec<u32>,
    /// Version of the tenant's changes (0: shipped calendar unchanged); send it back when editing.
    pub version: i64,
}

pub async fn year(app: &App, tenant_id: i64, year: i16) -> Result<YearView> {
    if !(1900..=2199).contains(&year) {
        return Err(AppError::invalid("year", "between 1900 and 2199"));
    }
    let version = {
        let mut conn = app.db.read_conn().await?;
        load_changes(&mut conn, tenant_id).await?.1
    };
    let cal = working_calendar(app, tenant_id, None).await?;
    let special_days = cal.special_days(year).map_err(internal)?;
    let mut per_month = vec![0u32; 12];
    let mut day = Date::new(year, 1, 1).map_err(internal)?;
    while day.year() == year {
        if cal.is_working_day(day) {
            per_month[(day.month() - 1) as usize] += 1;
        }
        day = day.tomorrow().map_err(internal)?;
    }
    Ok(YearView {
        year,
        special_days,
        working_days_per_month: per_month,
        version,
    })
}

/// Tenant-wide calendar edits need the calendar permission at a root of the unit tree.
async fn require_tenant_wide(conn: &mut Conn, actor: &Actor) -> Result<()> {
    let roots: Vec<Unit> = units::list(conn, actor.tenant_id)
        .await?
        .into_iter()
        .filter(|u| u.parent_id.is_none())
        .collect();
    if roots
        .iter()
        .any(|r| actor.require_at(Action::ManageCalendar, &r.path).is_ok())
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A day to add to the tenant's calendar.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// `off` (a day off) or `work` (a make-up working day).
    #[schema(value_type = String)]
    pub kind: AdjustmentKind,
    /// Vietnamese name shown to users, e.g. "Nghỉ Tết Dương lịch (hoán đổi)".
    pub name: String,
    /// The decision announcing it (số hiệu văn bản).
    pub source: String,
    /// The version of the calendar you saw.
    pub version: i64,
}

/// Applies `edit` to the tenant's changes if they are still at `version`, audited.
async fn edit_changes(
    app: &App,
    actor: &Actor,
    version: i64,
    action: &'static str,
    detail: serde_json::Value,
    edit: impl FnOnce(&mut CalendarChanges, &WorkingCalendar) -> Result<()>,
) -> Result<i64> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    require_tenant_wide(&mut tx, actor).await?;
    let (mut changes, current) = load_changes(&mut tx, actor.tenant_id).await?;
    if current != version {
        return Err(AppError::Stale);
    }
    let before = serde_json::to_value(&changes).map_err(internal)?;
    let cal = app.calendars.get(&changes.apply_to(builtin()))?;
    edit(&mut changes, &cal)?;
    let config = changes.apply_to(builtin());
    config
        .validate()
        .map_err(|e| AppError::invalid("calendar", e.to_string()))?;
    app.calendars.get(&config)?;
    let json = serde_json::to_string(&changes).map_err(internal)?;
    let new_version =
        calendars::save_changes(&mut tx, actor.tenant_id, &json, version, now).await?;
    let mut after = serde_json::to_value(&changes).map_err(internal)?;
    after["edit"] = detail;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action,
            entity_type: "calendar",
            entity_id: "tenant".into(),
            before: Some(before),
            after: Some(after),
        },
    )
    .await?;
    commit(tx).await?;
    app.lookups.changed();
    Ok(new_version)
}

fn in_range(errors: &mut Vec<FieldError>, date: Date) {
    if date < motcua_domain::calendar::FIRST_DATE || date > motcua_domain::calendar::LAST_DATE {
        errors.push(FieldError::new("date", "between 1900-01-01 and 2199-12-31"));
    }
}

/// Adds a day off or a make-up working day for the whole tenant.
pub async fn add_day(app: &App, actor: &Actor, input: DayInput) -> Result<i64> {
    let mut errors = Vec::new();
    check_text(&mut errors, "name", &input.name, true, 200);
    check_text(&mut errors, "source", &input.source, true, 300);
    in_range(&mut errors, input.date);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let detail =
        serde_json::json!({ "added": input.date.to_string(), "kind": input.kind.as_str() });
    edit_changes(
        app,
        actor,
        input.version,
        "calendar.day_added",
        detail,
        |changes, cal| {
            let working = cal.is_working_day(input.date);
            match input.kind {
                AdjustmentKind::Off if !working => {
                    return Err(AppError::invalid("date", "this day is already a day off"));
                }
                AdjustmentKind::Work if working => {
                    return Err(AppError::invalid(
                        "date",
                        "this day is already a working day",
                    ));
                }
                _ => {}
            }
            changes.add(DayAdjustment {
                date: input.date,
                kind: input.kind,
                name: input.name.trim().to_owned(),
                source: input.source.trim().to_owned(),
                note: None,
            });
            Ok(())
        },
    )
    .await
}

/// Removes a holiday, compensation day, swap or make-up day from the tenant's calendar.
pub async fn remove_day(app: &App, actor: &Actor, date: Date, version: i64) -> Result<i64> {
    let mut errors = Vec::new();
    in_range(&mut errors, date);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let detail = serde_json::json!({ "removed": date.to_string() });
    edit_changes(
        app,
        actor,
        version,
        "calendar.day_removed",
        detail,
        |changes, cal| {
            let info = cal.day_info(date).map_err(internal)?;
            if matches!(
                info.reason,
                DayReason::Weekday | DayReason::Weekend | DayReason::UnitClosed
            ) {
                return Err(AppError::invalid(
                    "date",
                    "not a holiday, swap or make-up day",
                ));
            }
            changes.remove(date);
            Ok(())
        },
    )
    .await
}

/// Imports announced swaps and make-up days (CSV `date,kind,name,source` or a JSON list).
pub async fn import_days(
    app: &App,
    actor: &Actor,
    text: &str,
    json: bool,
    version: i64,
) -> Result<(i64, usize)> {
    let parsed = if json {
        parse_adjustments_json(text)
    } else {
        parse_adjustments_csv(text)
    };
    let days = parsed.map_err(|e| AppError::invalid("file", e.to_string()))?;
    let count = days.len();
    let detail = serde_json::json!({ "imported": count });
    let version = edit_changes(
        app,
        actor,
        version,
        "calendar.imported",
        detail,
        |changes, _| {
            for day in days {
                changes.add(day);
            }
            Ok(())
        },
    )
    .await?;
    Ok((version, count))
}

/// Sets the tenant's default working hours (`None`: back to the civil-service default).
pub async fn set_tenant_hours(
    app: &App,
    actor: &Actor,
    hours: Option<WorkingHours>,
    version: i64,
) -> Result<i64> {
    if let Some(h) = &hours {
        h.validate()
            .map_err(|e| AppError::invalid("working_hours", e.to_string()))?;
    }
    let detail = serde_json::json!({ "working_hours": hours.is_some() });
    edit_changes(
        app,
        actor,
        version,
        "calendar.hours_changed",
        detail,
        |changes, _| {
            changes.working_hours = hours;
            Ok(())
        },
    )
    .await
}

/// Sets a unit's own working hours (`None`: the tenant's). Allowed to whoever manages the
/// calendar at that unit, e.g. a commune's administrator.
pub async fn set_unit_hours(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    hours: Option<WorkingHours>,
) -> Result<()> {
    if let Some(h) = &hours {
        h.validate()
            .map_err(|e| AppError::invalid("working_hours", e.to_string()))?;
    }
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let unit = units::by_code(&mut tx, actor.tenant_id, unit_code)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    actor.require_at(Action::ManageCalendar, &unit.path)?;
    let json = hours
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(internal)?;
    let before = calendars::unit_hours(&mut tx, actor.tenant_id, unit.id).await?;
    calendars::set_unit_hours(&mut tx, actor.tenant_id, unit.id, json.as_deref(), now).await?;
    let parse =
        |s: Option<String>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "unit.hours_changed",
            entity_type: "unit",
            entity_id: unit.id.to_string(),
            before: parse(before),
            after: parse(json),
        },
    )
    .await?;
    commit(tx).await?;
    app.lookups.changed();
    Ok(())
}

/// What to compute a deadline for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// Receipt instant, RFC 3339, e.g. `2026-11-20T16:10:00+07:00`.
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    pub processing_time: ProcessingTime,
    /// `counter`, `post` or `online`.
    #[schema(value_type = String)]
    pub channel: Channel,
    /// The receiving unit (its own working hours apply); the tenant's hours if absent.
    pub unit_code: Option<String>,
}

/// A deadline with its explanation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    #[schema(value_type = String, format = DateTime)]
    pub due: Timestamp,
    #[schema(value_type = String, format = Date)]
    pub appointment_date: Date,
    /// The rule version applied (in force on the day of receipt).
    pub rule_version: Option<String>,
    /// Each step of the computation: receipt moment, skipped non-working periods, due moment.
    #[schema(value_type = Vec<Object>)]
    pub explanation: Vec<ExplanationStep>,
    /// The same steps as Vietnamese sentences.
    pub explanation_vi: Vec<String>,
}

pub async fn deadline(app: &App, tenant_id: i64, query: &DeadlineQuery) -> Result<DeadlineView> {
    query
        .processing_time
        .validate()
        .map_err(|e| AppError::invalid("processing_time", e))?;
    let unit = match &query.unit_code {
        Some(code) => {
            let mut conn = app.db.read_conn().await?;
            Some(
                units::by_code(&mut conn, tenant_id, code)
                    .await?
                    .ok_or_else(|| AppError::invalid("unit_code", "no such unit"))?,
            )
        }
        None => None,
    };
    let cal = working_calendar(app, tenant_id, unit.as_ref()).await?;
    let mut input = DeadlineInput::new(
        query.received_at,
        query.channel,
        query.processing_time.into(),
    );
    let local_date = query.received_at.to_zoned(utc7()).date();
    let rule = RuleSet::in_force_at(local_date);
    if let Some(rule) = rule {
        input.rules = rule.deadline_rules();
    }
    let d = compute_deadline(&cal, &input)
        .map_err(|e| AppError::invalid("received_at", e.to_string()))?;
    Ok(DeadlineView {
        due: d.due,
        appointment_date: d.appointment_date,
        rule_version: rule.map(|r| r.name.clone()),
        explanation_vi: d
            .explanation
            .iter()
            .map(ExplanationStep::to_vietnamese)
            .collect(),
        explanation: d.explanation,
    })
}

/// Working hours as an administrator sees them: the province's (with the calendar version to
/// send back) and, for a unit, its own hours if it has some.
#[derive(Debug, Clone)]
pub struct HoursView {
    pub province: WorkingHours,
    pub version: i64,
    /// `Some(None)`: the unit follows the province's hours.
    pub unit: Option<(Unit, Option<WorkingHours>)>,
}

/// The working hours of the province and of `unit_code` (if given), for whoever manages the
/// calendar there.
pub async fn hours_view(app: &App, actor: &Actor, unit_code: Option<&str>) -> Result<HoursView> {
    let mut conn = app.db.read_conn().await?;
    let (changes, version) = load_changes(&mut conn, actor.tenant_id).await?;
    let province = changes.apply_to(builtin()).working_hours;
    let unit = match unit_code {
        None => None,
        Some(code) => {
            let unit = units::by_code(&mut conn, actor.tenant_id, code)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            actor.require_at(Action::ManageCalendar, &unit.path)?;
            let own = match calendars::unit_hours(&mut conn, actor.tenant_id, unit.id).await? {
                Some(json) => Some(serde_json::from_str(&json).map_err(internal)?),
                None => None,
            };
            Some((unit, own))
        }
    };
    Ok(HoursView {
        province,
        version,
        unit,
    })
}
