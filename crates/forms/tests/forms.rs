//! Each form, read back as a person (or a search engine) would: the text a viewer extracts,
//! the fonts it finds, the paper size.

mod common;

use common::samples;
use common::*;
use motcua_forms::{ApologyKind, Form, render};

/// Text every form with a letterhead carries.
const HEADING: [&str; 4] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "UBND TỈNH SƠN LA",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH SƠN LA",
];

fn check(name: &str, pdf: &[u8], expected: &[&str]) -> String {
    let path = save(name, pdf);
    let text = text_flat(&path);
    for e in HEADING.iter().chain(expected) {
        assert!(text.contains(&flat(e)), "{name}: missing {e:?} in:\n{text}");
    }
    assert_a4(&path, false);
    assert_eq!(pages(&path), 1, "{name}: a usual form fits on one page");
    assert_fonts_embedded(&path);
    text
}

#[test]
fn receipt() {
    let data = samples::receipt();
    let pdf = motcua_forms::receipt(&data).unwrap();
    let mut expected = vec![
        "Mẫu số 01",
        "Số: 125/TTPVHCC",
        "Sơn La, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.01.H26-261123-0001",
        "Trung tâm Phục vụ hành chính công tỉnh Sơn La đã tiếp nhận hồ sơ của: Nguyễn Thị Hường",
        "Địa chỉ: Tổ 3, phường Chiềng Lề, tỉnh Sơn La",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 23 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 25 tháng 11 năm 2026",
        "7. Phí, lệ phí: 8.000 đồng",
        "Mã tra cứu (PIN): 482913",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "Lò Văn Minh",
    ];
    let names: Vec<&str> = data.documents.iter().map(|d| d.name.as_str()).collect();
    expected.extend(names);
    let text = check("01-receipt.pdf", &pdf, &expected);
    // The URL may be cut at a '/' or '?' at the end of a line; compare without spaces.
    assert!(squash(&text).contains(&squash(&data.lookup_url)));
}

#[test]
fn receipt_qr_code_scans_to_the_lookup_url() {
    let data = samples::receipt();
    let path = save("01-receipt-qr.pdf", &motcua_forms::receipt(&data).unwrap());
    assert_eq!(scan_qr(&path), vec![data.lookup_url.clone()]);

    let mut no_url = data.clone();
    no_url.lookup_url.clear();
    let path = save(
        "01-receipt-no-qr.pdf",
        &motcua_forms::receipt(&no_url).unwrap(),
    );
    assert!(scan_qr(&path).is_empty());
    assert!(!text_flat(&path).contains("Tra cứu tình trạng hồ sơ"));
}

#[test]
fn supplement_request() {
    let pdf = motcua_forms::supplement_request(&samples::supplement()).unwrap();
    check(
        "02-supplement.pdf",
        &pdf,
        &[
            "Mẫu số 02",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "Hồ sơ của: Nguyễn Thị Hường",
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
            "1. Giấy chứng sinh: nộp bản chính thay cho bản chụp",
            "2. Văn bản ủy quyền có chứng thực (người đi đăng ký không phải cha, mẹ)",
            "Lý do: Thành phần hồ sơ chưa đầy đủ theo quy định tại Điều 16 Luật Hộ tịch",
            "liên hệ với công chức Lò Văn Minh, số điện thoại 0212 3852 123 để được hướng dẫn./.",
            "NGƯỜI HƯỚNG DẪN",
        ],
    );
}

#[test]
fn refusal() {
    let pdf = motcua_forms::refusal(&samples::refusal()).unwrap();
    check(
        "03-refusal.pdf",
        &pdf,
        &[
            "Mẫu số 03",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
            "- Việc khai sinh đã được đăng ký tại Ủy ban nhân dân phường Tô Hiệu",
            "- Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan",
            "NGƯỜI TIẾP NHẬN",
        ],
    );
}

