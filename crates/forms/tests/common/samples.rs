//! Realistic sample data for every form, shared by the tests and the benchmark example.
//! Procedures and papers are real entries of the national catalogue (Hộ tịch, Đất đai).
#![allow(dead_code)]

use jiff::civil::{Date, DateTime, date};
use motcua_forms::*;

pub fn agency() -> Agency {
    Agency {
        parent_name: "UBND tỉnh Sơn La".into(),
        name: "Trung tâm Phục vụ hành chính công tỉnh Sơn La".into(),
        place: "Sơn La".into(),
    }
}

pub fn letterhead(form_number: &str, reference: &str, on: Date) -> Letterhead {
    Letterhead {
        form_number: form_number.into(),
        agency: agency(),
        reference: reference.into(),
        date: on,
    }
}

pub fn applicant() -> Applicant {
    Applicant {
        name: "Nguyễn Thị Hường".into(),
        address: "Tổ 3, phường Chiềng Lề, tỉnh Sơn La".into(),
        phone: "0912 345 678".into(),
        email: "huong.nguyen@example.vn".into(),
    }
}

pub const FILE_CODE: &str = "000.00.01.H26-261123-0001";
pub const PROCEDURE: &str = "Đăng ký khai sinh";

pub fn received() -> DateTime {
    date(2026, 11, 23).at(8, 30, 0, 0)
}

pub fn appointment() -> DateTime {
    date(2026, 11, 25).at(16, 0, 0, 0)
}

pub fn receipt() -> ReceiptData {
    ReceiptData {
        letterhead: letterhead("01", "125/TTPVHCC", date(2026, 11, 23)),
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name: PROCEDURE.into(),
        documents: vec![
            SubmittedDocument {
                name: "Tờ khai đăng ký khai sinh theo mẫu".into(),
                kind: "Bản chính".into(),
                copies: 1,
            },
            SubmittedDocument {
                name: "Giấy chứng sinh do cơ sở y tế cấp".into(),
                kind: "Bản chính".into(),
                copies: 1,
            },
            SubmittedDocument {
                name: "Giấy chứng nhận kết hôn của cha, mẹ trẻ em".into(),
                kind: "Bản sao".into(),
                copies: 1,
            },
        ],
        sets: 1,
        processing_time: "Ngay trong ngày làm việc; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo".into(),
        received_at: received(),
        appointment: appointment(),
        result_delivery: "Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh Sơn La".into(),
        fee: Some(8_000),
        lookup_url: format!("https://dichvucong.sonla.gov.vn/tra-cuu-ho-so?ma={FILE_CODE}"),
        pin: Some("482913".into()),
        officer_name: "Lò Văn Minh".into(),
        book_entry: String::new(),
    }
}

pub fn supplement() -> SupplementRequestData {
    SupplementRequestData {
        letterhead: letterhead("02", "126/TTPVHCC", date(2026, 11, 23)),
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name: PROCEDURE.into(),
        items: vec![
            "Giấy chứng sinh: nộp bản chính thay cho bản chụp".into(),
            "Văn bản ủy quyền có chứng thực (người đi đăng ký không phải cha, mẹ)".into(),
        ],
        reason: "Thành phần hồ sơ chưa đầy đủ theo quy định tại Điều 16 Luật Hộ tịch".into(),
        contact: "công chức Lò Văn Minh, số điện thoại 0212 3852 123".into(),
        officer_name: "Lò Văn Minh".into(),
    }
}

pub fn refusal() -> RefusalData {
    RefusalData {
        letterhead: letterhead("03", "127/TTPVHCC", date(2026, 11, 23)),
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name: PROCEDURE.into(),
        reasons: vec![
            "Việc khai sinh đã được đăng ký tại Ủy ban nhân dân phường Tô Hiệu".into(),
            "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan".into(),
        ],
        officer_name: "Lò Văn Minh".into(),
    }
}

pub fn signer() -> Signer {
    Signer {
        title: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".into(),
        name: "Cầm Thị Thủy".into(),
    }
}

