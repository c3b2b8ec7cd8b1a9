//! Statistics and official reports. The handling report (Biểu 06): which file counts in which
//! column is stated once in `motcua_domain::report` and computed by one query in
//! `motcua_store::reports`; here the period and scope are checked and the rows labelled.
//! Exports (XLSX, CSV; PDF through the forms crate) are in `export`.

pub mod board;
pub mod daily;
mod export;
pub mod periods;
pub mod service_index;

pub use export::{csv, pdf, xlsx};

use crate::org::By;
use crate::{App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::permission::Action;
use motcua_domain::report::{Figures, Pending, Period, PeriodError, Rates, Received, Resolved};
use motcua_store::report_daily::{self, DailyScope};
use motcua_store::reports::{self as store, FigureRow, Grouping, HandlingQuery, Scope};
use motcua_store::units::{self, Unit};
use motcua_store::{Conn, catalogue};
use serde::{Deserialize, Serialize};

/// What the rows of a report are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row: the whole scope.
    #[default]
    None,
    /// One row per unit; a file handled by two units is in both rows.
    Unit,
    Field,
    Procedure,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "" | "none" => Some(GroupBy::None),
            "unit" => Some(GroupBy::Unit),
            "field" => Some(GroupBy::Field),
            "procedure" => Some(GroupBy::Procedure),
            _ => None,
        }
    }
}

/// A report request as users give it: dates `YYYY-MM-DD` (local, inclusive), codes.
#[derive(Debug, Clone, Default)]
pub struct HandlingInput {
    pub from: String,
    pub to: String,
    /// A unit code; `None` for the whole province.
    pub unit: Option<String>,
    /// Roll the unit's sub-units up into it (default) or count the unit alone.
    pub include_subunits: bool,
    /// A field (lĩnh vực) code.
    pub field: Option<String>,
    pub group_by: GroupBy,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Label {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// Unit, field or procedure code (empty for the single row of an ungrouped report).
    pub code: String,
    pub name: String,
    pub figures: Figures,
    pub rates: Rates,
}

/// The handling report (Biểu 06) of a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandlingReport {
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    pub unit: Option<Label>,
    pub include_subunits: bool,
    pub field: Option<Label>,
    pub group_by: GroupBy,
    /// When open files were judged in time or overdue: the end of the period, or the moment
    /// the report was made if the period is not over.
    #[schema(value_type = String, format = DateTime)]
    pub judged_at: jiff::Timestamp,
    pub rows: Vec<ReportRow>,
    /// The sum of the rows (the form's "Tổng cộng" line).
    pub totals: Figures,
    pub totals_rates: Rates,
    /// The scope with each file counted once. Equal to `totals` except when grouped by unit
    /// and some files went through several units (inter-agency files).
    pub overall: Figures,
    pub overall_rates: Rates,
    /// When the period just before this one is locked (and the scope is the province or one
    /// unit alone, without a field filter): the locked figures, the same period recounted
    /// now, and the difference, i.e. the corrections made after it was closed.
    pub adjustments: Option<periods::Adjustment>,
}

fn parse_date(field: &str, s: &str) -> Result<Date> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| AppError::invalid(field, "a date YYYY-MM-DD"))
}

/// Parses and checks a period of local dates.
pub fn period(from: &str, to: &str) -> Result<Period> {
    let from = parse_date("from", from)?;
    let to = parse_date("to", to)?;
    Period::new(from, to).map_err(|e| match e {
        PeriodError::Reversed => AppError::invalid("to", "must not be before `from`"),
        PeriodError::OutOfRange => AppError::invalid("from", e.to_string()),
    })
}

/// Whether `by` may read reports over all of `units`.
fn authorize(by: By<'_>, units: &[&Unit]) -> Result<()> {
    match by {
        By::System { .. } => Ok(()),
        By::User(actor) => {
            actor.require(Action::ViewReports)?;
            if units
                .iter()
                .all(|u| actor.require_at(Action::ViewReports, &u.path).is_ok())
            {
                Ok(())
            } else {
                Err(AppError::Forbidden)
            }
        }
    }
}

fn figures_of(r: &FigureRow) -> Figures {
    Figures {
        received: Received {
            total: r.received,
            new_online: r.new_online,
            new_offline: r.new_counter + r.new_post,
            new_post: r.new_post,
            carried_over: r.carried_over,
        },
        resolved: Resolved {
            total: r.resolved,
            early: r.early,
            on_time: r.on_time,
            late: r.late,
            refused: r.refused,
        },
        pending: Pending {
            total: r.pending,
            in_time: r.pending - r.overdue,
            overdue: r.overdue,
        },
        withdrawn: r.withdrawn,
        apologies: r.apologies,
        late_with_apology: r.late_with_apology,
        supplement_requests: r.supplement_requests,
        files_with_repeated_supplements: r.repeated_supplements,
    }
}

