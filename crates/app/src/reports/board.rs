//! Trends and rankings for the leader dashboard (`/bao-cao`) and the public transparency board
//! (`/cong-khai`): the handling report's figures month by month and per unit, read from the
//! daily aggregates (`report_daily`) only, so the public board never touches the files and
//! carries no personal data (counts only).

use super::{Label, Source, authorize, figures_of, period, rows_from};
use crate::org::By;
use crate::{App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::permission::Action;
use motcua_domain::report::{Figures, Period, Rates};
use motcua_store::report_daily::DailyScope;
use motcua_store::reports::{Grouping, HandlingQuery, Scope};
use motcua_store::units::{self, Unit};
use motcua_store::{Conn, catalogue};
use serde::Serialize;

/// The longest period a trend covers, in months.
pub const MAX_MONTHS: usize = 36;

/// A trend or board request as users give it.
#[derive(Debug, Clone, Default)]
pub struct BoardInput {
    pub from: String,
    pub to: String,
    /// A unit code; `None` for the whole province (or, for a leader, their own unit).
    pub unit: Option<String>,
    pub field: Option<String>,
}

/// One month of a trend (the first and last months are cut to the period).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TrendMonth)]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    pub figures: Figures,
    pub rates: Rates,
}

/// A unit's line in the ranking by on-time rate.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = BoardRankingRow)]
pub struct RankingRow {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub figures: Figures,
    pub rates: Rates,
}

/// Monthly series of the handling report for a period, unit and field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trends {
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    pub unit: Option<Label>,
    pub field: Option<Label>,
    pub months: Vec<MonthPoint>,
    /// The whole period (the same as the handling report's single row): its flows (new,
    /// resolved, withdrawn, apologies) are the sums of the months'; carried over is the first
    /// month's, pending the last month's.
    pub period: Figures,
    pub period_rates: Rates,
}

/// Everything a board page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub trends: Trends,
    /// Units under the scope, best on-time rate first (units with nothing resolved last).
    pub ranking: Vec<RankingRow>,
    /// Units that may be chosen in the filter (code, name).
    pub units: Vec<Label>,
    pub fields: Vec<Label>,
    /// Whether the whole province may be chosen (the public, or a leader covering every unit).
    pub whole_province: bool,
}

/// The calendar months of `period`, each cut to the period.
pub fn months(period: &Period) -> Result<Vec<Period>> {
    let mut out = Vec::new();
    let mut from = period.from;
    while from <= period.to {
        if out.len() == MAX_MONTHS {
            return Err(AppError::invalid(
                "to",
                format!("a period of at most {MAX_MONTHS} months"),
            ));
        }
        let month_end = from.last_of_month();
        let to = month_end.min(period.to);
        out.push(Period::new(from, to).map_err(|e| AppError::invalid("from", e.to_string()))?);
        match month_end.tomorrow() {
            Ok(next) => from = next,
            Err(_) => break,
        }
    }
    Ok(out)
}

/// The unit and field a request names, and the scope they make.
pub(crate) struct Resolved<'a> {
    pub unit: Option<&'a Unit>,
    pub field: Option<Label>,
    pub field_id: Option<i64>,
    pub covered: Vec<&'a Unit>,
}

impl Resolved<'_> {
    fn daily(&self) -> DailyScope {
        match self.unit {
            None => DailyScope::Tenant,
            Some(u) => DailyScope::Subtree {
                unit_id: u.id,
                path: u.path.clone(),
            },
        }
    }
    fn scope(&self) -> Scope {
        self.unit
            .map_or(Scope::Tenant, |u| Scope::Subtree(u.path.clone()))
    }
}