pub fn apology(kind: ApologyKind) -> ApologyData {
    ApologyData {
        letterhead: letterhead("04", "15/TTPVHCC-XL", date(2026, 11, 24)),
        kind,
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name:
            "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu"
                .into(),
        received_at: received(),
        old_appointment: appointment(),
        new_appointment: date(2026, 12, 2).at(16, 0, 0, 0),
        reason: "Cần xác minh thêm nguồn gốc sử dụng đất với Ủy ban nhân dân phường Chiềng Lề"
            .into(),
        signer: signer(),
        recipients: vec![],
    }
}

pub fn stop_notice() -> StopNoticeData {
    StopNoticeData {
        letterhead: letterhead("05", "16/TB-TTPVHCC", date(2026, 11, 24)),
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name: PROCEDURE.into(),
        received_at: received(),
        requested_on: Some(date(2026, 11, 24)),
        reason: "Người yêu cầu đề nghị dừng giải quyết để bổ sung thông tin về quê quán".into(),
        signer: signer(),
        recipients: vec!["Bà Nguyễn Thị Hường".into(), "Lưu: VT, BPMC".into()],
    }
}

pub fn control_slip() -> ControlSlipData {
    ControlSlipData {
        letterhead: letterhead("06", "", date(2026, 11, 23)),
        file_code: FILE_CODE.into(),
        applicant: applicant(),
        procedure_name: PROCEDURE.into(),
        received_at: received(),
        appointment: appointment(),
        lead_agency: "Phòng Văn hóa - Xã hội, UBND phường Chiềng Lề".into(),
        partner_agencies: "Công an phường Chiềng Lề".into(),
        steps: vec![
            HandoverStep {
                from: "Bộ phận Một cửa".into(),
                to: "Phòng Văn hóa - Xã hội".into(),
                at: Some(date(2026, 11, 23).at(9, 15, 0, 0)),
                giver: "Lò Văn Minh".into(),
                receiver: "Hoàng Thị Lan".into(),
                result: "Trước hạn".into(),
                note: String::new(),
            },
            HandoverStep {
                from: "Phòng Văn hóa - Xã hội".into(),
                to: "Lãnh đạo UBND phường".into(),
                at: Some(date(2026, 11, 24).at(14, 0, 0, 0)),
                giver: "Hoàng Thị Lan".into(),
                receiver: "Quàng Văn Đức".into(),
                result: "Đúng hạn".into(),
                note: "Đã ký số".into(),
            },
            HandoverStep {
                from: "Lãnh đạo UBND phường".into(),
                to: "Bộ phận Một cửa".into(),
                ..Default::default()
            },
        ],
    }
}

pub fn tracking_row(n: usize) -> TrackingRow {
    let day = date(2026, 11, 1 + (n % 28) as i8);
    let names = [
        "Nguyễn Thị Hường",
        "Lò Văn Pánh",
        "Cầm Thị Ún",
        "Trần Đức Thắng",
        "Quàng Văn Ều",
    ];
    let procedures = [
        "Đăng ký khai sinh",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
        "Đăng ký kết hôn",
    ];
    TrackingRow {
        file_code: format!("000.00.01.H26-{}-{:04}", day.strftime("%y%m%d"), n + 1),
        procedure_name: procedures[n % procedures.len()].into(),
        sets: 1,
        applicant_name: names[n % names.len()].into(),
        applicant_contact: format!("Bản Hụm, xã Chiềng Ngần; 0912 000 {:03}", n % 1000),
        lead_agency: "UBND phường Chiềng Lề".into(),
        received_at: Some(day.at(8, 0, 0, 0)),
        appointment: Some(day.at(16, 30, 0, 0)),
        transferred_at: Some(day.at(9, 0, 0, 0)),
        result_received_at: (!n.is_multiple_of(3)).then(|| day.at(15, 0, 0, 0)),
        returned_at: (n % 3 == 1).then(|| day.at(16, 0, 0, 0)),
        note: if n.is_multiple_of(7) {
            "Trễ hạn, đã xin lỗi".into()
        } else {
            String::new()
        },
    }
}

pub fn tracking_book(rows: usize) -> TrackingBookData {
    TrackingBookData {
        letterhead: letterhead("07", "", date(2026, 12, 1)),
        from: date(2026, 11, 1),
        to: date(2026, 11, 30),
        volume: "03".into(),
        rows: (0..rows).map(tracking_row).collect(),
    }
}