async fn labels(
    conn: &mut Conn,
    tenant_id: i64,
    group_by: GroupBy,
    all_units: &[Unit],
) -> Result<Vec<(i64, String, String)>> {
    Ok(match group_by {
        GroupBy::None => Vec::new(),
        GroupBy::Unit => all_units
            .iter()
            .map(|u| (u.id, u.code.clone(), u.name.clone()))
            .collect(),
        GroupBy::Field => store::field_labels(conn, tenant_id).await?,
        GroupBy::Procedure => store::procedure_labels(conn, tenant_id).await?,
    })
}

/// Where the counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The daily aggregates (`report_daily`), maintained with every file change: what users get.
    Aggregates,
    /// One pass over the files themselves: the reference the aggregates are checked against.
    Files,
}

async fn rows_from(
    conn: &mut Conn,
    tenant_id: i64,
    query: &HandlingQuery,
    daily_scope: &DailyScope,
    source: Source,
) -> Result<Vec<FigureRow>> {
    Ok(match source {
        Source::Aggregates => report_daily::handling(conn, tenant_id, daily_scope, query).await?,
        Source::Files => store::handling(conn, tenant_id, query).await?,
    })
}

/// The handling report for a period, scope and grouping.
pub async fn handling(app: &App, by: By<'_>, input: &HandlingInput) -> Result<HandlingReport> {
    handling_from(app, by, input, Source::Aggregates).await
}

/// The handling report counted from `source`.
pub async fn handling_from(
    app: &App,
    by: By<'_>,
    input: &HandlingInput,
    source: Source,
) -> Result<HandlingReport> {
    if let By::User(actor) = by {
        actor.require(Action::ViewReports)?;
    }
    let tenant_id = by.tenant_id();
    let period = period(&input.from, &input.to)?;
    let mut conn = app.db.read_conn().await?;
    let all_units = units::list(&mut conn, tenant_id).await?;
    let unit = match input.unit.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            all_units
                .iter()
                .find(|u| u.code == code)
                .ok_or_else(|| AppError::invalid("unit", format!("no unit with code `{code}`")))?,
        ),
    };
    let field = match input.field.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            catalogue::field_by_code(&mut conn, tenant_id, code)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("field", format!("no field with code `{code}`"))
                })?,
        ),
    };
    let daily_scope = match unit {
        None => DailyScope::Tenant,
        Some(u) if input.include_subunits => DailyScope::Subtree {
            unit_id: u.id,
            path: u.path.clone(),
        },
        Some(u) => DailyScope::Unit(u.id),
    };
    let (scope, covered): (Scope, Vec<&Unit>) = match unit {
        None => (Scope::Tenant, all_units.iter().collect()),
        Some(u) if input.include_subunits => (
            Scope::Subtree(u.path.clone()),
            all_units
                .iter()
                .filter(|x| x.path.starts_with(&u.path))
                .collect(),
        ),
        Some(u) => (Scope::Unit(u.id), vec![u]),
    };
    authorize(by, &covered)?;

    let grouping = match input.group_by {
        GroupBy::None => Grouping::None,
        GroupBy::Unit => Grouping::Unit,
        GroupBy::Field => Grouping::Field,
        GroupBy::Procedure => Grouping::Procedure,
    };
    let now = app.now_secs();
    let mut query = HandlingQuery {
        start: period.start,
        end: period.end,
        judged_at: period.judged_at(now),
        scope,
        field_id: field.as_ref().map(|f| f.id),
        grouping,
    };
    let found = rows_from(&mut conn, tenant_id, &query, &daily_scope, source).await?;
    let names = labels(&mut conn, tenant_id, input.group_by, &all_units).await?;
    let mut rows: Vec<ReportRow> = found
        .iter()
        .map(|r| {
            let (code, name) = names
                .iter()
                .find(|(id, _, _)| *id == r.key)
                .map(|(_, c, n)| (c.clone(), n.clone()))
                .unwrap_or_default();
            let figures = figures_of(r);
            ReportRow {
                code,
                name,
                rates: figures.rates(),
                figures,
            }
        })
        .collect();
    if input.group_by == GroupBy::None && rows.is_empty() {
        rows.push(ReportRow {
            code: String::new(),
            name: String::new(),
            figures: Figures::default(),
            rates: Figures::default().rates(),
        });
    }
    if input.group_by == GroupBy::None {
        let (code, name) = unit.map_or_else(
            || (String::new(), "Toàn tỉnh".to_owned()),
            |u| (u.code.clone(), u.name.clone()),
        );
        rows[0].code = code;
        rows[0].name = name;
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let mut totals = Figures::default();
    for row in &rows {
        totals.add(&row.figures);
    }
    let overall = if input.group_by == GroupBy::Unit {
        query.grouping = Grouping::None;
        rows_from(&mut conn, tenant_id, &query, &daily_scope, source)
            .await?
            .first()
            .map(figures_of)
            .unwrap_or_default()
    } else {
        totals
    };
    let adjustments = match (&field, unit) {
        (None, None) => adjustment(&mut conn, tenant_id, &period, None, now, source).await?,
        (None, Some(u)) if !input.include_subunits => {
            adjustment(&mut conn, tenant_id, &period, Some(u), now, source).await?
        }
        _ => None,
    };
    Ok(HandlingReport {
        adjustments,
        from: period.from,
        to: period.to,
        unit: unit.map(|u| Label {
            code: u.code.clone(),
            name: u.name.clone(),
        }),
        include_subunits: unit.is_some() && input.include_subunits,
        field: field.map(|f| Label {
            code: f.code,
            name: f.name,
        }),
        group_by: input.group_by,
        judged_at: jiff::Timestamp::from_second(query.judged_at).unwrap_or_default(),
        rows,
        totals_rates: totals.rates(),
        totals,
        overall_rates: overall.rates(),
        overall,
    })
}

