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

fn status_vi(s: motcua_domain::service_index::IndicatorStatus) -> &'static str {
    use motcua_domain::service_index::IndicatorStatus as S;
    match s {
        S::Scored => "Đã chấm",
        S::NoBaseFull => "Không phát sinh, đạt điểm tối đa",
        S::NoBase => "Không phát sinh, không chấm",
        S::NotMeasured => "Hệ thống chưa có dữ liệu",
    }
}

/// The title of the index's exports, with the period and the scope.
fn export_title(r: &ServiceIndexReport) -> (String, String) {
    let scope = r.unit.as_ref().map_or("Toàn tỉnh".to_owned(), |u| {
        format!("{} và các đơn vị trực thuộc", u.name)
    });
    (
        "BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP"
            .to_owned(),
        format!(
            "{scope} — từ ngày {} đến ngày {} — {}",
            super::export::dmy(r.from),
            super::export::dmy(r.to),
            r.definition_name
        ),
    )
}

/// The group heads of the first unit (every unit has the same groups): "Nhóm 1 (18)".
fn group_heads(r: &ServiceIndexReport) -> Vec<(String, f64)> {
    r.units.first().map_or_else(Vec::new, |u| {
        u.index
            .groups
            .iter()
            .map(|g| (format!("{}. {}", g.code, g.name), g.max_points))
            .collect()
    })
}

/// The index as an XLSX workbook: a ranking sheet (rank, unit, each group's points, total,
/// points available) and a sheet with every sub-indicator of every unit (ratio, points, status).
pub fn index_xlsx(r: &ServiceIndexReport) -> Result<Vec<u8>> {
    use super::export::xlsx_error;
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let (title, subtitle) = export_title(r);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let head = super::export::head_format();
    let points = Format::new()
        .set_num_format("0.00")
        .set_border(FormatBorder::Thin);
    let ratio = Format::new()
        .set_num_format("0.00%")
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin);
    let whole = Format::new()
        .set_num_format("0")
        .set_border(FormatBorder::Thin);

    let groups = group_heads(r);
    let ws = book.add_worksheet();
    ws.set_name("Xếp hạng").map_err(xlsx_error)?;
    ws.write_string_with_format(0, 0, &title, &bold)
        .map_err(xlsx_error)?;
    ws.write_string(1, 0, &subtitle).map_err(xlsx_error)?;
    let mut heads: Vec<String> = vec!["Hạng".into(), "Mã đơn vị".into(), "Đơn vị".into()];
    heads.extend(groups.iter().map(|(name, max)| format!("{name} ({max})")));
    heads.push("Tổng điểm".into());
    heads.push("Điểm tối đa có dữ liệu".into());
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, h, &head)
            .map_err(xlsx_error)?;
    }
    for (k, u) in r.units.iter().enumerate() {
        let y = 4 + k as u32;
        ws.write_number_with_format(y, 0, u.rank as f64, &whole)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(y, 1, &u.code, &text)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(y, 2, &u.name, &text)
            .map_err(xlsx_error)?;
        for (g, group) in u.index.groups.iter().enumerate() {
            ws.write_number_with_format(y, 3 + g as u16, group.points, &points)
                .map_err(xlsx_error)?;
        }
        let c = 3 + u.index.groups.len() as u16;
        ws.write_number_with_format(y, c, u.index.score, &points)
            .map_err(xlsx_error)?;
        ws.write_number_with_format(y, c + 1, u.index.max_available, &points)
            .map_err(xlsx_error)?;
    }
    ws.set_column_width(2, 40).map_err(xlsx_error)?;
    ws.set_freeze_panes(4, 3).map_err(xlsx_error)?;

    let ws = book.add_worksheet();
    ws.set_name("Chi tiết").map_err(xlsx_error)?;
    ws.write_string_with_format(0, 0, &title, &bold)
        .map_err(xlsx_error)?;
    ws.write_string(1, 0, &subtitle).map_err(xlsx_error)?;
    for (c, h) in DETAIL_HEADS.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &head)
            .map_err(xlsx_error)?;
    }
    let mut y = 4u32;
    for u in &r.units {
        for g in &u.index.groups {
            for i in &g.indicators {
                ws.write_string_with_format(y, 0, &u.code, &text)
                    .map_err(xlsx_error)?;
                ws.write_string_with_format(y, 1, &u.name, &text)
                    .map_err(xlsx_error)?;
                ws.write_string_with_format(y, 2, &i.code, &text)
                    .map_err(xlsx_error)?;
                ws.write_string_with_format(y, 3, &i.name, &text)
                    .map_err(xlsx_error)?;
                for (c, n) in [(4, i.numerator), (5, i.denominator)] {
                    if let Some(n) = n {
                        ws.write_number_with_format(y, c, n as f64, &whole)
                            .map_err(xlsx_error)?;
                    }
                }
                if let Some(v) = i.value {
                    ws.write_number_with_format(y, 6, v, &ratio)
                        .map_err(xlsx_error)?;
                }
                ws.write_number_with_format(y, 7, i.points, &points)
                    .map_err(xlsx_error)?;
                ws.write_number_with_format(y, 8, i.max_points, &points)
                    .map_err(xlsx_error)?;
                ws.write_string_with_format(y, 9, status_vi(i.status), &text)
                    .map_err(xlsx_error)?;
                y += 1;
            }
        }
    }
    ws.set_column_width(1, 32).map_err(xlsx_error)?;
    ws.set_column_width(3, 48).map_err(xlsx_error)?;
    ws.set_freeze_panes(4, 2).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

