//! Results of a set: every finalised unit's points per field and total, rank, grade and the
//! previous year's total; exports (XLSX, PDF) and publication on the public portal.

use super::assess::parse_assessment;
use super::{SetSummary, load_set, parse_set, require_council};
use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_domain::reform_index::{Stage, UnitResult, fmt_num, rank};
use motcua_store::reform_index::{self as store, SetRow};
use motcua_store::{Conn, commit, units};
use serde::Serialize;

/// A field as a column of the results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldColumn {
    pub code: String,
    pub name: String,
    pub max_points: f64,
}

/// A unit not yet in the ranking, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReformPending)]
pub struct Pending {
    pub unit_code: String,
    pub unit_name: String,
    pub stage_vi: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub set: SetSummary,
    pub source: String,
    pub fields: Vec<FieldColumn>,
    /// Finalised units, best first.
    pub rows: Vec<UnitResult>,
    /// Units of the set's kind whose scores are not final yet.
    pub pending: Vec<Pending>,
    /// Year of the previous set compared with, if any.
    pub previous_year: Option<i64>,
    /// Units per grade, best grade first: (grade name, count).
    pub grade_counts: Vec<(String, usize)>,
}

async fn compute(conn: &mut Conn, tenant_id: i64, row: &SetRow) -> Result<Results> {
    let set = parse_set(row)?;
    let all_units = units::list(conn, tenant_id).await?;
    let assessments = store::assessments(conn, tenant_id, row.id).await?;
    let previous = store::set_by_year(conn, tenant_id, row.year - 1, &row.unit_kind).await?;
    let mut previous_totals = std::collections::BTreeMap::new();
    if let Some(prev) = &previous {
        let prev_set = parse_set(prev)?;
        for a in store::assessments(conn, tenant_id, prev.id).await? {
            let parsed = parse_assessment(&a)?;
            if parsed.stage == Stage::Finalised {
                previous_totals.insert(a.unit_id, parsed.totals(&prev_set).1);
            }
        }
    }
    let mut rows = Vec::new();
    let mut pending = Vec::new();
    for unit in all_units.iter().filter(|u| u.kind == row.unit_kind) {
        let a = assessments.iter().find(|a| a.unit_id == unit.id);
        let parsed = a.map(parse_assessment).transpose()?;
        match parsed {
            Some(p) if p.stage == Stage::Finalised => {
                let (per_field, total) = p.totals(&set);
                rows.push(UnitResult {
                    unit_code: unit.code.clone(),
                    unit_name: unit.name.clone(),
                    per_field,
                    total,
                    rank: 0,
                    grade: set
                        .grade_of(total)
                        .map(|g| g.name.clone())
                        .unwrap_or_default(),
                    previous_total: previous_totals.get(&unit.id).copied(),
                });
            }
            other => pending.push(Pending {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                stage_vi: other
                    .map(|p| p.stage.label_vi().to_owned())
                    .unwrap_or_else(|| "Chưa tự chấm điểm".into()),
            }),
        }
    }
    rank(&mut rows);
    let grade_counts = set
        .grades
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                rows.iter().filter(|r| r.grade == g.name).count(),
            )
        })
        .collect();
    Ok(Results {
        set: super::view(row)?.summary,
        source: set.source.clone(),
        fields: set
            .fields
            .iter()
            .map(|f| FieldColumn {
                code: f.code.clone(),
                name: f.name.clone(),
                max_points: f.max_points,
            })
            .collect(),
        rows,
        pending,
        previous_year: previous.map(|p| p.year),
        grade_counts,
    })
}

/// Results for the council at any time, and for units' leaders once published.
pub async fn results(app: &App, actor: &Actor, set_id: i64) -> Result<Results> {
    let mut conn = app.db.read_conn().await?;
    let row = load_set(&mut conn, actor.tenant_id, set_id).await?;
    let council = require_council(&mut conn, actor).await.is_ok();
    let published_to_units = row.published_at.is_some() && actor.can(Action::AssessReform);
    if !(council || published_to_units) {
        return Err(AppError::Forbidden);
    }
    compute(&mut conn, actor.tenant_id, &row).await
}

/// Published results, for anyone (the public portal).
pub async fn public_results(app: &App, tenant_id: i64, set_id: i64) -> Result<Results> {
    let mut conn = app.db.read_conn().await?;
    let row = load_set(&mut conn, tenant_id, set_id).await?;
    if row.published_at.is_none() {
        return Err(AppError::NotFound("published results"));
    }
    compute(&mut conn, tenant_id, &row).await
}

