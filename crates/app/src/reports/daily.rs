//! Keeping the daily aggregates honest: `verify` recounts a tenant from its files and lists
//! every difference (stored rows against a recount; reports from the aggregates against the
//! direct query, per month and for the whole range, in every grouping); `rebuild` recomputes
//! the rows (after a bulk load, a restore, or a difference found), audited.

use super::{GroupBy, HandlingInput, Source, handling_from, period};
use crate::audit::{self, Change};
use crate::org::By;
use crate::{App, Result};
use jiff::civil::Date;
use motcua_store::report_daily::{self, DailyRow};
use motcua_store::{commit, units};
use serde::Serialize;
use std::collections::BTreeMap;

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Aggregate rows compared (stored and recounted).
    pub rows: usize,
    /// Reports compared (period × scope × grouping).
    pub reports: usize,
    /// One line per difference, in English (an operator's tool).
    pub differences: Vec<String>,
}

fn row_diff(stored: &[DailyRow], recount: &[DailyRow], out: &mut Vec<String>) {
    let a: BTreeMap<_, _> = stored.iter().map(|r| (r.key, r.values)).collect();
    let b: BTreeMap<_, _> = recount.iter().map(|r| (r.key, r.values)).collect();
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(k))) {
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            out.push(format!(
                "aggregate row {key:?}: stored {:?}, recount {:?}",
                x.copied().unwrap_or_default(),
                y.copied().unwrap_or_default()
            ));
        }
    }
}

/// The months overlapping `[from, to]`, each clipped to it.
fn months(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = start.last_of_month().min(to);
        out.push((start, end));
        match end.tomorrow() {
            Ok(next) => start = next,
            Err(_) => break,
        }
    }
    out
}

/// Recounts `tenant_id` and compares: see the module documentation.
pub async fn verify(app: &App, tenant_id: i64, from: &str, to: &str) -> Result<Verification> {
    let whole = period(from, to)?;
    let mut differences = Vec::new();
    let (stored, recount, unit_codes) = {
        let mut conn = app.db.read_conn().await?;
        let stored = report_daily::stored(&mut conn, tenant_id).await?;
        let recount = report_daily::recount(&mut conn, tenant_id).await?;
        let codes: Vec<String> = units::list(&mut conn, tenant_id)
            .await?
            .into_iter()
            .map(|u| u.code)
            .collect();
        (stored, recount, codes)
    };
    row_diff(&stored, &recount, &mut differences);
    let mut periods = months(whole.from, whole.to);
    if periods.len() > 1 {
        periods.push((whole.from, whole.to));
    }
    let by = By::System { tenant_id };
    let mut reports = 0;
    let last = periods.len() - 1;
    for (n, (from, to)) in periods.into_iter().enumerate() {
        // Every month for the province in every grouping; every unit (with its sub-units,
        // and alone) over the whole range.
        let mut scopes = vec![(None, true)];
        if n == last {
            for code in &unit_codes {
                scopes.push((Some(code), true));
                scopes.push((Some(code), false));
            }
        }
        for (unit, include_subunits) in scopes {
            for group_by in [
                GroupBy::None,
                GroupBy::Unit,
                GroupBy::Field,
                GroupBy::Procedure,
            ] {
                if unit.is_some() && group_by != GroupBy::None && group_by != GroupBy::Unit {
                    continue;
                }
                let input = HandlingInput {
                    from: from.to_string(),
                    to: to.to_string(),
                    unit: unit.cloned(),
                    include_subunits,
                    field: None,
                    group_by,
                };
                let fast = handling_from(app, by, &input, Source::Aggregates).await?;
                let slow = handling_from(app, by, &input, Source::Files).await?;
                reports += 1;
                let rows = |r: &super::HandlingReport| -> BTreeMap<String, _> {
                    r.rows
                        .iter()
                        .map(|row| (row.code.clone(), row.figures))
                        .collect()
                };
                let (a, b) = (rows(&fast), rows(&slow));
                for code in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                    if a.get(code) != b.get(code) {
                        differences.push(format!(
                            "{from}..{to} {}{} by {group_by:?} row `{code}`: aggregates {:?}, files {:?}",
                            unit.map_or("province", |u| u.as_str()),
                            if include_subunits { "" } else { " alone" },
                            a.get(code),
                            b.get(code)
                        ));
                    }
                }
                if fast.overall != slow.overall {
                    differences.push(format!(
                        "{from}..{to} {}{} by {group_by:?} overall: aggregates {:?}, files {:?}",
                        unit.map_or("province", |u| u.as_str()),
                        if include_subunits { "" } else { " alone" },
                        fast.overall,
                        slow.overall
                    ));
                }
            }
        }
    }
    Ok(Verification {
        rows: stored.len().max(recount.len()),
        reports,
        differences,
    })
}

/// Recomputes the tenant's aggregate rows from its files, in one transaction with its audit
/// record; returns the number of rows written.
pub async fn rebuild(app: &App, tenant_id: i64) -> Result<u64> {
    let mut tx = app.db.begin().await?;
    let rows = report_daily::rebuild(&mut tx, tenant_id).await?;
    audit::record(
        &mut tx,
        tenant_id,
        None,
        app.now_secs(),
        Change {
            action: "report.aggregates_rebuilt",
            entity_type: "report_daily",
            entity_id: tenant_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "rows": rows })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(rows)
}
