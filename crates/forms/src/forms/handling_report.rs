//! Biểu số 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): the report on receiving and settling
//! administrative procedures for a period. Landscape A4, the two-level column heads of the
//! official form, a totals line, and the withdrawn / stopped / cancelled files in a column
//! of their own so they are never hidden inside "resolved".

use super::common::{book_heading, landscape, title};
use crate::FormError;
use crate::data::{HandlingLine, HandlingReportData};
use crate::layout::table::{Cell, HeaderCell, Table, col, head};
use crate::layout::{Align, b, i, r};
use crate::limits::Limits;
use crate::text::{clean, short_date};

const SIZE: f32 = 9.0;

/// A count with dots between thousands, as Vietnamese reports print numbers: "12.018".
fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (k, d) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// Renders the handling report as a PDF.
pub fn handling_report(d: &HandlingReportData) -> Result<Vec<u8>, FormError> {
    if d.to < d.from {
        return Err(FormError::InvalidPeriod);
    }
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.field("scope", &d.scope)?;
    l.field("row_heading", &d.row_heading)?;
    l.rows("rows", d.rows.len())?;
    for row in &d.rows {
        l.field("rows", &row.name)?;
    }
    l.list("notes", &d.notes)?;

    let name = "Tình hình, kết quả giải quyết thủ tục hành chính";
    let mut flow = landscape(name)?;
    book_heading(&mut flow, &d.letterhead);
    title(&mut flow, name);
    let period = format!(
        "Kỳ báo cáo: từ ngày {} đến ngày {}",
        short_date(d.from),
        short_date(d.to)
    );
    flow.paragraph(&[i(period.as_str())], 12.0, Align::Center);
    let scope = clean(&d.scope);
    if !scope.trim().is_empty() {
        let line = format!("Phạm vi: {}", scope.trim());
        flow.paragraph(&[r(line.as_str())], 12.0, Align::Center);
    }
    flow.gap(6.0);

    let mut columns = vec![col(0.9, Align::Center), col(5.0, Align::Left)];
    columns.extend((0..12).map(|_| col(1.45, Align::Right)));
    let row_heading = clean(&d.row_heading);
    let table = Table {
        columns,
        header: header(&row_heading),
        size: SIZE,
        header_size: SIZE,
        padding: 2.5,
    };
    let mut rows: Vec<Vec<Cell<'_>>> = d
        .rows
        .iter()
        .enumerate()
        .map(|(k, row)| line(Some(k + 1), row, false))
        .collect();
    rows.push(line(None, &d.totals, true));
    table.draw(&mut flow, rows);
    flow.gap(6.0);
    for note in &d.notes {
        flow.paragraph(&[r(note.as_str())], 11.0, Align::Left);
    }
    flow.number_pages(9.0);
    flow.doc.finish()
}

fn header(row_heading: &str) -> Vec<HeaderCell<'_>> {
    let name = if row_heading.trim().is_empty() {
        "Đơn vị"
    } else {
        row_heading
    };
    let mut cells = vec![
        head(vec![b("STT")], (0, 0), (2, 1)),
        head(vec![b(name)], (0, 1), (2, 1)),
        head(vec![b("Số hồ sơ nhận giải quyết")], (0, 2), (1, 4)),
        head(vec![b("Số hồ sơ đã giải quyết")], (0, 6), (1, 4)),
        head(vec![b("Số hồ sơ đang giải quyết")], (0, 10), (1, 3)),
        head(vec![b("Rút, dừng, hủy")], (0, 13), (2, 1)),
    ];
    let subs = [
        "Tổng số",
        "Mới trực tuyến",
        "Mới trực tiếp, bưu chính",
        "Từ kỳ trước",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ];
    for (k, text) in subs.iter().enumerate() {
        cells.push(head(vec![b(*text)], (1, 2 + k), (1, 1)));
    }
    for c in 0..14 {
        cells.push(head(vec![i(format!("({})", c + 1))], (2, c), (1, 1)));
    }
    cells
}

fn line(number: Option<usize>, row: &HandlingLine, bold: bool) -> Vec<Cell<'_>> {
    let text = |s: String| {
        if bold {
            Cell::spans(vec![b(s)])
        } else {
            Cell::spans(vec![r(s)])
        }
    };
    let mut cells = vec![
        Cell::spans(vec![r(number.map(|n| n.to_string()).unwrap_or_default())]),
        if number.is_none() {
            Cell::spans(vec![b("Tổng cộng")])
        } else {
            Cell::spans(vec![r(row.name.as_str())])
        },
    ];
    let values = row
        .received
        .iter()
        .chain(&row.resolved)
        .chain(&row.pending)
        .chain(std::iter::once(&row.withdrawn));
    cells.extend(values.map(|v| text(count(*v))));
    cells
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_have_dots_between_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_018), "12.018");
        assert_eq!(count(1_234_567), "1.234.567");
    }
}
