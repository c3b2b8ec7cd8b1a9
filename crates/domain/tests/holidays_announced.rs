//! The built-in calendar reproduces the holiday schedules announced for civil
//! servants. Each expected stretch of days off is typed in from the
//! announcement (or the press report of it) named beside it.

use jiff::civil::{Date, date};
use motcua_domain::calendar::{CalendarConfig, DayReason, WorkingCalendar};

fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(&CalendarConfig::builtin()).unwrap()
}

/// Every day from `from` to `to` is off, and the working days just before
/// and after are working days: the stretch is exactly as announced.
fn assert_off_stretch(cal: &WorkingCalendar, from: Date, to: Date) {
    let mut d = from;
    while d <= to {
        assert!(
            !cal.is_working_day(d),
            "{d} should be off ({from}..{to}): {:?}",
            cal.day_info(d)
        );
        d = d.tomorrow().unwrap();
    }
    assert!(
        cal.is_working_day(from.yesterday().unwrap()),
        "{} should be worked",
        from.yesterday().unwrap()
    );
    assert!(
        cal.is_working_day(to.tomorrow().unwrap()),
        "{} should be worked",
        to.tomorrow().unwrap()
    );
}

#[test]
fn tet_schedules_2020_to_2026() {
    let cal = calendar();
    // 2020: 23/1 (29 Chạp) – 29/1 (mùng 5), daklak.gov.vn citing the announcement.
    assert_off_stretch(&cal, date(2020, 1, 23), date(2020, 1, 29));
    // 2021: 10/2 – 16/2/2021.
    assert_off_stretch(&cal, date(2021, 2, 10), date(2021, 2, 16));
    // 2022: 29/1 – 6/2/2022 (9 days).
    assert_off_stretch(&cal, date(2022, 1, 29), date(2022, 2, 6));
    // 2023: 20/1 – 26/1/2023, agreed by Deputy PM Vũ Đức Đam.
    assert_off_stretch(&cal, date(2023, 1, 20), date(2023, 1, 26));
    // 2024: 8/2 – 14/2/2024.
    assert_off_stretch(&cal, date(2024, 2, 8), date(2024, 2, 14));
    // 2025: 25/1 – 2/2/2025, Công văn 8726/VPCP-KGVX.
    assert_off_stretch(&cal, date(2025, 1, 25), date(2025, 2, 2));
    // 2026: 14/2 – 22/2/2026 (27 Chạp – mùng 6), 5 Tết days 16/2 – 20/2.
    assert_off_stretch(&cal, date(2026, 2, 14), date(2026, 2, 22));
}

#[test]
fn april_may_schedules() {
    let cal = calendar();
    // 2023: Giỗ Tổ Sat 29/4, 30/4 Sun, 1/5 Mon, compensation 2/5 and 3/5.
    assert_off_stretch(&cal, date(2023, 4, 29), date(2023, 5, 3));
    // 2024: 27/4 – 1/5, swap of Mon 29/4 with Sat 4/5 (2450/VPCP-KGVX).
    assert_off_stretch(&cal, date(2024, 4, 27), date(2024, 5, 1));
    assert!(cal.is_working_day(date(2024, 5, 4)));
    // 2025: 30/4 – 4/5, swap of Fri 2/5 with Sat 26/4 (8726/VPCP-KGVX).
    assert_off_stretch(&cal, date(2025, 4, 30), date(2025, 5, 4));
    assert!(cal.is_working_day(date(2025, 4, 26)));
    // 2022: 30/4 Sat, 1/5 Sun, compensation Mon 2/5 and Tue 3/5.
    assert_off_stretch(&cal, date(2022, 4, 30), date(2022, 5, 3));
}

