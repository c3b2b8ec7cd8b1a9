//! The handling report as files: CSV for data people, XLSX in the official layout, PDF through
//! the forms crate.

use super::{HandlingReport, ReportRow};
use motcua_domain::report::Figures;

/// Column headings shared by the CSV and the spreadsheet: (group, column).
pub(crate) const COLUMNS: [(&str, &str); 16] = [
    ("Số hồ sơ nhận giải quyết", "Tổng số"),
    ("Số hồ sơ nhận giải quyết", "Trực tuyến"),
    ("Số hồ sơ nhận giải quyết", "Trực tiếp, bưu chính"),
    ("Số hồ sơ nhận giải quyết", "Từ kỳ trước"),
    ("Số hồ sơ đã giải quyết", "Tổng số"),
    ("Số hồ sơ đã giải quyết", "Trước hạn"),
    ("Số hồ sơ đã giải quyết", "Đúng hạn"),
    ("Số hồ sơ đã giải quyết", "Quá hạn"),
    ("Số hồ sơ đang giải quyết", "Tổng số"),
    ("Số hồ sơ đang giải quyết", "Trong hạn"),
    ("Số hồ sơ đang giải quyết", "Quá hạn"),
    ("Ngoài biểu mẫu", "Rút, dừng, hủy"),
    ("Ngoài biểu mẫu", "Từ chối"),
    ("Ngoài biểu mẫu", "Thư xin lỗi"),
    ("Ngoài biểu mẫu", "Yêu cầu bổ sung"),
    ("Ngoài biểu mẫu", "Bổ sung quá 1 lần"),
];

/// The numbers of a row, in the order of [`COLUMNS`].
pub(crate) fn values(f: &Figures) -> [i64; 16] {
    [
        f.received.total,
        f.received.new_online,
        f.received.new_offline,
        f.received.carried_over,
        f.resolved.total,
        f.resolved.early,
        f.resolved.on_time,
        f.resolved.late,
        f.pending.total,
        f.pending.in_time,
        f.pending.overdue,
        f.withdrawn,
        f.resolved.refused,
        f.apologies,
        f.supplement_requests,
        f.files_with_repeated_supplements,
    ]
}

pub(crate) fn csv_field(s: &str) -> String {
    // Cells starting with a formula sign are prefixed so spreadsheets do not evaluate them.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn rate(x: Option<f64>) -> String {
    x.map(|v| format!("{:.4}", motcua_domain::report::round4(v)))
        .unwrap_or_default()
}

