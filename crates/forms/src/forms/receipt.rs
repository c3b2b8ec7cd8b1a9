//! Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả — the receipt handed to the applicant,
//! with the appointment and a QR code of the public lookup address.
//!
//! Items follow the template of Circular 01/2018/TT-VPCP (kept by Circular 03/2025): who
//! handed in what, the list of papers, number of sets, legal processing time, time of receipt,
//! time of return, where the result is collected, the tracking-book entry, two signatures.

use super::common::{
    TABLE, field, item, letterhead, portrait, signature, subtitle, title, two_columns,
    two_columns_height,
};
use crate::data::ReceiptData;
use crate::layout::table::{Cell, Table, col, head};
use crate::layout::{Align, Flow, LEADING, b, draw_line, i, r, wrap};
use crate::limits::Limits;
use crate::qr::{self, QrMatrix};
use crate::text::{BLANK, clean, count2, long_date_time, or_blank, vnd};
use crate::{FormError, qr::encode};

const TITLE: &str = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả";
/// 24 mm prints well on counter printers: a module of a version-5 symbol is ~0.65 mm.
const QR_SIDE: f32 = 68.0;
const QR_GAP: f32 = 6.0;
const SIGNATURE_GAP: f32 = 10.0;

fn check(d: &ReceiptData) -> Result<(), FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.applicant(&d.applicant)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.rows("documents", d.documents.len())?;
    for doc in &d.documents {
        l.field("documents.name", &doc.name)?;
        l.field("documents.kind", &doc.kind)?;
    }
    l.field("processing_time", &d.processing_time)?;
    l.field("result_delivery", &d.result_delivery)?;
    l.field("lookup_url", &d.lookup_url)?;
    l.field("pin", d.pin.as_deref().unwrap_or(""))?;
    l.field("officer_name", &d.officer_name)?;
    l.field("book_entry", &d.book_entry)
}

/// Renders form 01 as a PDF.
pub fn receipt(d: &ReceiptData) -> Result<Vec<u8>, FormError> {
    check(d)?;
    let url = clean(&d.lookup_url).trim().to_owned();
    let qr = if url.is_empty() {
        None
    } else {
        Some(encode(&url)?)
    };

    let mut flow = portrait(TITLE)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, TITLE);
    let code = clean(&d.file_code);
    subtitle(&mut flow, &[r("Mã hồ sơ: "), b(or_blank(&code))]);

    let agency = clean(&d.letterhead.agency.name);
    let a = &d.applicant;
    item(
        &mut flow,
        &[
            r(or_blank(&agency)),
            r(" đã tiếp nhận hồ sơ của: "),
            b(or_blank(&a.name)),
        ],
    );
    item(&mut flow, &field("Địa chỉ: ", &a.address));
    item(
        &mut flow,
        &[
            r("Số điện thoại: "),
            r(or_blank(&a.phone)),
            r("; Email: "),
            r(or_blank(&a.email)),
        ],
    );
    item(
        &mut flow,
        &[
            r("Nội dung yêu cầu giải quyết: "),
            b(or_blank(&d.procedure_name)),
        ],
    );
    item(&mut flow, &[r("1. Thành phần hồ sơ nộp gồm:")]);
    documents_table(&mut flow, d);
    flow.gap(4.0);

    let sets = format!("{} (bộ)", count2(d.sets));
    item(&mut flow, &[r("2. Số lượng hồ sơ: "), r(sets.as_str())]);
    item(
        &mut flow,
        &field(
            "3. Thời gian giải quyết hồ sơ theo quy định là: ",
            &d.processing_time,
        ),
    );
    let received = long_date_time(d.received_at);
    item(
        &mut flow,
        &[r("4. Thời gian nhận hồ sơ: "), r(received.as_str())],
    );
    let due = long_date_time(d.appointment);
    item(
        &mut flow,
        &[
            r("5. Thời gian trả kết quả giải quyết hồ sơ: "),
            b(due.as_str()),
        ],
    );
    item(
        &mut flow,
        &field("6. Đăng ký nhận kết quả tại: ", &d.result_delivery),
    );
    let fee = d.fee.map(vnd);
    if let Some(fee) = &fee {
        item(&mut flow, &[r("7. Phí, lệ phí: "), r(fee.as_str())]);
    }
    if d.book_entry.trim().is_empty() {
        let line = format!("Vào Sổ theo dõi hồ sơ, Quyển số: {BLANK} Số thứ tự: {BLANK}");
        item(&mut flow, &[r(line.as_str())]);
    } else {
        item(
            &mut flow,
            &[r("Vào Sổ theo dõi hồ sơ: "), r(d.book_entry.as_str())],
        );
    }

    let left = signature("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", &a.name);
    let right = signature(
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        &d.officer_name,
    );
    let signatures = two_columns_height(&flow, &left, &right, 0.5) + SIGNATURE_GAP;
    if let Some(qr) = &qr {
        // The QR block goes with the signatures rather than leaving them alone on a page.
        flow.ensure(QR_SIDE + QR_GAP + signatures);
        flow.gap(QR_GAP);
        lookup_block(&mut flow, qr, &url, &code, d.pin.as_deref());
    }
    flow.gap(SIGNATURE_GAP);
    two_columns(&mut flow, &left, &right, 0.5);
    flow.number_pages(10.0);
    flow.doc.finish()
}