pub(crate) async fn resolve<'a>(
    conn: &mut Conn,
    tenant_id: i64,
    all_units: &'a [Unit],
    unit: Option<&str>,
    field: Option<&str>,
) -> Result<Resolved<'a>> {
    let unit = match unit.map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            all_units
                .iter()
                .find(|u| u.code == code)
                .ok_or_else(|| AppError::invalid("unit", format!("no unit with code `{code}`")))?,
        ),
    };
    let (field, field_id) = match field.map(str::trim) {
        None | Some("") => (None, None),
        Some(code) => {
            let f = catalogue::field_by_code(conn, tenant_id, code)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("field", format!("no field with code `{code}`"))
                })?;
            (
                Some(Label {
                    code: f.code,
                    name: f.name,
                }),
                Some(f.id),
            )
        }
    };
    let covered = match unit {
        None => all_units.iter().collect(),
        Some(u) => all_units
            .iter()
            .filter(|x| x.path.starts_with(&u.path))
            .collect(),
    };
    Ok(Resolved {
        unit,
        field,
        field_id,
        covered,
    })
}

/// For a leader who names no unit: the whole province if their grants cover it, else the
/// first unit they may report on.
pub(crate) fn default_unit(by: By<'_>, all_units: &[Unit]) -> Option<String> {
    let By::User(actor) = by else { return None };
    if all_units
        .iter()
        .all(|u| actor.require_at(Action::ViewReports, &u.path).is_ok())
    {
        return None;
    }
    let grant = actor.scopes(Action::ViewReports).into_iter().next()?;
    all_units
        .iter()
        .find(|u| u.id == grant.unit_id)
        .map(|u| u.code.clone())
}

async fn figures(
    conn: &mut Conn,
    tenant_id: i64,
    r: &Resolved<'_>,
    p: &Period,
    now: i64,
    grouping: Grouping,
) -> Result<Vec<motcua_store::reports::FigureRow>> {
    let query = HandlingQuery {
        start: p.start,
        end: p.end,
        judged_at: p.judged_at(now),
        scope: r.scope(),
        field_id: r.field_id,
        grouping,
    };
    rows_from(conn, tenant_id, &query, &r.daily(), Source::Aggregates).await
}

async fn trends_on(
    conn: &mut Conn,
    tenant_id: i64,
    r: &Resolved<'_>,
    p: &Period,
    now: i64,
) -> Result<Trends> {
    let mut points = Vec::new();
    for m in months(p)? {
        let f = figures(conn, tenant_id, r, &m, now, Grouping::None)
            .await?
            .first()
            .map(figures_of)
            .unwrap_or_default();
        points.push(MonthPoint {
            month: m.from.strftime("%Y-%m").to_string(),
            from: m.from,
            to: m.to,
            rates: f.rates(),
            figures: f,
        });
    }
    let whole = figures(conn, tenant_id, r, p, now, Grouping::None)
        .await?
        .first()
        .map(figures_of)
        .unwrap_or_default();
    Ok(Trends {
        from: p.from,
        to: p.to,
        unit: r.unit.map(|u| Label {
            code: u.code.clone(),
            name: u.name.clone(),
        }),
        field: r.field.clone(),
        months: points,
        period_rates: whole.rates(),
        period: whole,
    })
}

/// What the trends and the board start with: the permission, the period (at most
/// [`MAX_MONTHS`] months), a connection, every unit, and the unit asked for (or the default).
async fn start(
    app: &App,
    by: By<'_>,
    input: &BoardInput,
) -> Result<(Period, motcua_store::ReadConn, Vec<Unit>, Option<String>)> {
    if let By::User(actor) = by {
        actor.require(Action::ViewReports)?;
    }
    let p = period(&input.from, &input.to)?;
    months(&p)?;
    let mut conn = app.db.read_conn().await?;
    let all_units = units::list(&mut conn, by.tenant_id()).await?;
    let unit = input
        .unit
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| default_unit(by, &all_units));
    Ok((p, conn, all_units, unit))
}

/// The monthly series (`GET /api/v1/reports/trends`): staff with report permission over the
/// whole scope.
pub async fn trends(app: &App, by: By<'_>, input: &BoardInput) -> Result<Trends> {
    let (p, mut conn, all_units, unit) = start(app, by, input).await?;
    let tenant_id = by.tenant_id();
    let r = resolve(
        &mut conn,
        tenant_id,
        &all_units,
        unit.as_deref(),
        input.field.as_deref(),
    )
    .await?;
    authorize(by, &r.covered)?;
    trends_on(&mut conn, tenant_id, &r, &p, app.now_secs()).await
}

