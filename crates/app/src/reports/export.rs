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

fn csv_field(s: &str) -> String {
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