fn documents_table(flow: &mut Flow, d: &ReceiptData) {
    let table = Table {
        columns: vec![
            col(1.0, Align::Center),
            col(8.0, Align::Left),
            col(3.0, Align::Center),
            col(1.6, Align::Center),
        ],
        header: vec![
            head(vec![b("TT")], (0, 0), (1, 1)),
            head(vec![b("Tên giấy tờ")], (0, 1), (1, 1)),
            head(
                vec![b("Hình thức\n"), i("(bản chính, bản sao, bản chụp)")],
                (0, 2),
                (1, 1),
            ),
            head(vec![b("Số lượng")], (0, 3), (1, 1)),
        ],
        size: TABLE,
        header_size: TABLE,
        padding: 3.0,
    };
    let mut rows: Vec<Vec<Cell<'_>>> = d
        .documents
        .iter()
        .enumerate()
        .map(|(k, doc)| {
            vec![
                Cell::spans(vec![r((k + 1).to_string())]),
                Cell::spans(vec![r(doc.name.as_str())]),
                Cell::spans(vec![r(doc.kind.as_str())]),
                Cell::spans(vec![r(count2(doc.copies))]),
            ]
        })
        .collect();
    if rows.is_empty() {
        rows.push(vec![Cell::spans(vec![r("1")]), Cell::spans(vec![r(BLANK)])]);
    }
    table.draw(flow, rows);
}

/// The QR code with, to its right, how to look the file up.
fn lookup_block(flow: &mut Flow, qr: &QrMatrix, url: &str, code: &str, pin: Option<&str>) {
    let side = QR_SIDE;
    let gap = 12.0;
    let text_x = flow.left() + side + gap;
    let text_w = flow.width() - side - gap;
    let size = 11.5;
    let mut lines = wrap(
        &flow.doc,
        &[i("Tra cứu tình trạng hồ sơ tại:")],
        size,
        text_w,
    );
    lines.extend(wrap(&flow.doc, &[r(url)], size, text_w));
    lines.extend(wrap(
        &flow.doc,
        &[r("Mã hồ sơ: "), b(or_blank(code))],
        size,
        text_w,
    ));
    let pin = pin.map(clean);
    if let Some(pin) = pin.as_deref().filter(|p| !p.trim().is_empty()) {
        lines.extend(wrap(
            &flow.doc,
            &[r("Mã tra cứu (PIN): "), b(pin)],
            size,
            text_w,
        ));
    }
    let text_h = lines.len() as f32 * size * LEADING;
    flow.ensure(side.max(text_h));
    let top = flow.y;
    let (x, page) = (flow.left(), flow.page);
    qr::draw(&mut flow.doc, page, qr, (x, top), side);
    let mut y = top + ((side - text_h) / 2.0).max(0.0);
    for line in &lines {
        draw_line(
            &mut flow.doc,
            flow.page,
            line,
            (text_x, text_w),
            y,
            size,
            Align::Left,
        );
        y += size * LEADING;
    }
    flow.y = top + side.max(text_h);
}
