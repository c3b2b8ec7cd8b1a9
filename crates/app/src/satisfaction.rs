//! Citizen satisfaction: the applicants' evaluations of finished files on the indicators of
//! Circular 01/2018, added up per unit, field, procedure or officer for a period, with an XLSX
//! export. For the reform office and leaders, within their units.

use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::permission::Action;
use motcua_store::satisfaction::{self as store, Dimension};
use motcua_store::units;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SatisfactionQuery {
    /// First day rated (`YYYY-MM-DD`, local); default: 1 January of this year.
    pub from: Option<String>,
    /// Last day, included; default: today.
    pub to: Option<String>,
    /// Unit code (files received there and, if your role covers them, at its sub-units);
    /// default: your first unit with report access.
    pub unit: Option<String>,
    /// `unit` (default), `field`, `procedure` or `officer`.
    pub by: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SatisfactionLine {
    pub key: String,
    pub label: String,
    /// Files rated.
    pub rated: i64,
    pub points: i64,
    /// The most the scored indicators could give.
    pub scored_max: i64,
    /// points / scored_max in percent, one decimal.
    pub score_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SatisfactionReport {
    pub from: String,
    pub to: String,
    pub unit_code: String,
    pub unit_name: String,
    pub by: String,
    pub lines: Vec<SatisfactionLine>,
    pub rated: i64,
    pub points: i64,
    pub scored_max: i64,
    pub score_percent: Option<f64>,
}

fn percent(points: i64, max: i64) -> Option<f64> {
    (max > 0).then(|| (points as f64 * 1000.0 / max as f64).round() / 10.0)
}

fn day(field: &str, v: Option<&str>, default: Date) -> Result<Date> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .map_err(|_| AppError::invalid(field, "a date YYYY-MM-DD")),
        None => Ok(default),
    }
}

fn start_of(field: &str, d: Date) -> Result<i64> {
    d.to_zoned(utc7())
        .map(|z| z.timestamp().as_second())
        .map_err(|_| AppError::invalid(field, "a date YYYY-MM-DD"))
}

pub async fn report(app: &App, actor: &Actor, q: &SatisfactionQuery) -> Result<SatisfactionReport> {
    actor.require(Action::ViewReports)?;
    let (dim, by) = match q.by.as_deref().unwrap_or("unit") {
        "unit" => (Dimension::Unit, "unit"),
        "field" => (Dimension::Field, "field"),
        "procedure" => (Dimension::Procedure, "procedure"),
        "officer" => (Dimension::Officer, "officer"),
        _ => return Err(AppError::invalid("by", "unit, field, procedure or officer")),
    };
    let today = app.now().to_zoned(utc7()).date();
    let from = day(
        "from",
        q.from.as_deref(),
        Date::new(today.year(), 1, 1).unwrap_or(today),
    )?;
    let to = day("to", q.to.as_deref(), today)?;
    if to < from {
        return Err(AppError::invalid("to", "not before from"));
    }
    let end = to
        .tomorrow()
        .map_err(|_| AppError::invalid("to", "a date YYYY-MM-DD"))?;
    let mut conn = app.db.read_conn().await?;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => units::by_code(&mut conn, actor.tenant_id, code)
            .await?
            .ok_or_else(|| AppError::invalid("unit", "no such unit"))?,
        None => {
            let grant = actor
                .scopes(Action::ViewReports)
                .into_iter()
                .next()
                .ok_or(AppError::Forbidden)?;
            units::by_id(&mut conn, actor.tenant_id, grant.unit_id)
                .await?
                .ok_or(AppError::NotFound("unit"))?
        }
    };
    let grant = actor
        .scopes(Action::ViewReports)
        .into_iter()
        .filter(|g| g.covers(&unit.path))
        .max_by_key(|g| g.include_subunits)
        .ok_or(AppError::Forbidden)?;
    let pattern = if grant.include_subunits {
        format!("{}%", unit.path)
    } else {
        unit.path.clone()
    };
    let rows = store::by_dimension(
        &mut conn,
        actor.tenant_id,
        dim,
        &pattern,
        start_of("from", from)?,
        start_of("to", end)?,
    )
    .await?;
    let lines: Vec<SatisfactionLine> = rows
        .into_iter()
        .map(|r| SatisfactionLine {
            label: if r.dim_label.is_empty() {
                "Chưa phân công".into()
            } else {
                r.dim_label
            },
            key: r.dim_key,
            rated: r.rated,
            points: r.points,
            scored_max: r.scored_max,
            score_percent: percent(r.points, r.scored_max),
        })
        .collect();
    let rated = lines.iter().map(|l| l.rated).sum();
    let points = lines.iter().map(|l| l.points).sum();
    let scored_max = lines.iter().map(|l| l.scored_max).sum();
    Ok(SatisfactionReport {
        from: from.to_string(),
        to: to.to_string(),
        unit_code: unit.code,
        unit_name: unit.name,
        by: by.into(),
        lines,
        rated,
        points,
        scored_max,
        score_percent: percent(points, scored_max),
    })
}

pub fn by_label_vi(by: &str) -> &'static str {
    match by {
        "field" => "Lĩnh vực",
        "procedure" => "Thủ tục",
        "officer" => "Cán bộ xử lý",
        _ => "Đơn vị",
    }
}

/// The report as an XLSX workbook: title, period, one line per group and a total line.
pub fn xlsx(r: &SatisfactionReport) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Hài lòng").map_err(err)?;
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0");
    ws.write_string_with_format(
        0,
        0,
        "MỨC ĐỘ HÀI LÒNG VỚI VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        &bold,
    )
    .map_err(err)?;
    ws.write_string(
        1,
        0,
        format!("{} — từ ngày {} đến ngày {}", r.unit_name, r.from, r.to),
    )
    .map_err(err)?;
    let heads = [
        by_label_vi(&r.by),
        "Mã",
        "Số hồ sơ được đánh giá",
        "Điểm",
        "Điểm tối đa",
        "Tỷ lệ điểm (%)",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &bold)
            .map_err(err)?;
    }
    let mut row = 4u32;
    for l in &r.lines {
        ws.write_string(row, 0, &l.label).map_err(err)?;
        ws.write_string(row, 1, &l.key).map_err(err)?;
        ws.write_number(row, 2, l.rated as f64).map_err(err)?;
        ws.write_number(row, 3, l.points as f64).map_err(err)?;
        ws.write_number(row, 4, l.scored_max as f64).map_err(err)?;
        if let Some(p) = l.score_percent {
            ws.write_number_with_format(row, 5, p, &pct).map_err(err)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "Tổng cộng", &bold)
        .map_err(err)?;
    ws.write_number(row, 2, r.rated as f64).map_err(err)?;
    ws.write_number(row, 3, r.points as f64).map_err(err)?;
    ws.write_number(row, 4, r.scored_max as f64).map_err(err)?;
    if let Some(p) = r.score_percent {
        ws.write_number_with_format(row, 5, p, &pct).map_err(err)?;
    }
    ws.set_column_width(0, 40).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