/// Units ranked by on-time rate, then by files resolved; units with nothing resolved last.
fn ranking(rows: &[motcua_store::reports::FigureRow], covered: &[&Unit]) -> Vec<RankingRow> {
    let mut out: Vec<RankingRow> = covered
        .iter()
        .filter_map(|u| {
            let f = rows.iter().find(|r| r.key == u.id).map(figures_of)?;
            Some(RankingRow {
                rank: 0,
                code: u.code.clone(),
                name: u.name.clone(),
                rates: f.rates(),
                figures: f,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let ra = a.rates.on_time_rate.unwrap_or(-1.0);
        let rb = b.rates.on_time_rate.unwrap_or(-1.0);
        rb.total_cmp(&ra)
            .then(b.figures.resolved.total.cmp(&a.figures.resolved.total))
            .then(a.code.cmp(&b.code))
    });
    for (i, row) in out.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    out
}

/// The board: the monthly trend, the unit ranking and the filter choices. `By::System` for the
/// public board (every unit of the province), a leader for the dashboard (their units).
pub async fn board(app: &App, by: By<'_>, input: &BoardInput) -> Result<Board> {
    let (p, mut conn, all_units, unit) = start(app, by, input).await?;
    let tenant_id = by.tenant_id();
    let r = resolve(
        &mut conn,
        tenant_id,
        &all_units,
        unit.as_deref(),
        input.field.as_deref(),
    )
    .await?;
    authorize(by, &r.covered)?;
    let now = app.now_secs();
    let trends = trends_on(&mut conn, tenant_id, &r, &p, now).await?;
    let by_unit = figures(&mut conn, tenant_id, &r, &p, now, Grouping::Unit).await?;
    let ranking = ranking(&by_unit, &r.covered);
    let choosable: Vec<Label> = all_units
        .iter()
        .filter(|u| match by {
            By::System { .. } => true,
            By::User(a) => a.require_at(Action::ViewReports, &u.path).is_ok(),
        })
        .map(|u| Label {
            code: u.code.clone(),
            name: u.name.clone(),
        })
        .collect();
    let fields = catalogue::fields(&mut conn, tenant_id)
        .await?
        .into_iter()
        .map(|f| Label {
            code: f.code,
            name: f.name,
        })
        .collect();
    Ok(Board {
        trends,
        ranking,
        whole_province: choosable.len() == all_units.len(),
        units: choosable,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(from: Date, to: Date) -> Period {
        Period::new(from, to).unwrap()
    }

    #[test]
    fn months_are_cut_to_the_period() {
        let m = months(&p(Date::constant(2025, 1, 15), Date::constant(2025, 3, 3))).unwrap();
        let spans: Vec<(Date, Date)> = m.iter().map(|x| (x.from, x.to)).collect();
        assert_eq!(
            spans,
            vec![
                (Date::constant(2025, 1, 15), Date::constant(2025, 1, 31)),
                (Date::constant(2025, 2, 1), Date::constant(2025, 2, 28)),
                (Date::constant(2025, 3, 1), Date::constant(2025, 3, 3)),
            ]
        );
        assert_eq!(
            m[0].start,
            p(Date::constant(2025, 1, 15), Date::constant(2025, 1, 15)).start
        );
        assert_eq!(
            m[2].end,
            p(Date::constant(2025, 3, 3), Date::constant(2025, 3, 3)).end
        );
    }

    #[test]
    fn at_most_36_months() {
        assert_eq!(
            months(&p(Date::constant(2023, 1, 1), Date::constant(2025, 12, 31)))
                .unwrap()
                .len(),
            36
        );
        assert!(months(&p(Date::constant(2023, 1, 1), Date::constant(2026, 1, 1))).is_err());
    }
}