#[test]
fn national_day_schedules() {
    let cal = calendar();
    // 2020, Labour Code 2012: 2/9 only (a Wednesday).
    assert_off_stretch(&cal, date(2020, 9, 2), date(2020, 9, 2));
    // 2021: 2/9 – 5/9. 2022: 1/9 – 4/9. 2023: 1/9 – 4/9 (2/9 Sat, compensation Mon 4/9).
    assert_off_stretch(&cal, date(2021, 9, 2), date(2021, 9, 5));
    assert_off_stretch(&cal, date(2022, 9, 1), date(2022, 9, 4));
    assert_off_stretch(&cal, date(2023, 9, 1), date(2023, 9, 4));
    // 2024: 31/8 – 3/9 (btv.org.vn). 2025: 30/8 – 2/9 (8726/VPCP-KGVX).
    assert_off_stretch(&cal, date(2024, 8, 31), date(2024, 9, 3));
    assert_off_stretch(&cal, date(2025, 8, 30), date(2025, 9, 2));
    // 2026: 29/8 – 2/9 with Saturday 22/8 worked (unconfirmed, see data).
    assert_off_stretch(&cal, date(2026, 8, 29), date(2026, 9, 2));
    assert!(cal.is_working_day(date(2026, 8, 22)));
}

#[test]
fn new_year_day_2026_swap_and_culture_day() {
    let cal = calendar();
    // 1/1 – 4/1/2026, Fri 2/1 swapped with Sat 10/1 (12729/VPCP-KGVX).
    assert_off_stretch(&cal, date(2026, 1, 1), date(2026, 1, 4));
    assert!(cal.is_working_day(date(2026, 1, 10)));
    let info = cal.day_info(date(2026, 1, 10)).unwrap();
    assert!(
        matches!(info.reason, DayReason::MakeUpWork { ref source, .. } if source.contains("12729"))
    );
    // Ngày Văn hóa Việt Nam, Tuesday 24/11/2026; not a holiday in 2025.
    assert!(!cal.is_working_day(date(2026, 11, 24)));
    assert!(cal.is_working_day(date(2025, 11, 24)));
    // Giỗ Tổ 2026 falls on Sunday 26/4: compensated on Monday 27/4.
    let info = cal.day_info(date(2026, 4, 27)).unwrap();
    assert_eq!(
        info.reason,
        DayReason::Compensation {
            name: "Giỗ Tổ Hùng Vương".into()
        }
    );
}

#[test]
fn the_special_days_of_2026() {
    let cal = calendar();
    let lines: Vec<String> = cal
        .special_days(2026)
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d.date, d.reason.label_vi()))
        .collect();
    assert_eq!(
        lines,
        [
            "2026-01-01 Tết Dương lịch",
            "2026-01-02 Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
            "2026-02-16 Tết Nguyên đán",
            "2026-02-17 Tết Nguyên đán",
            "2026-02-18 Tết Nguyên đán",
            "2026-02-19 Tết Nguyên đán",
            "2026-02-20 Tết Nguyên đán",
            "2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương",
            "2026-04-30 Ngày Chiến thắng",
            "2026-05-01 Ngày Quốc tế lao động",
            "2026-08-31 Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)",
            "2026-09-01 Quốc khánh (ngày liền kề)",
            "2026-09-02 Quốc khánh",
            "2026-11-24 Ngày Văn hóa Việt Nam",
            "2026-01-10 Làm bù cho thứ Sáu 02/01/2026",
            "2026-08-22 Làm bù cho thứ Hai 31/8/2026",
        ]
    );
}

#[test]
fn an_administrator_can_remove_and_add_days() {
    let mut config = CalendarConfig::builtin();
    config.removed.push(date(2026, 11, 24));
    config
        .adjustments
        .push(motcua_domain::calendar::DayAdjustment {
            date: date(2026, 11, 23),
            kind: motcua_domain::calendar::AdjustmentKind::Off,
            name: "Nghỉ theo quyết định của tỉnh".into(),
            source: "Quyết định 1/QĐ-UBND".into(),
            note: None,
        });
    let cal = WorkingCalendar::new(&config).unwrap();
    assert!(cal.is_working_day(date(2026, 11, 24)));
    assert!(!cal.is_working_day(date(2026, 11, 23)));
    // The config survives a round trip through JSON (the store keeps it so).
    let json = serde_json::to_string(&config).unwrap();
    let back: CalendarConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, config);
}
