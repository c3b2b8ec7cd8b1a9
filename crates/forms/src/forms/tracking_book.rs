//! Sổ theo dõi hồ sơ (form 06 of Circular 01/2018, form 07 of Circular 03/2025): the register
//! of files received in a period, one row per file with the dates of each hand-over. It is
//! a wide table, so it is printed on landscape A4 with the header repeated on every page.

use super::common::{book_heading, landscape, title};
use crate::FormError;
use crate::data::{TrackingBookData, TrackingRow};
use crate::layout::table::{Cell, HeaderCell, Table, col, head};
use crate::layout::{Align, b, i, r};
use crate::limits::Limits;
use crate::text::{clean, count2, short_date};

const SIZE: f32 = 8.5;

/// Renders the tracking book for `d.from ..= d.to` as a PDF.
pub fn tracking_book(d: &TrackingBookData) -> Result<Vec<u8>, FormError> {
    if d.to < d.from {
        return Err(FormError::InvalidPeriod);
    }
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.field("volume", &d.volume)?;
    l.rows("rows", d.rows.len())?;
    for row in &d.rows {
        for v in [
            &row.file_code,
            &row.procedure_name,
            &row.applicant_name,
            &row.applicant_contact,
            &row.lead_agency,
            &row.note,
        ] {
            l.field("rows", v)?;
        }
    }

    let name = "Sổ theo dõi hồ sơ";
    let mut flow = landscape(name)?;
    book_heading(&mut flow, &d.letterhead);
    title(&mut flow, name);
    let period = format!(
        "Từ ngày {} đến ngày {}",
        short_date(d.from),
        short_date(d.to)
    );
    flow.paragraph(&[i(period.as_str())], 12.0, Align::Center);
    let volume = clean(&d.volume);
    if !volume.trim().is_empty() {
        let line = format!("Quyển số: {}", volume.trim());
        flow.paragraph(&[r(line.as_str())], 12.0, Align::Center);
    }
    flow.gap(6.0);

    let table = Table {
        columns: vec![
            col(0.9, Align::Center),
            col(3.3, Align::Left),
            col(4.4, Align::Left),
            col(1.4, Align::Center),
            col(2.6, Align::Left),
            col(3.0, Align::Left),
            col(2.5, Align::Left),
            col(1.85, Align::Center),
            col(1.85, Align::Center),
            col(1.85, Align::Center),
            col(1.85, Align::Center),
            col(1.85, Align::Center),
            col(1.4, Align::Center),
            col(1.7, Align::Left),
        ],
        header: header(),
        size: SIZE,
        header_size: SIZE,
        padding: 2.5,
    };
    table.draw(
        &mut flow,
        d.rows.iter().enumerate().map(|(k, row)| book_row(k, row)),
    );
    if d.rows.is_empty() {
        flow.gap(6.0);
        flow.paragraph(&[i("Không có hồ sơ nào trong kỳ.")], 12.0, Align::Left);
    }

    flow.number_pages(9.0);
    flow.doc.finish()
}

/// The column heads of the template, grouped under "Ngày, tháng, năm", with the column
/// numbers (1)…(14) the registers carry so a row can be referred to by column.
fn header() -> Vec<HeaderCell<'static>> {
    let single = [
        (0, "STT"),
        (1, "Mã hồ sơ"),
        (2, "Tên thủ tục hành chính"),
        (3, "Số lượng hồ sơ (bộ)"),
        (4, "Tên cá nhân, tổ chức"),
        (5, "Địa chỉ, số điện thoại"),
        (6, "Cơ quan chủ trì giải quyết"),
        (12, "Ký nhận"),
        (13, "Ghi chú"),
    ];
    let dates = [
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Trả kết quả cho cá nhân, tổ chức",
    ];
    let mut cells: Vec<HeaderCell<'static>> = single
        .iter()
        .map(|&(c, text)| head(vec![b(text)], (0, c), (2, 1)))
        .collect();
    cells.push(head(vec![b("Ngày, tháng, năm")], (0, 7), (1, 5)));
    for (k, text) in dates.iter().enumerate() {
        cells.push(head(vec![b(*text)], (1, 7 + k), (1, 1)));
    }
    for c in 0..14 {
        cells.push(head(vec![i(format!("({})", c + 1))], (2, c), (1, 1)));
    }
    cells
}

fn when(at: Option<jiff::civil::DateTime>) -> String {
    at.map(|t| {
        format!(
            "{}\n{:02}:{:02}",
            short_date(t.date()),
            t.hour(),
            t.minute()
        )
    })
    .unwrap_or_default()
}

fn book_row(k: usize, row: &TrackingRow) -> Vec<Cell<'_>> {
    vec![
        Cell::spans(vec![r((k + 1).to_string())]),
        Cell::spans(vec![r(row.file_code.as_str())]),
        Cell::spans(vec![r(row.procedure_name.as_str())]),
        Cell::spans(vec![r(count2(row.sets))]),
        Cell::spans(vec![r(row.applicant_name.as_str())]),
        Cell::spans(vec![r(row.applicant_contact.as_str())]),
        Cell::spans(vec![r(row.lead_agency.as_str())]),
        Cell::spans(vec![r(when(row.received_at))]),
        Cell::spans(vec![r(when(row.appointment))]),
        Cell::spans(vec![r(when(row.transferred_at))]),
        Cell::spans(vec![r(when(row.result_received_at))]),
        Cell::spans(vec![r(when(row.returned_at))]),
        Cell::default(),
        Cell::spans(vec![r(row.note.as_str())]),
    ]
}
