//! Results of the administrative-reform index (Chỉ số CCHC) of a year: one line per unit with
//! its rank, points per field, total and grade. Landscape A4, as provinces publish them.

use super::common::{book_heading, landscape, title};
use crate::FormError;
use crate::data::Letterhead;
use crate::layout::table::{Cell, Table, col, head};
use crate::layout::{Align, b, i, r};
use crate::limits::Limits;
use crate::text::clean;

/// One unit's line; numbers already formatted ("18,5").
#[derive(Clone, Debug, Default)]
pub struct ReformResultLine {
    pub rank: String,
    pub name: String,
    pub per_field: Vec<String>,
    pub total: String,
    pub grade: String,
}

#[derive(Clone, Debug, Default)]
pub struct ReformResultsData {
    pub letterhead: Letterhead,
    /// E.g. "Kết quả Chỉ số cải cách hành chính năm 2026 của UBND cấp xã".
    pub title: String,
    /// The criteria set, e.g. its name and source.
    pub subtitle: String,
    /// Short heads of the field columns, e.g. "LV1 (12)".
    pub field_heads: Vec<String>,
    pub rows: Vec<ReformResultLine>,
    pub notes: Vec<String>,
    /// The heading of the last column (default "Xếp loại").
    pub grade_head: String,
}

const SIZE: f32 = 9.0;

/// Renders the results as a PDF.
pub fn reform_results(d: &ReformResultsData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.field("title", &d.title)?;
    l.field("subtitle", &d.subtitle)?;
    l.rows("rows", d.rows.len())?;
    l.list("field_heads", &d.field_heads)?;
    for row in &d.rows {
        l.field("rows", &row.name)?;
    }
    l.list("notes", &d.notes)?;
    l.field("grade_head", &d.grade_head)?;
    let fields = d.field_heads.len().min(12);

    let name = clean(&d.title);
    let mut flow = landscape(&name)?;
    book_heading(&mut flow, &d.letterhead);
    title(&mut flow, &name);
    let subtitle = clean(&d.subtitle);
    if !subtitle.trim().is_empty() {
        flow.paragraph(&[i(subtitle.as_str())], 11.0, Align::Center);
    }
    flow.gap(6.0);
    let mut columns = vec![col(0.9, Align::Center), col(5.0, Align::Left)];
    columns.extend((0..fields).map(|_| col(1.2, Align::Right)));
    columns.push(col(1.3, Align::Right));
    columns.push(col(1.6, Align::Center));
    let mut header = vec![
        head(vec![b("Xếp hạng")], (0, 0), (1, 1)),
        head(vec![b("Đơn vị")], (0, 1), (1, 1)),
    ];
    for (k, h) in d.field_heads.iter().take(fields).enumerate() {
        header.push(head(vec![b(h.as_str())], (0, 2 + k), (1, 1)));
    }
    header.push(head(vec![b("Tổng điểm")], (0, 2 + fields), (1, 1)));
    let grade_head = match d.grade_head.trim() {
        "" => "Xếp loại".to_owned(),
        h => clean(h),
    };
    header.push(head(vec![b(grade_head.as_str())], (0, 3 + fields), (1, 1)));
    let table = Table {
        columns,
        header,
        size: SIZE,
        header_size: SIZE,
        padding: 2.5,
    };
    let rows: Vec<Vec<Cell<'_>>> = d
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                Cell::spans(vec![r(row.rank.as_str())]),
                Cell::spans(vec![r(row.name.as_str())]),
            ];
            for k in 0..fields {
                cells.push(Cell::spans(vec![r(row
                    .per_field
                    .get(k)
                    .map(String::as_str)
                    .unwrap_or(""))]));
            }
            cells.push(Cell::spans(vec![b(row.total.as_str())]));
            cells.push(Cell::spans(vec![r(row.grade.as_str())]));
            cells
        })
        .collect();
    table.draw(&mut flow, rows);
    flow.gap(6.0);
    for note in &d.notes {
        flow.paragraph(&[r(note.as_str())], 11.0, Align::Left);
    }
    flow.number_pages(9.0);
    flow.doc.finish()
}
