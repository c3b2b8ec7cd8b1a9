//! What the app layer hands over: plain values, no database types.
//!
//! Times are `jiff::civil` values already converted to Vietnamese local time (Asia/Ho_Chi_Minh)
//! by the caller, which owns the clock and the time zone; this crate only prints them. Empty
//! strings, zero counts and default dates (year 0, as `Default` gives) print as dotted lines
//! to be completed by hand, like the blank templates.

use jiff::civil::{Date, DateTime};

/// The issuing agency, printed top-left above the national heading's date line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agency {
    /// Governing body (tên cơ quan, tổ chức chủ quản), e.g. "UBND tỉnh Sơn La". Printed in
    /// capitals; may be empty.
    pub parent_name: String,
    /// The agency or one-stop unit issuing the form, e.g. "Trung tâm Phục vụ hành chính công
    /// tỉnh Sơn La". Printed in bold capitals; it is also the subject of the body sentences
    /// ("… đã tiếp nhận hồ sơ của …"), where it is printed as given.
    pub name: String,
    /// Place name of the date line, e.g. "Sơn La" → "Sơn La, ngày 23 tháng 11 năm 2026".
    pub place: String,
}

/// The top of every form: form number, agency, reference number and date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// The number of the form in the rule version the file is handled under, chosen by the
    /// caller: "01" (or "Mẫu số 01") prints "Mẫu số 01". The same paper has different numbers
    /// under Circular 01/2018 and Circular 03/2025 (the control slip is 05, then 06). Empty:
    /// no label.
    pub form_number: String,
    pub agency: Agency,
    /// The document's number and symbol after "Số:", e.g. "125/TTPVHCC". Empty: dotted.
    pub reference: String,
    /// The date of the place-and-date line (local date of issue).
    pub date: Date,
}

/// The person or organisation the file belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applicant {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// One paper handed in with the file (thành phần hồ sơ).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmittedDocument {
    pub name: String,
    /// "Bản chính", "Bản sao", "Bản sao chứng thực", "Bản chụp", "Bản điện tử"…; may be empty.
    pub kind: String,
    pub copies: u32,
}

/// Whoever signs a letter on behalf of the agency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signer {
    /// Capacity, one line each, e.g. "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC". Empty: "THỦ TRƯỞNG CƠ QUAN".
    pub title: String,
    pub name: String,
}

/// Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceiptData {
    pub letterhead: Letterhead,
    /// Mã hồ sơ, printed under the title and encoded nowhere else: the QR code carries
    /// `lookup_url`, which should contain it.
    pub file_code: String,
    pub applicant: Applicant,
    /// Nội dung yêu cầu giải quyết: the procedure's name.
    pub procedure_name: String,
    pub documents: Vec<SubmittedDocument>,
    /// Số lượng hồ sơ, in sets (bộ).
    pub sets: u32,
    /// The legal processing time as the catalogue states it, e.g. "05 ngày làm việc".
    pub processing_time: String,
    pub received_at: DateTime,
    pub appointment: DateTime,
    /// Where the result is to be collected (Đăng ký nhận kết quả tại), e.g. "Bộ phận Một cửa"
    /// or "qua dịch vụ bưu chính công ích: …" with the address.
    pub result_delivery: String,
    /// Fees and charges in đồng; `None` prints nothing.
    pub fee: Option<i64>,
    /// Public lookup address, encoded in the QR code and printed beside it; empty: no QR code.
    pub lookup_url: String,
    /// Secret for looking the file up, if the lookup asks for one.
    pub pin: Option<String>,
    /// The receiving officer, printed under "NGƯỜI TIẾP NHẬN HỒ SƠ".
    pub officer_name: String,
    /// Entry in the tracking book, e.g. "Quyển số 03, số thứ tự 125"; empty: dotted.
    pub book_entry: String,
}

/// Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (request to complete the file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplementRequestData {
    pub letterhead: Letterhead,
    pub file_code: String,
    pub applicant: Applicant,
    pub procedure_name: String,
    /// Everything that is missing or must be corrected, once and in full (one item a line).
    pub items: Vec<String>,
    pub reason: String,
    /// Who to ask, e.g. "công chức Lò Văn Minh, số điện thoại 0212 3852 123".
    pub contact: String,
    /// The officer giving the guidance (NGƯỜI HƯỚNG DẪN).
    pub officer_name: String,
}

/// Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefusalData {
    pub letterhead: Letterhead,
    pub file_code: String,
    pub applicant: Applicant,
    pub procedure_name: String,
    /// The reasons, each stated fully; the law requires them.
    pub reasons: Vec<String>,
    pub officer_name: String,
}

