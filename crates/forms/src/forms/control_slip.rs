//! Phiếu kiểm soát quá trình giải quyết hồ sơ (form 05 of Circular 01/2018, form 06 of
//! Circular 03/2025): travels with the paper file; every hand-over between units is one row
//! with who gave and who received it, when, and whether that step finished early, on time or
//! late. Empty rows are printed for steps still to come, to be filled in by hand.

use super::common::{TABLE, field, item, letterhead, portrait, subtitle, title};
use crate::FormError;
use crate::data::{ControlSlipData, HandoverStep};
use crate::layout::table::{Cell, Part, Table, col, head};
use crate::layout::{Align, b, i, r};
use crate::limits::Limits;
use crate::text::{clean, long_date_time, or_blank};

/// Renders the control slip as a PDF.
pub fn control_slip(d: &ControlSlipData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.applicant(&d.applicant)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.field("lead_agency", &d.lead_agency)?;
    l.field("partner_agencies", &d.partner_agencies)?;
    l.rows("steps", d.steps.len())?;
    for s in &d.steps {
        for v in [&s.from, &s.to, &s.giver, &s.receiver, &s.result, &s.note] {
            l.field("steps", v)?;
        }
    }

    let name = "Phiếu kiểm soát quá trình giải quyết hồ sơ";
    let mut flow = portrait(name)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, name);
    subtitle(
        &mut flow,
        &[r("Mã hồ sơ: "), b(or_blank(&clean(&d.file_code)))],
    );

    item(
        &mut flow,
        &[r("Kèm theo hồ sơ của: "), b(or_blank(&d.applicant.name))],
    );
    item(&mut flow, &field("Địa chỉ: ", &d.applicant.address));
    item(&mut flow, &field("Số điện thoại: ", &d.applicant.phone));
    item(
        &mut flow,
        &field("Nội dung yêu cầu giải quyết: ", &d.procedure_name),
    );
    let received = long_date_time(d.received_at);
    item(
        &mut flow,
        &[r("Thời gian nhận hồ sơ: "), r(received.as_str())],
    );
    let due = long_date_time(d.appointment);
    item(
        &mut flow,
        &[
            r("Thời gian trả kết quả giải quyết hồ sơ: "),
            b(due.as_str()),
        ],
    );
    item(
        &mut flow,
        &field("Cơ quan (bộ phận) giải quyết hồ sơ: ", &d.lead_agency),
    );
    item(
        &mut flow,
        &field("Cơ quan phối hợp giải quyết hồ sơ: ", &d.partner_agencies),
    );
    flow.gap(6.0);

    let table = Table {
        columns: vec![
            col(3.3, Align::Left),
            col(4.4, Align::Center),
            col(2.3, Align::Center),
            col(1.8, Align::Left),
        ],
        header: vec![
            head(vec![b("TÊN CƠ QUAN")], (0, 0), (1, 1)),
            head(vec![b("THỜI GIAN GIAO, NHẬN HỒ SƠ")], (0, 1), (1, 1)),
            head(
                vec![
                    b("KẾT QUẢ GIẢI QUYẾT HỒ SƠ\n"),
                    i("(Trước hạn/đúng hạn/quá hạn)"),
                ],
                (0, 2),
                (1, 1),
            ),
            head(vec![b("GHI CHÚ")], (0, 3), (1, 1)),
        ],
        size: TABLE,
        header_size: 11.0,
        padding: 4.0,
    };
    let blank = HandoverStep::default();
    let mut steps: Vec<&HandoverStep> = d.steps.iter().collect();
    // At least three rows, as on the printed template, so the paper can be completed by hand.
    while steps.len() < 3 {
        steps.push(&blank);
    }
    table.draw(&mut flow, steps.into_iter().map(step_row));

    flow.number_pages(10.0);
    flow.doc.finish()
}

fn step_row(s: &HandoverStep) -> Vec<Cell<'_>> {
    let when =
        s.at.map(long_date_time)
            .unwrap_or_else(|| "…… giờ …… phút, ngày …… tháng …… năm ……".to_owned());
    vec![
        Cell(vec![
            Part::Text(vec![r("1. Giao: "), r(or_blank(&s.from))]),
            Part::Text(vec![r("2. Nhận: "), r(or_blank(&s.to))]),
        ]),
        Cell(vec![
            Part::Aligned(vec![r(when)], Align::Center),
            Part::Pair(vec![i("Người giao")], vec![i("Người nhận")]),
            Part::Gap(30.0),
            Part::Pair(vec![r(s.giver.as_str())], vec![r(s.receiver.as_str())]),
        ]),
        Cell::spans(vec![r(s.result.as_str())]),
        Cell::spans(vec![r(s.note.as_str())]),
    ]
}
