//! Survey results (điều tra xã hội học) imported by the council as CSV.

use super::assess::{parse_assessment, unit_for};
use super::{load_set, parse_set};
use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_domain::reform_index::Method;
use motcua_store::commit;
use motcua_store::reform_index as store;
use std::collections::BTreeMap;

/// Survey results from CSV: `ma_don_vi,ma_tieu_chi,ty_le` (unit code, survey criterion code,
/// percent satisfied; a header line is optional). All lines in one transaction: one bad line
/// refuses the whole file, naming the line. Returns the number of results entered.
pub async fn import_survey(app: &App, actor: &Actor, set_id: i64, csv: &str) -> Result<usize> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let set_row = load_set(&mut tx, actor.tenant_id, set_id).await?;
    let set = parse_set(&set_row)?;
    super::require_council(&mut tx, actor).await?;
    let mut by_unit: BTreeMap<String, Vec<(usize, String, f64)>> = BTreeMap::new();
    for record in super::transfer::csv_records(csv)? {
        let (line, cells) = record;
        if cells.iter().all(|c| c.trim().is_empty()) || cells[0].trim() == "ma_don_vi" {
            continue;
        }
        let bad = |m: &str| AppError::invalid(&format!("line {line}"), m.to_owned());
        if cells.len() < 3 {
            return Err(bad("three columns: ma_don_vi, ma_tieu_chi, ty_le"));
        }
        let code = cells[1].trim().to_owned();
        match set.find(&code).map(|c| &c.method) {
            Some(Method::Survey { .. }) => {}
            _ => return Err(bad("not a survey criterion of the set")),
        }
        let percent: f64 = cells[2]
            .trim()
            .replace(',', ".")
            .trim_end_matches('%')
            .parse()
            .map_err(|_| bad("a percentage from 0 to 100"))?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(bad("a percentage from 0 to 100"));
        }
        by_unit
            .entry(cells[0].trim().to_owned())
            .or_default()
            .push((line, code, percent));
    }
    let mut count = 0;
    for (unit_code, lines) in by_unit {
        let line = lines[0].0;
        let unit = unit_for(&mut tx, actor.tenant_id, &set, &unit_code)
            .await
            .map_err(|_| {
                AppError::invalid(
                    &format!("line {line}"),
                    "unknown unit or unit of another kind",
                )
            })?;
        actor.require_at(Action::AppraiseReform, &unit.path)?;
        let row = store::assessment(&mut tx, actor.tenant_id, set_id, unit.id)
            .await?
            .ok_or_else(|| {
                AppError::invalid(&format!("line {line}"), "the unit has not submitted")
            })?;
        let mut a = parse_assessment(&row)?;
        let before = a.clone();
        let scores: Vec<(String, Option<f64>, String)> = lines
            .iter()
            .map(|(_, code, p)| {
                (
                    code.clone(),
                    Some(*p),
                    String::from("Kết quả điều tra xã hội học"),
                )
            })
            .collect();
        a.appraise(&set, &scores)?;
        count += scores.len();
        let json =
            serde_json::to_string(&a.entries).map_err(|e| AppError::Internal(e.to_string()))?;
        store::save_assessment(
            &mut tx,
            actor.tenant_id,
            row.id,
            row.version,
            a.stage.as_str(),
            &json,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            actor.tenant_id,
            Some(actor.user_id),
            now,
            Change {
                action: "reform.survey_imported",
                entity_type: "reform_assessment",
                entity_id: row.id.to_string(),
                before: Some(serde_json::json!({ "entries": before.entries })),
                after: Some(
                    serde_json::json!({ "set": set_id, "unit": unit.code, "entries": a.entries }),
                ),
            },
        )
        .await?;
    }
    commit(tx).await?;
    Ok(count)
}