/// Publishes the results on the public portal (the council, once at least one unit is final).
pub async fn publish(app: &App, actor: &Actor, set_id: i64) -> Result<Results> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    require_council(&mut tx, actor).await?;
    let row = load_set(&mut tx, actor.tenant_id, set_id).await?;
    let results = compute(&mut tx, actor.tenant_id, &row).await?;
    if results.rows.is_empty() {
        return Err(AppError::Rule {
            code: "nothing_to_publish",
            message: "no unit's scores are final yet".into(),
            message_vi: "Chưa có đơn vị nào được chốt kết quả; chưa thể công bố.".into(),
            conflict: true,
        });
    }
    store::publish_set(&mut tx, actor.tenant_id, set_id, now).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "reform_set.published",
            entity_type: "reform_set",
            entity_id: set_id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "ranked": results.rows.iter().map(|r| (&r.unit_code, r.total, r.rank)).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    commit(tx).await?;
    let mut r = results;
    r.set.published = true;
    Ok(r)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("xlsx: {e}"))
}

/// The results as a spreadsheet: rank, unit, points per field, total, grade, previous year.
pub fn results_xlsx(r: &Results) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Ket qua").map_err(xlsx_error)?;
    ws.set_landscape();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin);
    let points = Format::new()
        .set_num_format("0.00")
        .set_border(FormatBorder::Thin);
    ws.write_string_with_format(
        0,
        0,
        format!("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {}", r.set.year),
        &title,
    )
    .map_err(xlsx_error)?;
    ws.write_string(1, 0, &r.set.name).map_err(xlsx_error)?;
    let mut heads = vec!["Xếp hạng".to_owned(), "Mã đơn vị".into(), "Đơn vị".into()];
    heads.extend(
        r.fields
            .iter()
            .map(|f| format!("{}. {} ({})", f.code, f.name, fmt_num(f.max_points))),
    );
    heads.extend(["Tổng điểm".into(), "Xếp loại".into()]);
    heads.push(match r.previous_year {
        Some(y) => format!("Tổng điểm năm {y}"),
        None => "Tổng điểm năm trước".into(),
    });
    heads.push("Tăng, giảm".into());
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, h, &head)
            .map_err(xlsx_error)?;
    }
    for (k, row) in r.rows.iter().enumerate() {
        let y = 4 + k as u32;
        ws.write_number_with_format(y, 0, f64::from(row.rank), &text)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(y, 1, &row.unit_code, &text)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(y, 2, &row.unit_name, &text)
            .map_err(xlsx_error)?;
        let mut c = 3u16;
        for p in &row.per_field {
            ws.write_number_with_format(y, c, *p, &points)
                .map_err(xlsx_error)?;
            c += 1;
        }
        ws.write_number_with_format(y, c, row.total, &points)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(y, c + 1, &row.grade, &text)
            .map_err(xlsx_error)?;
        if let Some(prev) = row.previous_total {
            ws.write_number_with_format(y, c + 2, prev, &points)
                .map_err(xlsx_error)?;
            ws.write_number_with_format(
                y,
                c + 3,
                motcua_domain::reform_index::round2(row.total - prev),
                &points,
            )
            .map_err(xlsx_error)?;
        }
    }
    ws.set_column_width(2, 40).map_err(xlsx_error)?;
    ws.set_freeze_panes(4, 3).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// The results as a landscape PDF in the name of the province's top unit.
pub async fn results_pdf(app: &App, tenant_id: i64, r: &Results) -> Result<Vec<u8>> {
    let agency = crate::reports::agency(app, tenant_id, None).await?;
    let today = app
        .now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7)))
        .date();
    let mut notes: Vec<String> = r
        .fields
        .iter()
        .map(|f| {
            format!(
                "LV{}: {} (tối đa {} điểm)",
                f.code,
                f.name,
                fmt_num(f.max_points)
            )
        })
        .collect();
    if !r.pending.is_empty() {
        notes.push(format!("Chưa chốt kết quả: {} đơn vị.", r.pending.len()));
    }
    let data = motcua_forms::ReformResultsData {
        letterhead: motcua_forms::Letterhead {
            form_number: String::new(),
            agency,
            reference: String::new(),
            date: today,
        },
        title: format!("Kết quả Chỉ số cải cách hành chính năm {}", r.set.year),
        subtitle: r.set.name.clone(),
        field_heads: r
            .fields
            .iter()
            .map(|f| format!("LV{} ({})", f.code, fmt_num(f.max_points)))
            .collect(),
        rows: r
            .rows
            .iter()
            .map(|row| motcua_forms::ReformResultLine {
                rank: row.rank.to_string(),
                name: row.unit_name.clone(),
                per_field: row.per_field.iter().map(|p| fmt_num(*p)).collect(),
                total: fmt_num(row.total),
                grade: row.grade.clone(),
            })
            .collect(),
        notes,
        grade_head: String::new(),
    };
    motcua_forms::reform_results(&data)
        .map_err(|e| AppError::Internal(format!("pdf: {e} ({})", e.code())))
}