const DETAIL_HEADS: [&str; 10] = [
    "Mã đơn vị",
    "Đơn vị",
    "Chỉ số",
    "Tên chỉ số",
    "Tử số",
    "Mẫu số",
    "Tỷ lệ",
    "Điểm",
    "Điểm tối đa",
    "Tình trạng",
];

/// Every sub-indicator of every unit as CSV (UTF-8 with BOM): the detail sheet's columns.
pub fn index_csv(r: &ServiceIndexReport) -> String {
    use super::export::csv_field;
    let mut out = String::from("\u{feff}");
    out.push_str(&DETAIL_HEADS.map(csv_field).join(","));
    out.push_str("\r\n");
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    for u in &r.units {
        for g in &u.index.groups {
            for i in &g.indicators {
                let cells = [
                    csv_field(&u.code),
                    csv_field(&u.name),
                    csv_field(&i.code),
                    csv_field(&i.name),
                    num(i.numerator),
                    num(i.denominator),
                    i.value.map(|v| format!("{v:.4}")).unwrap_or_default(),
                    format!("{:.2}", i.points),
                    format!("{:.2}", i.max_points),
                    csv_field(status_vi(i.status)),
                ];
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
}

/// The ranking as a landscape PDF, in the reform-results layout, in the name of the unit
/// reported on (the province's top unit by default).
pub async fn index_pdf(app: &App, tenant_id: i64, r: &ServiceIndexReport) -> Result<Vec<u8>> {
    use motcua_domain::reform_index::fmt_num;
    let agency = super::agency(app, tenant_id, r.unit.as_ref().map(|u| u.name.clone())).await?;
    let (title, subtitle) = export_title(r);
    let groups = group_heads(r);
    let mut notes: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(k, (name, max))| format!("N{}: {name} (tối đa {} điểm)", k + 1, fmt_num(*max)))
        .collect();
    if !r.verified {
        notes.push(
            "Các chỉ số thành phần và cách chấm điểm chưa được đối chiếu với văn bản gốc.".into(),
        );
    }
    let data = motcua_forms::ReformResultsData {
        letterhead: motcua_forms::Letterhead {
            form_number: String::new(),
            agency,
            reference: String::new(),
            date: app.now().to_zoned(utc7()).date(),
        },
        title: "Bộ chỉ số phục vụ người dân, doanh nghiệp".into(),
        subtitle: format!("{title}: {subtitle}"),
        field_heads: groups
            .iter()
            .enumerate()
            .map(|(k, (_, max))| format!("N{} ({})", k + 1, fmt_num(*max)))
            .collect(),
        rows: r
            .units
            .iter()
            .map(|u| motcua_forms::ReformResultLine {
                rank: u.rank.to_string(),
                name: u.name.clone(),
                per_field: u.index.groups.iter().map(|g| fmt_num(g.points)).collect(),
                total: fmt_num(u.index.score),
                grade: fmt_num(u.index.max_available),
            })
            .collect(),
        notes,
        grade_head: "Điểm có dữ liệu".into(),
    };
    motcua_forms::reform_results(&data)
        .map_err(|e| AppError::Internal(format!("pdf: {e} ({})", e.code())))
}