fn csv_line(out: &mut String, code: &str, name: &str, f: &Figures) {
    let mut cells: Vec<String> = vec![csv_field(code), csv_field(name)];
    cells.extend(values(f).iter().map(i64::to_string));
    let r = f.rates();
    cells.extend([
        rate(r.on_time_rate),
        rate(r.online_share),
        rate(r.online_or_post_share),
        rate(r.late_with_apology_share),
    ]);
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// The report as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read the
/// Vietnamese text): one line per row, then the totals.
pub fn csv(report: &HandlingReport) -> String {
    let mut out = String::from("\u{feff}");
    let mut head: Vec<String> = vec!["ma".into(), "ten".into()];
    head.extend(
        COLUMNS
            .iter()
            .map(|(g, c)| csv_field(&format!("{g} - {c}"))),
    );
    head.extend(
        [
            "Tỷ lệ đúng hạn",
            "Tỷ lệ trực tuyến",
            "Tỷ lệ trực tuyến và bưu chính",
            "Tỷ lệ trễ hạn có thư xin lỗi",
        ]
        .map(String::from),
    );
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for ReportRow {
        code,
        name,
        figures,
        ..
    } in &report.rows
    {
        csv_line(&mut out, code, name, figures);
    }
    csv_line(&mut out, "", "Tổng cộng", &report.totals);
    out
}

/// Headings of the rate columns after the counts.
const RATE_COLUMNS: [&str; 4] = [
    "Đúng hạn",
    "Trực tuyến",
    "Trực tuyến và bưu chính",
    "Trễ hạn có thư xin lỗi",
];

/// A column heading of the report spreadsheets: bold, wrapped, centred, boxed.
pub(crate) fn head_format() -> rust_xlsxwriter::Format {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
}

pub(crate) fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> crate::AppError {
    crate::AppError::Internal(format!("xlsx: {e}"))
}

pub(crate) fn dmy(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// What the report covers, in words.
pub(crate) fn scope_label(report: &HandlingReport) -> String {
    let mut scope = match &report.unit {
        None => "Toàn tỉnh".to_owned(),
        Some(u) if report.include_subunits => format!("{} và các đơn vị trực thuộc", u.name),
        Some(u) => u.name.clone(),
    };
    if let Some(f) = &report.field {
        scope.push_str(&format!("; lĩnh vực {}", f.name));
    }
    scope
}

pub(crate) fn row_heading(report: &HandlingReport) -> &'static str {
    match report.group_by {
        super::GroupBy::None | super::GroupBy::Unit => "Đơn vị",
        super::GroupBy::Field => "Lĩnh vực",
        super::GroupBy::Procedure => "Thủ tục hành chính",
    }
}

/// The report as an XLSX workbook in the layout of Biểu số 06/VPCP/KSTT: title and period,
/// two-level merged headings, column numbers, one line per row, a totals line that sums the
/// rows (as formulas, with their values stored), rates as percentages.
pub fn xlsx(report: &HandlingReport) -> crate::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, utility};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Biểu 06").map_err(xlsx_error)?;
    ws.set_landscape();
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let centred = Format::new().set_italic().set_align(FormatAlign::Center);
    let head = head_format();
    let number_head = Format::new()
        .set_italic()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
    let count = Format::new()
        .set_num_format("#,##0")
        .set_border(FormatBorder::Thin);
    let percent = Format::new()
        .set_num_format("0.00%")
        .set_border(FormatBorder::Thin);
    let bold_text = text.clone().set_bold();
    let bold_count = count.clone().set_bold();
    let bold_percent = percent.clone().set_bold();

    let first_value: u16 = 3;
    let last = first_value + (COLUMNS.len() + RATE_COLUMNS.len()) as u16 - 1;
    ws.merge_range(
        0,
        0,
        0,
        last,
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        &title,
    )
    .map_err(xlsx_error)?;
    let period = format!(
        "Biểu số 06/VPCP/KSTT — Kỳ báo cáo: từ ngày {} đến ngày {}",
        dmy(report.from),
        dmy(report.to)
    );
    ws.merge_range(1, 0, 1, last, &period, &centred)
        .map_err(xlsx_error)?;
    ws.merge_range(
        2,
        0,
        2,
        last,
        &format!("Phạm vi: {}", scope_label(report)),
        &centred,
    )
    .map_err(xlsx_error)?;

    let (h1, h2, numbers) = (4u32, 5u32, 6u32);
    ws.merge_range(h1, 0, h2, 0, "STT", &head)
        .map_err(xlsx_error)?;
    ws.merge_range(h1, 1, h2, 1, "Mã", &head)
        .map_err(xlsx_error)?;
    ws.merge_range(h1, 2, h2, 2, row_heading(report), &head)
        .map_err(xlsx_error)?;
    let mut groups: Vec<(&str, u16, u16)> = Vec::new();
    for (k, (group, _)) in COLUMNS.iter().enumerate() {
        let c = first_value + k as u16;
        match groups.last_mut() {
            Some((g, _, end)) if g == group => *end = c,
            _ => groups.push((group, c, c)),
        }
    }
    let rates_start = first_value + COLUMNS.len() as u16;
    groups.push(("Tỷ lệ", rates_start, last));
    for (group, start, end) in groups {
        ws.merge_range(h1, start, h1, end, group, &head)
            .map_err(xlsx_error)?;
    }
    let subs = COLUMNS.iter().map(|(_, c)| *c).chain(RATE_COLUMNS);
    for (k, sub) in subs.enumerate() {
        ws.write_string_with_format(h2, first_value + k as u16, sub, &head)
            .map_err(xlsx_error)?;
    }
    for c in 0..=last {
        ws.write_string_with_format(numbers, c, format!("({})", c + 1), &number_head)
            .map_err(xlsx_error)?;
    }
    ws.set_row_height(h2, 45).map_err(xlsx_error)?;
    ws.set_column_width(0, 5).map_err(xlsx_error)?;
    ws.set_column_width(1, 14).map_err(xlsx_error)?;
    ws.set_column_width(2, 40).map_err(xlsx_error)?;
    for c in first_value..=last {
        ws.set_column_width(c, 11).map_err(xlsx_error)?;
    }

    let write_rates = |ws: &mut rust_xlsxwriter::Worksheet,
                       row: u32,
                       f: &Figures,
                       fmt: &Format|
     -> crate::Result<()> {
        let r = f.rates();
        let rates = [
            r.on_time_rate,
            r.online_share,
            r.online_or_post_share,
            r.late_with_apology_share,
        ];
        for (k, v) in rates.iter().enumerate() {
            let c = rates_start + k as u16;
            match v {
                Some(v) => ws.write_number_with_format(row, c, *v, fmt),
                None => ws.write_blank(row, c, fmt),
            }
            .map_err(xlsx_error)?;
        }
        Ok(())
    };
    let first_data = numbers + 1;
    let mut row = first_data;
    for (k, line) in report.rows.iter().enumerate() {
        ws.write_number_with_format(row, 0, (k + 1) as f64, &count)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(row, 1, &line.code, &text)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(row, 2, &line.name, &text)
            .map_err(xlsx_error)?;
        for (k, v) in values(&line.figures).iter().enumerate() {
            ws.write_number_with_format(row, first_value + k as u16, *v as f64, &count)
                .map_err(xlsx_error)?;
        }
        write_rates(ws, row, &line.figures, &percent)?;
        row += 1;
    }
    ws.write_blank(row, 0, &bold_text).map_err(xlsx_error)?;
    ws.write_blank(row, 1, &bold_text).map_err(xlsx_error)?;
    ws.write_string_with_format(row, 2, "Tổng cộng", &bold_text)
        .map_err(xlsx_error)?;
    for (k, v) in values(&report.totals).iter().enumerate() {
        let c = first_value + k as u16;
        let cell = |r: u32| utility::row_col_to_cell(r, c);
        let formula = if row > first_data {
            Formula::new(format!("=SUM({}:{})", cell(first_data), cell(row - 1)))
        } else {
            Formula::new("=0")
        }
        .set_result(v.to_string());
        ws.write_formula_with_format(row, c, formula, &bold_count)
            .map_err(xlsx_error)?;
    }
    write_rates(ws, row, &report.totals, &bold_percent)?;
    ws.set_freeze_panes(first_data, 3).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// The report as a landscape PDF (Biểu 06 layout) from the forms crate.