/// Which apology letter form 04 is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApologyKind {
    /// Circular 01/2018 form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    #[default]
    NewAppointment,
    /// Circular 03/2025 form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.
    ExtensionRequest,
}

/// Form 04: apology for a late file with a new return date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApologyData {
    pub letterhead: Letterhead,
    pub kind: ApologyKind,
    pub file_code: String,
    pub applicant: Applicant,
    pub procedure_name: String,
    pub received_at: DateTime,
    /// The appointment printed on the receipt.
    pub old_appointment: DateTime,
    /// The new return date (given only once per file).
    pub new_appointment: DateTime,
    pub reason: String,
    pub signer: Signer,
    /// "Nơi nhận" lines, e.g. "Như trên", "Lưu: VT". Empty: "Như trên" and "Lưu: VT".
    pub recipients: Vec<String>,
}

/// Form 05 of Circular 03/2025: Thông báo dừng giải quyết hồ sơ (stop notice).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StopNoticeData {
    pub letterhead: Letterhead,
    pub file_code: String,
    pub applicant: Applicant,
    pub procedure_name: String,
    pub received_at: DateTime,
    /// When the applicant asked to stop; `None` when processing stops on other grounds.
    pub requested_on: Option<Date>,
    pub reason: String,
    pub signer: Signer,
    pub recipients: Vec<String>,
}

/// One hand-over of the file between units, one row of the control slip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoverStep {
    /// Unit handing the file over (Giao), e.g. "Bộ phận Một cửa".
    pub from: String,
    /// Unit receiving it (Nhận), e.g. "Phòng Kinh tế".
    pub to: String,
    /// When it changed hands; `None` for a row still to be filled in by hand.
    pub at: Option<DateTime>,
    pub giver: String,
    pub receiver: String,
    /// "Trước hạn", "Đúng hạn" or "Quá hạn" once the step is done.
    pub result: String,
    pub note: String,
}

/// Form 05 (2018) / 06 (2025): Phiếu kiểm soát quá trình giải quyết hồ sơ (control slip).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControlSlipData {
    pub letterhead: Letterhead,
    pub file_code: String,
    pub applicant: Applicant,
    pub procedure_name: String,
    pub received_at: DateTime,
    pub appointment: DateTime,
    /// Cơ quan (bộ phận) giải quyết hồ sơ.
    pub lead_agency: String,
    /// Cơ quan phối hợp giải quyết hồ sơ; empty when none.
    pub partner_agencies: String,
    pub steps: Vec<HandoverStep>,
}

/// One file in the tracking book.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackingRow {
    pub file_code: String,
    pub procedure_name: String,
    pub sets: u32,
    pub applicant_name: String,
    /// Address and phone number, as one text.
    pub applicant_contact: String,
    /// Cơ quan chủ trì giải quyết.
    pub lead_agency: String,
    pub received_at: Option<DateTime>,
    pub appointment: Option<DateTime>,
    /// Handed to the processing agency.
    pub transferred_at: Option<DateTime>,
    /// Result back from the processing agency.
    pub result_received_at: Option<DateTime>,
    /// Result handed to the applicant.
    pub returned_at: Option<DateTime>,
    pub note: String,
}

/// Form 06 (2018) / 07 (2025): Sổ theo dõi hồ sơ (tracking book), for a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackingBookData {
    pub letterhead: Letterhead,
    /// First and last day covered, inclusive.
    pub from: Date,
    pub to: Date,
    /// Quyển số; empty prints nothing.
    pub volume: String,
    pub rows: Vec<TrackingRow>,
}

/// One line of the handling report: a unit, field or procedure, or the totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandlingLine {
    pub name: String,
    /// Received: total, new online, new at the counter or by post, carried over.
    pub received: [i64; 4],
    /// Resolved: total, early, on time, late.
    pub resolved: [i64; 4],
    /// Pending at the end of the period: total, in time, overdue.
    pub pending: [i64; 3],
    /// Withdrawn, stopped or cancelled (not a column of the official form; shown apart).
    pub withdrawn: i64,
}

/// Biểu số 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): the periodic report on the handling of
/// administrative procedures, one line per unit, field or procedure and a totals line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandlingReportData {
    pub letterhead: Letterhead,
    /// First and last day covered, inclusive.
    pub from: Date,
    pub to: Date,
    /// What the report covers, e.g. "Toàn tỉnh" or a unit's name.
    pub scope: String,
    /// Heading of the name column, e.g. "Đơn vị", "Lĩnh vực".
    pub row_heading: String,
    pub rows: Vec<HandlingLine>,
    pub totals: HandlingLine,
    /// Rates printed under the table, e.g. "Tỷ lệ giải quyết đúng hạn: 98,25%".
    pub notes: Vec<String>,
}
