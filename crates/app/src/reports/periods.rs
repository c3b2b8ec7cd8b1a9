//! Closing (locking) a reporting period. The reform office locks a period that is over: the
//! province's figures and each unit's (the unit alone) are stored with the data version they
//! came from (the number of file events recorded at that moment) and never change. Files keep
//! changing (a late hand-over recorded, a correction): the report of the period that starts
//! the day after a locked one then carries `adjustments`, the locked figures, the figures of
//! the locked period recounted now, and their difference, so a change to a closed period is
//! always shown, never silent. Overlapping locks are refused; so is a period not over yet.

use super::{GroupBy, HandlingInput, Label, Source, handling_from, period};
use crate::audit::{self, Change};
use crate::org::By;
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_domain::report::Figures;
use motcua_store::report_daily::{self, LockedPeriod};
use motcua_store::{commit, units};
use serde::{Deserialize, Serialize};

/// One unit's locked figures (the unit alone, as in a report grouped by unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LockedUnit {
    pub code: String,
    pub name: String,
    pub figures: Figures,
}

/// The figures stored when a period was locked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LockedFigures {
    /// The province, each file once.
    pub overall: Figures,
    pub units: Vec<LockedUnit>,
}

/// A locked reporting period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportPeriod {
    #[schema(value_type = String, format = Date)]
    pub from: jiff::civil::Date,
    #[schema(value_type = String, format = Date)]
    pub to: jiff::civil::Date,
    #[schema(value_type = String, format = DateTime)]
    pub locked_at: jiff::Timestamp,
    /// The number of file changes recorded when the period was locked.
    pub data_version: i64,
    pub figures: LockedFigures,
}

/// Changes to a locked period found when the next period is reported.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Adjustment {
    #[schema(value_type = String, format = Date)]
    pub locked_from: jiff::civil::Date,
    #[schema(value_type = String, format = Date)]
    pub locked_to: jiff::civil::Date,
    /// The data version the locked figures came from.
    pub data_version: i64,
    /// The scope's figures as locked.
    pub locked: Figures,
    /// The same period recounted now.
    pub now: Figures,
    /// `now − locked`: zero everywhere when nothing changed.
    pub difference: Figures,
    pub changed: bool,
}

fn parse(p: LockedPeriod) -> Result<ReportPeriod> {
    let bad = |e: String| AppError::Internal(format!("report period {}: {e}", p.from_date));
    Ok(ReportPeriod {
        from: p
            .from_date
            .parse()
            .map_err(|e: jiff::Error| bad(e.to_string()))?,
        to: p
            .to_date
            .parse()
            .map_err(|e: jiff::Error| bad(e.to_string()))?,
        locked_at: jiff::Timestamp::from_second(p.locked_at).unwrap_or_default(),
        data_version: p.data_version,
        figures: serde_json::from_str(&p.figures_json).map_err(|e| bad(e.to_string()))?,
    })
}

/// Whether `actor` manages reports over the whole province (every top unit).
async fn require_manage(app: &App, actor: &Actor) -> Result<()> {
    actor.require(Action::ManageReports)?;
    let mut conn = app.db.read_conn().await?;
    let all = units::list(&mut conn, actor.tenant_id).await?;
    if all
        .iter()
        .filter(|u| u.parent_id.is_none())
        .all(|u| actor.require_at(Action::ManageReports, &u.path).is_ok())
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Locks `[from, to]`: stores the province's and each unit's figures, audited.
pub async fn lock(app: &App, actor: &Actor, from: &str, to: &str) -> Result<ReportPeriod> {
    require_manage(app, actor).await?;
    let tenant_id = actor.tenant_id;
    let p = period(from, to)?;
    if p.end > app.now_secs() {
        return Err(AppError::invalid(
            "to",
            "the period is not over yet; only a past period can be locked",
        ));
    }
    let input = HandlingInput {
        from: p.from.to_string(),
        to: p.to.to_string(),
        unit: None,
        include_subunits: true,
        field: None,
        group_by: GroupBy::Unit,
    };
    let report = handling_from(app, By::User(actor), &input, Source::Aggregates).await?;
    let figures = LockedFigures {
        overall: report.overall,
        units: report
            .rows
            .iter()
            .map(|r| LockedUnit {
                code: r.code.clone(),
                name: r.name.clone(),
                figures: r.figures,
            })
            .collect(),
    };
    let figures_json =
        serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.db.begin().await?;
    let (from_s, to_s) = (p.from.to_string(), p.to.to_string());
    if let Some(other) = report_daily::overlapping_periods(&mut tx, tenant_id, &from_s, &to_s)
        .await?
        .first()
    {
        return Err(AppError::Conflict {
            code: "report.period_locked",
            message: format!(
                "the period overlaps the locked period {} – {}",
                other.from_date, other.to_date
            ),
        });
    }
    let row = LockedPeriod {
        from_date: from_s.clone(),
        to_date: to_s.clone(),
        locked_at: app.now_secs(),
        locked_by: Some(actor.user_id),
        data_version: report_daily::data_version(&mut tx, tenant_id).await?,
        figures_json,
    };
    report_daily::insert_period(&mut tx, tenant_id, &row).await?;
    audit::record(
        &mut tx,
        tenant_id,
        Some(actor.user_id),
        row.locked_at,
        Change {
            action: "report.period_locked",
            entity_type: "report_period",
            entity_id: format!("{from_s}..{to_s}"),
            before: None,
            after: Some(serde_json::json!({
                "data_version": row.data_version,
                "received": figures.overall.received.total,
                "resolved": figures.overall.resolved.total,
                "pending": figures.overall.pending.total,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    parse(row)
}

/// The locked periods, newest first (anyone who reads reports).
pub async fn list(app: &App, by: By<'_>) -> Result<Vec<ReportPeriod>> {
    if let By::User(actor) = by {
        actor.require(Action::ViewReports)?;
    }
    let mut conn = app.db.read_conn().await?;
    report_daily::periods(&mut conn, by.tenant_id())
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The locked period just before `from`, if any, with the scope's locked figures: the province
/// (`unit` None) or one unit alone. Other scopes (a subtree, a field) were not locked.
pub(super) async fn previous_locked(
    conn: &mut motcua_store::Conn,
    tenant_id: i64,
    from: jiff::civil::Date,
    unit: Option<&Label>,
) -> Result<Option<(ReportPeriod, Figures)>> {
    let Ok(day_before) = from.yesterday() else {
        return Ok(None);
    };
    let Some(row) = report_daily::period_ending(conn, tenant_id, &day_before.to_string()).await?
    else {
        return Ok(None);
    };
    let p = parse(row)?;
    let figures = match unit {
        None => p.figures.overall,
        Some(u) => p
            .figures
            .units
            .iter()
            .find(|x| x.code == u.code)
            .map(|x| x.figures)
            .unwrap_or_default(),
    };
    Ok(Some((p, figures)))
}