pub fn pdf(report: &HandlingReport, agency: motcua_forms::Agency) -> crate::Result<Vec<u8>> {
    let line = |name: &str, f: &Figures| motcua_forms::HandlingLine {
        name: name.to_owned(),
        received: [
            f.received.total,
            f.received.new_online,
            f.received.new_offline,
            f.received.carried_over,
        ],
        resolved: [
            f.resolved.total,
            f.resolved.early,
            f.resolved.on_time,
            f.resolved.late,
        ],
        pending: [f.pending.total, f.pending.in_time, f.pending.overdue],
        withdrawn: f.withdrawn,
    };
    let percent = |x: Option<f64>| {
        x.map_or("—".to_owned(), |v| {
            format!("{:.2}%", v * 100.0).replace('.', ",")
        })
    };
    // Rates of the scope with each file once (the unit lines may share inter-agency files).
    let r = report.overall.rates();
    let mut notes = vec![
        format!(
            "Tỷ lệ giải quyết đúng hạn (trước hạn và đúng hạn trên tổng số đã giải quyết): {}",
            percent(r.on_time_rate)
        ),
        format!(
            "Tỷ lệ hồ sơ tiếp nhận trực tuyến: {}; trực tuyến và qua bưu chính công ích: {}",
            percent(r.online_share),
            percent(r.online_or_post_share)
        ),
        format!(
            "Hồ sơ trễ hạn có thư xin lỗi: {}; từ chối giải quyết: {}; yêu cầu bổ sung: {} lần ({} hồ sơ bổ sung quá 1 lần)",
            percent(r.late_with_apology_share),
            report.overall.resolved.refused,
            report.overall.supplement_requests,
            report.overall.files_with_repeated_supplements
        ),
    ];
    if report.overall != report.totals {
        notes.push(format!(
            "Hồ sơ liên thông được tính ở mỗi đơn vị tham gia giải quyết; tính mỗi hồ sơ một lần: tiếp nhận {}, đã giải quyết {}, đang giải quyết {}, rút, dừng, hủy {}.",
            report.overall.received.total,
            report.overall.resolved.total,
            report.overall.pending.total,
            report.overall.withdrawn
        ));
    }
    let data = motcua_forms::HandlingReportData {
        letterhead: motcua_forms::Letterhead {
            form_number: "Biểu số 06/VPCP/KSTT".into(),
            agency,
            reference: String::new(),
            date: report.to,
        },
        from: report.from,
        to: report.to,
        scope: scope_label(report),
        row_heading: row_heading(report).into(),
        rows: report
            .rows
            .iter()
            .map(|row| line(&row.name, &row.figures))
            .collect(),
        totals: line("Tổng cộng", &report.totals),
        notes,
    };
    motcua_forms::handling_report(&data)
        .map_err(|e| crate::AppError::Internal(format!("pdf: {e} ({})", e.code())))
}
