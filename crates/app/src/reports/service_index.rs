//! The service-quality index (Decision 766/QĐ-TTg) per unit for a period, with its breakdown.
//! The ratios come from the same figures as the handling report (daily aggregates, one unit's
//! own files), the catalogue, the applicants' evaluations, feedback steps and attachments; the
//! scoring rules are the versioned definitions in `motcua_domain::service_index` (not yet
//! checked against the official text: every answer says `verified: false`).

use super::board::{default_unit, resolve};
use super::{Label, Source, authorize, figures_of, period, rows_from};
use crate::calendar::utc7;
use crate::org::By;
use crate::{App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::permission::Action;
use motcua_domain::service_index::{IndexDefinition, IndexScore, Measure, Observations};
use motcua_store::report_daily::DailyScope;
use motcua_store::reports::{Grouping, HandlingQuery, Scope};
use motcua_store::satisfaction::{self, Dimension};
use motcua_store::{board as store, feedback, units};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct IndexInput {
    pub from: String,
    pub to: String,
    /// A unit code: that unit and its sub-units; default: the province (or the leader's unit).
    pub unit: Option<String>,
}

/// One unit's index.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitIndex {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub index: IndexScore,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceIndexReport {
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    pub unit: Option<Label>,
    pub definition_id: String,
    pub definition_name: String,
    /// False: the indicator definitions were not checked against the official text.
    pub verified: bool,
    /// Units under the scope, highest score first.
    pub units: Vec<UnitIndex>,
}

pub async fn service_index(
    app: &App,
    by: By<'_>,
    input: &IndexInput,
) -> Result<ServiceIndexReport> {
    if let By::User(actor) = by {
        actor.require(Action::ViewReports)?;
    }
    let tenant_id = by.tenant_id();
    let p = period(&input.from, &input.to)?;
    let definition = IndexDefinition::in_force_at(p.to).ok_or_else(|| {
        AppError::invalid(
            "to",
            "no index definition in force (Decision 766 applies from 2022-06-23)",
        )
    })?;
    let mut conn = app.db.read_conn().await?;
    let all_units = units::list(&mut conn, tenant_id).await?;
    let unit = input
        .unit
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| default_unit(by, &all_units));
    let r = resolve(&mut conn, tenant_id, &all_units, unit.as_deref(), None).await?;
    authorize(by, &r.covered)?;
    let now = app.now_secs();
    let query = HandlingQuery {
        start: p.start,
        end: p.end,
        judged_at: p.judged_at(now),
        scope: r
            .unit
            .map_or(Scope::Tenant, |u| Scope::Subtree(u.path.clone())),
        field_id: None,
        grouping: Grouping::Unit,
    };
    let daily = r.unit.map_or(DailyScope::Tenant, |u| DailyScope::Subtree {
        unit_id: u.id,
        path: u.path.clone(),
    });
    let by_unit = rows_from(&mut conn, tenant_id, &query, &daily, Source::Aggregates).await?;
    let today = app.now().to_zoned(utc7()).date().to_string();
    let offer = store::catalogue_offer(&mut conn, tenant_id, &today).await?;
    let digitised = store::digitisation(&mut conn, tenant_id, p.start, p.end).await?;
    let steps = feedback::step_counts(&mut conn, tenant_id, p.start, p.end).await?;
    let ratings =
        satisfaction::by_dimension(&mut conn, tenant_id, Dimension::Unit, "%", p.start, p.end)
            .await?;
    drop(conn);

    let mut out: Vec<UnitIndex> = r
        .covered
        .iter()
        .map(|u| {
            let mut o = Observations::default();
            o.set(
                Measure::ProceduresFullyOnline,
                offer.fully_online,
                offer.procedures,
            );
            o.set(
                Measure::ProceduresOnlinePayment,
                offer.online_payment,
                offer.procedures,
            );
            let f = by_unit
                .iter()
                .find(|x| x.key == u.id)
                .map(figures_of)
                .unwrap_or_default();
            let res = &f.resolved;
            o.set(Measure::LateWithApology, f.late_with_apology, res.late);
            o.set(Measure::OnTime, res.early + res.on_time, res.total);
            o.set(Measure::ResolvedNotLate, res.total - res.late, res.total);
            o.set(Measure::PendingInTime, f.pending.in_time, f.pending.total);
            let closed = res.total + f.withdrawn;
            o.set(
                Measure::SingleSupplement,
                closed - f.files_with_repeated_supplements,
                closed,
            );
            o.set(
                Measure::OnlineShare,
                f.received.new_online,
                f.received.new_online + f.received.new_offline,
            );
            let d = digitised
                .iter()
                .find(|d| d.unit_id == u.id)
                .copied()
                .unwrap_or_default();
            o.set(Measure::DigitisedFiles, d.with_documents, d.received);
            o.set(Measure::ElectronicResults, d.with_result_file, d.results);
            let mine = steps.iter().filter(|s| s.unit_id == u.id);
            let (done, on_time) = mine
                .clone()
                .fold((0, 0), |(t, ok), s| (t + s.total, ok + s.on_time));
            o.set(Measure::FeedbackOnTime, on_time, done);
            let (published, published_on_time) = mine
                .filter(|s| s.step == "publish")
                .fold((0, 0), |(t, ok), s| (t + s.total, ok + s.on_time));
            o.set(
                Measure::FeedbackPublishedOnTime,
                published_on_time,
                published,
            );
            let (points, max) = ratings
                .iter()
                .find(|x| x.dim_key == u.code)
                .map_or((0, 0), |x| (x.points, x.scored_max));
            o.set(Measure::EvaluationScore, points, max);
            UnitIndex {
                rank: 0,
                code: u.code.clone(),
                name: u.name.clone(),
                index: definition.score(&o),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.index
            .score
            .total_cmp(&a.index.score)
            .then(a.code.cmp(&b.code))
    });
    for (i, row) in out.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    Ok(ServiceIndexReport {
        from: p.from,
        to: p.to,
        unit: r.unit.map(|u| Label {
            code: u.code.clone(),
            name: u.name.clone(),
        }),
        definition_id: definition.id.clone(),
        definition_name: definition.name.clone(),
        verified: definition.verified,
        units: out,
    })
}