/// The adjustment of the locked period just before `period`, for the province or one unit.
async fn adjustment(
    conn: &mut Conn,
    tenant_id: i64,
    period: &Period,
    unit: Option<&Unit>,
    now: i64,
    source: Source,
) -> Result<Option<periods::Adjustment>> {
    let label = unit.map(|u| Label {
        code: u.code.clone(),
        name: u.name.clone(),
    });
    let Some((locked, figures)) =
        periods::previous_locked(conn, tenant_id, period.from, label.as_ref()).await?
    else {
        return Ok(None);
    };
    let before = Period::new(locked.from, locked.to)
        .map_err(|e| AppError::Internal(format!("locked period: {e}")))?;
    let query = HandlingQuery {
        start: before.start,
        end: before.end,
        judged_at: before.judged_at(now),
        scope: unit.map_or(Scope::Tenant, |u| Scope::Unit(u.id)),
        field_id: None,
        grouping: Grouping::None,
    };
    let daily_scope = unit.map_or(DailyScope::Tenant, |u| DailyScope::Unit(u.id));
    let recount = rows_from(conn, tenant_id, &query, &daily_scope, source)
        .await?
        .first()
        .map(figures_of)
        .unwrap_or_default();
    let difference = recount.minus(&figures);
    Ok(Some(periods::Adjustment {
        locked_from: locked.from,
        locked_to: locked.to,
        data_version: locked.data_version,
        locked: figures,
        now: recount,
        changed: difference != Figures::default(),
        difference,
    }))
}

/// The report as a PDF issued in the name of the scope's unit (the province's top unit for a
/// province-wide report).
pub async fn handling_pdf(app: &App, tenant_id: i64, report: &HandlingReport) -> Result<Vec<u8>> {
    let unit = report.unit.as_ref().map(|u| u.name.clone());
    pdf(report, agency(app, tenant_id, unit).await?)
}

/// The agency a report is printed in the name of: the unit reported on, else the province's
/// top unit, with the province's place name.
pub(crate) async fn agency(
    app: &App,
    tenant_id: i64,
    unit_name: Option<String>,
) -> Result<motcua_forms::Agency> {
    let mut conn = app.db.read_conn().await?;
    let all_units = units::list(&mut conn, tenant_id).await?;
    let tenant = motcua_store::tenants::list(&mut conn)
        .await?
        .into_iter()
        .find(|t| t.id == tenant_id);
    let name = match unit_name {
        Some(name) => name,
        None => all_units
            .iter()
            .find(|u| u.parent_id.is_none())
            .map(|u| u.name.clone())
            .unwrap_or_default(),
    };
    Ok(motcua_forms::Agency {
        parent_name: String::new(),
        name,
        place: tenant
            .map(|t| crate::files::place_name(&t.name))
            .unwrap_or_default(),
    })
}
