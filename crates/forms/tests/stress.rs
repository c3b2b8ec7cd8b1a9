//! Input a counter officer or a buggy caller can produce: very long names, many papers, a
//! month of files, empty fields, emoji, decomposed Vietnamese, absurd sizes. Every case gives
//! a readable PDF or a clear error, never a panic.

mod common;

use common::samples;
use common::*;
use motcua_forms::*;

const LONG_PROCEDURE: &str = "Thủ tục cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất cho hộ gia đình, cá nhân, cộng đồng dân cư, người Việt Nam định cư ở nước ngoài được sở hữu nhà ở tại Việt Nam đang sử dụng đất ổn định từ trước ngày 01 tháng 7 năm 2004 mà không có giấy tờ về quyền sử dụng đất, không vi phạm pháp luật về đất đai, nay được Ủy ban nhân dân cấp xã xác nhận là đất không có tranh chấp, phù hợp với quy hoạch sử dụng đất, quy hoạch chi tiết xây dựng đô thị, quy hoạch xây dựng điểm dân cư nông thôn đã được cơ quan nhà nước có thẩm quyền phê duyệt đối với nơi đã có quy hoạch";

#[test]
fn long_procedure_and_forty_documents_break_pages() {
    assert!(LONG_PROCEDURE.chars().count() > 500);
    let mut data = samples::receipt();
    data.procedure_name = LONG_PROCEDURE.into();
    data.documents = (1..=40)
        .map(|k| SubmittedDocument {
            name: format!(
                "Giấy tờ số {k}: bản sao giấy tờ chứng minh nguồn gốc sử dụng đất của hộ gia đình ông Lường Văn Thẳm tại bản Hụm, xã Chiềng Ngần"
            ),
            kind: if k % 2 == 0 { "Bản sao chứng thực" } else { "Bản chính" }.into(),
            copies: k,
        })
        .collect();
    let pdf = receipt(&data).unwrap();
    let path = save("stress-receipt-40-documents.pdf", &pdf);
    let text = text_flat(&path);
    assert!(
        text.contains(&flat(LONG_PROCEDURE)),
        "long procedure name not intact"
    );
    for doc in &data.documents {
        assert!(text.contains(&flat(&doc.name)), "missing {}", doc.name);
    }
    let n = pages(&path);
    assert!(n >= 3, "{n} pages");
    assert_a4(&path, false);
    for page in 1..=n {
        let t = page_text(&path, page);
        assert!(t.contains(&format!("Trang {page}/{n}")), "page {page}: {t}");
        // The documents table's header is repeated on every page the table runs over.
        if page > 1 && t.contains("Giấy tờ số") {
            assert!(
                t.contains("Tên giấy tờ"),
                "page {page} lacks the table header"
            );
        }
    }
    // Signatures come last, after the table.
    let last = page_text(&path, n);
    assert!(last.contains("NGƯỜI TIẾP NHẬN HỒ SƠ"));
}

#[test]
fn tracking_book_of_300_files_repeats_its_header() {
    let data = samples::tracking_book(300);
    let pdf = tracking_book(&data).unwrap();
    let path = save("stress-tracking-book-300.pdf", &pdf);
    let n = pages(&path);
    assert!(n >= 10, "{n} pages for 300 rows");
    assert_a4(&path, true);
    assert_fonts_embedded(&path);
    let all = squash(&text_flat(&path));
    for row in &data.rows {
        assert!(
            all.contains(&squash(&row.file_code)),
            "missing {}",
            row.file_code
        );
    }
    for page in 1..=n {
        let t = page_text(&path, page);
        for head in [
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Ngày, tháng, năm",
            "Hẹn trả kết quả",
        ] {
            assert!(t.contains(head), "page {page} lacks {head:?}");
        }
        assert!(t.contains(&format!("Trang {page}/{n}")));
    }
    // Numbering runs on across pages.
    assert!(page_text(&path, n).contains("300"));
}