#[test]
fn apology_2018_sets_a_new_date() {
    let pdf = motcua_forms::apology(&samples::apology(ApologyKind::NewAppointment)).unwrap();
    check(
        "04-apology-2018.pdf",
        &pdf,
        &[
            "Mẫu số 04",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Kính gửi: Nguyễn Thị Hường",
            "Ngày 23 tháng 11 năm 2026, Trung tâm Phục vụ hành chính công tỉnh Sơn La đã tiếp nhận giải quyết hồ sơ",
            "16 giờ 00 phút, ngày 25 tháng 11 năm 2026",
            "Lý do: Cần xác minh thêm nguồn gốc sử dụng đất",
            "sẽ trả kết quả giải quyết hồ sơ cho ông (bà) vào: 16 giờ 00 phút, ngày 02 tháng 12 năm 2026",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            "Cầm Thị Thủy",
        ],
    );
}

#[test]
fn apology_2025_requests_an_extension() {
    let pdf = motcua_forms::apology(&samples::apology(ApologyKind::ExtensionRequest)).unwrap();
    check(
        "04-apology-2025.pdf",
        &pdf,
        &[
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "đề nghị gia hạn thời gian giải quyết hồ sơ đến: 16 giờ 00 phút, ngày 02 tháng 12 năm 2026",
        ],
    );
}

#[test]
fn stop_notice() {
    let pdf = motcua_forms::stop_notice(&samples::stop_notice()).unwrap();
    check(
        "05-stop-notice.pdf",
        &pdf,
        &[
            "Mẫu số 05",
            "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "Ngày 24 tháng 11 năm 2026, ông (bà) có văn bản đề nghị dừng giải quyết hồ sơ nêu trên.",
            "Lý do dừng giải quyết: Người yêu cầu đề nghị dừng giải quyết",
            "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 24 tháng 11 năm 2026./.",
            "- Bà Nguyễn Thị Hường;",
            "- Lưu: VT, BPMC.",
        ],
    );
}

#[test]
fn control_slip() {
    let pdf = motcua_forms::control_slip(&samples::control_slip()).unwrap();
    let text = check(
        "06-control-slip.pdf",
        &pdf,
        &[
            "Mẫu số 06",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "Kèm theo hồ sơ của: Nguyễn Thị Hường",
            "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Văn hóa - Xã hội, UBND phường Chiềng Lề",
            "Cơ quan phối hợp giải quyết hồ sơ: Công an phường Chiềng Lề",
            "TÊN CƠ QUAN",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
            "(Trước hạn/đúng hạn/quá hạn)",
            "GHI CHÚ",
            "1. Giao: Bộ phận Một cửa",
            "2. Nhận: Phòng Văn hóa - Xã hội",
            "09 giờ 15 phút, ngày 23 tháng 11 năm 2026",
            "Người giao",
            "Người nhận",
            "Hoàng Thị Lan",
            "Quàng Văn Đức",
            "Trước hạn",
            "Đúng hạn",
        ],
    );
    // The step still to come has a line to fill in by hand.
    assert!(text.contains("…… giờ …… phút"));
}

#[test]
fn tracking_book_one_page() {
    let data = samples::tracking_book(5);
    let pdf = motcua_forms::tracking_book(&data).unwrap();
    let path = save("07-tracking-book.pdf", &pdf);
    let text = text_flat(&path);
    for e in [
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/11/2026 đến ngày 30/11/2026",
        "Quyển số: 03",
        "Ngày, tháng, năm",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Ký nhận",
        "Lò Văn Pánh",
        "Quàng Văn Ều",
    ] {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
    for row in &data.rows {
        assert!(
            squash(&text).contains(&squash(&row.file_code)),
            "{}",
            row.file_code
        );
    }
    assert_eq!(pages(&path), 1);
    assert_a4(&path, true);
    assert_fonts_embedded(&path);
}

#[test]
fn render_dispatches_to_every_form() {
    let receipt = samples::receipt();
    let tracking = samples::tracking_book(2);
    let slip = samples::control_slip();
    for form in [
        Form::Receipt(&receipt),
        Form::TrackingBook(&tracking),
        Form::ControlSlip(&slip),
    ] {
        let pdf = render(form).unwrap();
        assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    }
}

#[test]
fn same_input_gives_the_same_file() {
    // Stored receipts can be compared and cached: no timestamps or random ids in the file.
    let data = samples::receipt();
    assert_eq!(
        motcua_forms::receipt(&data).unwrap(),
        motcua_forms::receipt(&data).unwrap()
    );
}
