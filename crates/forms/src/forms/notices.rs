//! Forms 02 and 03, handed over at the counter when a file cannot be taken as it is:
//! Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (what is missing, once and in full) and
//! Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal, with its reasons).

use super::common::{
    BODY, field, item, letterhead, portrait, signature, subtitle, title, two_columns,
};
use crate::FormError;
use crate::data::{Applicant, RefusalData, SupplementRequestData};
use crate::layout::{Align, Flow, b, r};
use crate::limits::Limits;
use crate::text::{BLANK, clean, or_blank};

/// Address, phone and e-mail lines shared by the counter forms.
pub(super) fn contact_lines(flow: &mut Flow, a: &Applicant) {
    item(flow, &field("Địa chỉ: ", &a.address));
    item(
        flow,
        &[
            r("Số điện thoại: "),
            r(or_blank(&a.phone)),
            r("; Email: "),
            r(or_blank(&a.email)),
        ],
    );
}

/// Items one under the other, indented, with `marker(k)` before each ("1.", "-").
pub(super) fn list(flow: &mut Flow, items: &[String], marker: impl Fn(usize) -> String) {
    if items.iter().all(|s| s.trim().is_empty()) {
        flow.paragraph_in(&[r(BLANK)], BODY, Align::Left, 14.0);
        return;
    }
    for (k, item) in items.iter().filter(|s| !s.trim().is_empty()).enumerate() {
        let marker = marker(k);
        flow.paragraph_in(
            &[r(marker.as_str()), r(" "), r(item.as_str())],
            BODY,
            Align::Left,
            14.0,
        );
    }
}

/// A closing sentence ending with "./.", the sign that nothing follows.
fn closing(text: &str) -> String {
    format!("{}./.", text.trim().trim_end_matches(['.', '/']))
}

/// Renders form 02 (request to complete the file) as a PDF.
pub fn supplement_request(d: &SupplementRequestData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.applicant(&d.applicant)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.list("items", &d.items)?;
    l.field("reason", &d.reason)?;
    l.field("contact", &d.contact)?;
    l.field("officer_name", &d.officer_name)?;

    let name = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ";
    let mut flow = portrait(name)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, name);
    subtitle(
        &mut flow,
        &[r("Mã hồ sơ: "), b(or_blank(&clean(&d.file_code)))],
    );

    item(
        &mut flow,
        &[r("Hồ sơ của: "), b(or_blank(&d.applicant.name))],
    );
    contact_lines(&mut flow, &d.applicant);
    item(
        &mut flow,
        &[
            r("Nội dung yêu cầu giải quyết: "),
            b(or_blank(&d.procedure_name)),
        ],
    );
    item(
        &mut flow,
        &[r("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:")],
    );
    list(&mut flow, &d.items, |k| format!("{}.", k + 1));
    item(&mut flow, &field("Lý do: ", &d.reason));
    let contact = clean(&d.contact);
    let sentence = closing(&format!(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông (bà) liên hệ với {} để được hướng dẫn",
        or_blank(&contact)
    ));
    item(&mut flow, &[r(sentence.as_str())]);

    flow.gap(10.0);
    let right = signature("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", &d.officer_name);
    two_columns(&mut flow, &[], &right, 0.45);
    flow.number_pages(10.0);
    flow.doc.finish()
}

/// Renders form 03 (refusal to accept the file) as a PDF.
pub fn refusal(d: &RefusalData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.applicant(&d.applicant)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.list("reasons", &d.reasons)?;
    l.field("officer_name", &d.officer_name)?;

    let name = "Phiếu từ chối tiếp nhận giải quyết hồ sơ";
    let mut flow = portrait(name)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, name);
    subtitle(
        &mut flow,
        &[r("Mã hồ sơ: "), b(or_blank(&clean(&d.file_code)))],
    );

    let agency = clean(&d.letterhead.agency.name);
    item(
        &mut flow,
        &[
            r(or_blank(&agency)),
            r(" tiếp nhận hồ sơ của: "),
            b(or_blank(&d.applicant.name)),
        ],
    );
    contact_lines(&mut flow, &d.applicant);
    item(
        &mut flow,
        &[
            r("Nội dung yêu cầu giải quyết: "),
            b(or_blank(&d.procedure_name)),
        ],
    );
    let sentence = format!(
        "Qua xem xét, {} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        or_blank(&agency)
    );
    item(&mut flow, &[r(sentence.as_str())]);
    list(&mut flow, &d.reasons, |_| "-".to_owned());
    item(
        &mut flow,
        &[r("Xin thông báo để ông (bà) được biết và thực hiện./.")],
    );

    flow.gap(10.0);
    let right = signature("NGƯỜI TIẾP NHẬN", "(Ký và ghi rõ họ tên)", &d.officer_name);
    two_columns(&mut flow, &[], &right, 0.45);
    flow.number_pages(10.0);
    flow.doc.finish()
}
