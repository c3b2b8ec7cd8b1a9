//! Text as it is printed: normalised input, and dates, times and amounts written the way
//! Vietnamese administrative documents write them.

use jiff::civil::{Date, DateTime};
use unicode_normalization::UnicodeNormalization;

/// Input text made printable.
///
/// - NFC: Vietnamese typed on some systems (old Windows keyboards, macOS file names, VNI-era
///   converters) arrives decomposed, e.g. `e` + U+0302 + U+0301 for `ế`. The fonts draw the
///   precomposed letter as one glyph, and `pdftotext` returns exactly what the ToUnicode map
///   says, so composing first gives both correct rendering and exact extraction without a
///   shaping engine. `unicode-normalization` does the composition with the Unicode tables
///   rather than a hand-made Vietnamese table, so every composable sequence is handled.
/// - Tabs and other whitespace become a plain space; other control characters are dropped;
///   `\n` is kept (it forces a line break) and `\r` is dropped.
pub(crate) fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.nfc() {
        match c {
            '\n' => out.push('\n'),
            '\r' => {}
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            // Zero-width and bidi formatting characters would print as '?'.
            '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What is printed for a field left empty: a dotted line to fill in by hand, as on the
/// blank templates of the circulars.
pub(crate) const BLANK: &str = "……………………";

/// `value`, or the dotted line when it is empty or only whitespace.
pub(crate) fn or_blank(value: &str) -> &str {
    if value.trim().is_empty() {
        BLANK
    } else {
        value
    }
}

/// Day and month the way Decree 30/2020/NĐ-CP (Appendix I) writes them in a document date:
/// a leading zero for days below 10 and for months 1 and 2, none for months 3 to 12.
fn day_month(date: Date) -> (String, String) {
    let day = format!("{:02}", date.day());
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    (day, month)
}

/// Dates before this year are taken as "not given": `Date::default()` is year 0, so a
/// default-constructed form prints dotted date lines, like the blank template.
const FIRST_YEAR: i16 = 1900;

pub(crate) fn is_blank_date(date: Date) -> bool {
    date.year() < FIRST_YEAR
}

/// "ngày 05 tháng 02 năm 2026", "ngày 23 tháng 11 năm 2026".
pub(crate) fn long_date(date: Date) -> String {
    if is_blank_date(date) {
        return "ngày …… tháng …… năm ……".to_owned();
    }
    let (day, month) = day_month(date);
    format!("ngày {day} tháng {month} năm {}", date.year())
}

/// The place-and-date line under the national heading: "Sơn La, ngày 23 tháng 11 năm 2026".
/// With no place the reader still gets a line to complete by hand.
pub(crate) fn place_date(place: &str, date: Date) -> String {
    let place = if place.trim().is_empty() {
        "……………"
    } else {
        place.trim()
    };
    format!("{place}, {}", long_date(date))
}

/// "08 giờ 30 phút, ngày 23 tháng 11 năm 2026": the wording of the receipt's items 4 and 5.
pub(crate) fn long_date_time(at: DateTime) -> String {
    if is_blank_date(at.date()) {
        return "…… giờ …… phút, ngày …… tháng …… năm ……".to_owned();
    }
    format!(
        "{:02} giờ {:02} phút, {}",
        at.hour(),
        at.minute(),
        long_date(at.date())
    )
}

/// "23/11/2026", for table cells where the long form does not fit.
pub(crate) fn short_date(date: Date) -> String {
    if is_blank_date(date) {
        return "……/……/……".to_owned();
    }
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// An amount in đồng with dots between thousands: "1.250.000 đồng".
pub(crate) fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(d);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{grouped} đồng")
}

/// Counts printed with two digits below ten, as on the templates: "01 (bộ)".
/// Zero is "not given" and prints as a dotted line.
pub(crate) fn count2(n: u32) -> String {
    if n == 0 {
        return "……".to_owned();
    }
    format!("{n:02}")
}

/// Upper case for headings. Rust's `to_uppercase` maps every Vietnamese letter correctly
/// (ư → Ư, đ → Đ, ỹ → Ỹ); the result stays NFC.
pub(crate) fn upper(text: &str) -> String {
    text.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn decomposed_vietnamese_is_composed() {
        // "Hường" typed as H u + horn + o + horn + grave + n g
        let decomposed = "Nguye\u{302}\u{303}n Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng";
        assert_eq!(clean(decomposed), "Nguyễn Thị Hường");
    }

    #[test]
    fn control_characters_are_dropped_and_whitespace_flattened() {
        assert_eq!(clean("a\tb\r\nc\u{7}d\u{200B}e"), "a b\ncde");
    }

    #[test]
    fn dates_follow_decree_30() {
        assert_eq!(long_date(date(2026, 2, 5)), "ngày 05 tháng 02 năm 2026");
        assert_eq!(long_date(date(2026, 11, 23)), "ngày 23 tháng 11 năm 2026");
        assert_eq!(long_date(date(2026, 3, 9)), "ngày 09 tháng 3 năm 2026");
        assert_eq!(
            place_date("Sơn La", date(2026, 11, 23)),
            "Sơn La, ngày 23 tháng 11 năm 2026"
        );
        assert_eq!(
            long_date_time(date(2026, 11, 23).at(8, 5, 0, 0)),
            "08 giờ 05 phút, ngày 23 tháng 11 năm 2026"
        );
    }

    #[test]
    fn default_dates_print_as_blanks() {
        assert_eq!(long_date(Date::default()), "ngày …… tháng …… năm ……");
        assert_eq!(
            long_date_time(DateTime::default()),
            "…… giờ …… phút, ngày …… tháng …… năm ……"
        );
        assert_eq!(count2(0), "……");
        assert_eq!(count2(3), "03");
    }

    #[test]
    fn amounts_are_grouped_with_dots() {
        assert_eq!(vnd(0), "0 đồng");
        assert_eq!(vnd(8000), "8.000 đồng");
        assert_eq!(vnd(1_250_000), "1.250.000 đồng");
        assert_eq!(vnd(-500), "-500 đồng");
        assert_eq!(vnd(i64::MIN), "-9.223.372.036.854.775.808 đồng");
    }

    #[test]
    fn upper_case_keeps_vietnamese_letters() {
        assert_eq!(
            upper("Trung tâm Phục vụ hành chính công tỉnh Sơn La"),
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH SƠN LA"
        );
        assert_eq!(upper("đường ỹ"), "ĐƯỜNG Ỹ");
    }
}
