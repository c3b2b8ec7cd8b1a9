//! Letters signed by the head of the agency: form 04, the apology for a late file with a new
//! date (Circular 01/2018: "hẹn lại ngày trả kết quả"; Circular 03/2025: "đề nghị gia hạn
//! thời gian giải quyết"), and form 05 of Circular 03/2025, the notice that processing stops.
//!
//! They are addressed to the applicant ("Kính gửi") and end with "Nơi nhận" and the signer,
//! as administrative letters do under Decree 30/2020/NĐ-CP.

use super::common::{BODY, letterhead, portrait, recipients_and_signer, subtitle, title};
use super::notices::contact_lines;
use crate::FormError;
use crate::data::{ApologyData, ApologyKind, Applicant, Signer, StopNoticeData};
use crate::layout::{Align, Flow, b, r};
use crate::limits::Limits;
use crate::text::{clean, long_date, long_date_time, or_blank};

fn check_common(
    l: &mut Limits,
    applicant: &Applicant,
    signer: &Signer,
    recipients: &[String],
) -> Result<(), FormError> {
    l.applicant(applicant)?;
    l.field("signer.title", &signer.title)?;
    l.field("signer.name", &signer.name)?;
    l.list("recipients", recipients)
}

/// "Kính gửi: Bà Nguyễn Thị Hường", centred as Decree 30 places it.
fn addressee(flow: &mut Flow, a: &Applicant) {
    flow.gap(4.0);
    flow.paragraph(
        &[r("Kính gửi: "), b(or_blank(&a.name))],
        BODY,
        Align::Center,
    );
    flow.gap(6.0);
}

/// First-line indent of letter paragraphs: 1 cm, as Decree 30 sets it.
const INDENT: f32 = 28.35;

/// Body paragraphs with a first-line indent, as letters are typeset.
fn body(flow: &mut Flow, text: &str) {
    flow.indented(&[r(text)], BODY, INDENT);
    flow.gap(3.0);
}

/// The sentence that identifies the file: when it was received, whose it is, its code and
/// what it asks for.
fn file_sentence(
    agency: &str,
    d_received: &str,
    name: &str,
    code: &str,
    procedure: &str,
) -> String {
    format!(
        "Ngày {d_received}, {agency} đã tiếp nhận giải quyết hồ sơ của ông (bà) {name}, mã hồ sơ {code}, nội dung yêu cầu giải quyết: {procedure}.",
        agency = or_blank(agency),
        name = or_blank(name),
        code = or_blank(code),
        procedure = or_blank(procedure).trim_end_matches('.'),
    )
}

/// Renders form 04 (apology and new date) as a PDF.
pub fn apology(d: &ApologyData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.field("reason", &d.reason)?;
    check_common(&mut l, &d.applicant, &d.signer, &d.recipients)?;

    let name = match d.kind {
        ApologyKind::NewAppointment => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        ApologyKind::ExtensionRequest => "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    };
    let mut flow = portrait(name)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, name);
    subtitle(
        &mut flow,
        &[r("Mã hồ sơ: "), b(or_blank(&clean(&d.file_code)))],
    );
    addressee(&mut flow, &d.applicant);

    let agency = clean(&d.letterhead.agency.name);
    let received = long_date(d.received_at.date());
    let received = received.trim_start_matches("ngày ");
    body(
        &mut flow,
        &file_sentence(
            &agency,
            received,
            &clean(&d.applicant.name),
            &clean(&d.file_code),
            &clean(&d.procedure_name),
        ),
    );
    body(
        &mut flow,
        &format!(
            "Thời gian hẹn trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả: {}.",
            long_date_time(d.old_appointment)
        ),
    );
    body(
        &mut flow,
        &format!(
            "Tuy nhiên đến nay, {} chưa trả kết quả giải quyết hồ sơ cho ông (bà) đúng hẹn. Lý do: {}.",
            or_blank(&agency),
            or_blank(&clean(&d.reason)).trim_end_matches('.')
        ),
    );
    let new_date = long_date_time(d.new_appointment);
    let promise = match d.kind {
        ApologyKind::NewAppointment => format!(
            "Sự chậm trễ này đã gây phiền hà cho ông (bà). {} xin lỗi ông (bà) và sẽ trả kết quả giải quyết hồ sơ cho ông (bà) vào: ",
            or_blank(&agency)
        ),
        ApologyKind::ExtensionRequest => format!(
            "Sự chậm trễ này đã gây phiền hà cho ông (bà). {} xin lỗi ông (bà) và đề nghị gia hạn thời gian giải quyết hồ sơ đến: ",
            or_blank(&agency)
        ),
    };
    flow.indented(
        &[r(promise.as_str()), b(new_date.as_str()), r(".")],
        BODY,
        INDENT,
    );
    flow.gap(3.0);
    body(&mut flow, "Xin trân trọng cảm ơn./.");

    recipients_and_signer(&mut flow, &d.recipients, &d.signer);
    flow.number_pages(10.0);
    flow.doc.finish()
}

/// Renders form 05 of Circular 03/2025 (notice that processing stops) as a PDF.
pub fn stop_notice(d: &StopNoticeData) -> Result<Vec<u8>, FormError> {
    let mut l = Limits::default();
    l.letterhead(&d.letterhead)?;
    l.field("file_code", &d.file_code)?;
    l.field("procedure_name", &d.procedure_name)?;
    l.field("reason", &d.reason)?;
    check_common(&mut l, &d.applicant, &d.signer, &d.recipients)?;

    let name = "Thông báo dừng giải quyết hồ sơ";
    let mut flow = portrait(name)?;
    letterhead(&mut flow, &d.letterhead);
    title(&mut flow, name);
    subtitle(
        &mut flow,
        &[r("Mã hồ sơ: "), b(or_blank(&clean(&d.file_code)))],
    );
    addressee(&mut flow, &d.applicant);
    contact_lines(&mut flow, &d.applicant);
    flow.gap(4.0);

    let agency = clean(&d.letterhead.agency.name);
    let received = long_date(d.received_at.date());
    body(
        &mut flow,
        &file_sentence(
            &agency,
            received.trim_start_matches("ngày "),
            &clean(&d.applicant.name),
            &clean(&d.file_code),
            &clean(&d.procedure_name),
        ),
    );
    if let Some(requested) = d.requested_on {
        body(
            &mut flow,
            &format!(
                "Ngày {}, ông (bà) có văn bản đề nghị dừng giải quyết hồ sơ nêu trên.",
                long_date(requested).trim_start_matches("ngày ")
            ),
        );
    }
    body(
        &mut flow,
        &format!(
            "Lý do dừng giải quyết: {}.",
            or_blank(&clean(&d.reason)).trim_end_matches('.')
        ),
    );
    body(
        &mut flow,
        &format!(
            "{} thông báo dừng giải quyết hồ sơ nêu trên kể từ {}./.",
            or_blank(&agency),
            long_date(d.letterhead.date)
        ),
    );

    recipients_and_signer(&mut flow, &d.recipients, &d.signer);
    flow.number_pages(10.0);
    flow.doc.finish()
}