#[test]
fn a_cell_taller_than_a_page_is_split() {
    let mut data = samples::receipt();
    let huge = "chứng từ ".repeat(1_100); // ~10,000 characters in one cell
    data.documents[1].name = huge.clone();
    let pdf = receipt(&data).unwrap();
    let path = save("stress-receipt-huge-cell.pdf", &pdf);
    assert!(pages(&path) >= 3);
    // Every word arrives, across the pages the cell runs over (page numbers and the repeated
    // header sit between the pieces).
    let words = text_flat(&path).split(' ').filter(|w| *w == "từ").count();
    assert_eq!(words, 1_100);
}

#[test]
fn empty_data_gives_blank_forms_to_fill_by_hand() {
    let forms: Vec<(&str, Vec<u8>)> = vec![
        ("01", receipt(&ReceiptData::default()).unwrap()),
        (
            "02",
            supplement_request(&SupplementRequestData::default()).unwrap(),
        ),
        ("03", refusal(&RefusalData::default()).unwrap()),
        ("04", apology(&ApologyData::default()).unwrap()),
        ("05", stop_notice(&StopNoticeData::default()).unwrap()),
        ("06", control_slip(&ControlSlipData::default()).unwrap()),
        ("07", tracking_book(&TrackingBookData::default()).unwrap()),
    ];
    for (n, pdf) in forms {
        let path = save(&format!("empty-{n}.pdf"), &pdf);
        let text = text_flat(&path);
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{n}");
        assert!(
            text.contains("……"),
            "form {n} has no dotted line to fill in"
        );
        assert_fonts_embedded(&path);
    }
}

#[test]
fn characters_outside_the_font_print_as_question_marks() {
    let mut data = samples::receipt();
    data.applicant.name = "Nguyễn Thị Hường 😀 王小明 \u{0007}".into();
    data.procedure_name = "Đăng ký khai sinh — bản điện tử ✓".into();
    let pdf = receipt(&data).unwrap();
    let path = save("odd-characters.pdf", &pdf);
    let text = text_flat(&path);
    assert!(text.contains("Nguyễn Thị Hường ? ???"), "{text}");
    assert!(text.contains("Đăng ký khai sinh — bản điện tử ?"), "{text}");
}

#[test]
fn decomposed_vietnamese_reads_back_composed() {
    let mut data = samples::receipt();
    // What some keyboards and macOS file names produce: base letters plus combining marks.
    data.applicant.name = "Nguye\u{302}\u{303}n Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng".into();
    data.procedure_name = "D\u{306}a\u{306}ng ky\u{301} khai sinh".replace("D\u{306}", "Đ");
    let pdf = receipt(&data).unwrap();
    let text = text_flat(&save("decomposed.pdf", &pdf));
    assert!(text.contains("Nguyễn Thị Hường"), "{text}");
}

#[test]
fn absurd_input_is_refused_with_a_code() {
    let mut data = samples::receipt();
    data.applicant.name = "x".repeat(MAX_FIELD_CHARS + 1);
    let err = receipt(&data).unwrap_err();
    assert_eq!(err.code(), "form_field_too_long");
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("applicant.name"));

    let mut data = samples::tracking_book(0);
    data.rows = vec![TrackingRow::default(); MAX_ROWS + 1];
    assert_eq!(
        tracking_book(&data).unwrap_err().code(),
        "form_too_many_rows"
    );

    let mut data = samples::tracking_book(1);
    std::mem::swap(&mut data.from, &mut data.to);
    assert_eq!(
        tracking_book(&data).unwrap_err().code(),
        "form_invalid_period"
    );

    let mut data = samples::receipt();
    data.lookup_url = format!("https://example.vn/{}", "a".repeat(4_000));
    assert_eq!(
        receipt(&data).unwrap_err().code(),
        "form_lookup_url_too_long"
    );

    let mut data = samples::refusal();
    data.letterhead.agency.name = "Ủy ban nhân dân ".repeat(40);
    let err = refusal(&data).unwrap_err();
    assert_eq!(err.code(), "form_field_too_long");
    assert!(err.to_string().contains("letterhead.agency.name"), "{err}");

    // A field exactly at the limit is printed.
    let mut data = samples::refusal();
    data.reasons = vec!["lý do ".repeat(MAX_FIELD_CHARS / 6)];
    let pdf = refusal(&data).unwrap();
    assert!(pages(&save("refusal-at-limit.pdf", &pdf)) >= 2);
}
