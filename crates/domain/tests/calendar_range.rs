//! A calendar built for a few years answers exactly like the full 1900–2199 one inside those
//! years, and says "out of range" (never a wrong answer) outside them.

use jiff::civil::{Date, date};
use motcua_domain::calendar::{CalendarConfig, WorkingCalendar};

#[test]
fn a_calendar_for_a_few_years_agrees_with_the_full_one() {
    let config = CalendarConfig::builtin();
    let full = WorkingCalendar::new(&config).unwrap();
    let part = WorkingCalendar::for_years(&config, 2018, 2032).unwrap();
    let mut day: Date = date(2018, 1, 1);
    while day <= date(2032, 12, 31) {
        assert_eq!(part.is_working_day(day), full.is_working_day(day), "{day}");
        assert_eq!(
            part.day_info(day).unwrap(),
            full.day_info(day).unwrap(),
            "{day}"
        );
        if day.year() >= 2019 && day.year() <= 2031 {
            assert_eq!(
                part.add_working_days(day, 40).unwrap(),
                full.add_working_days(day, 40).unwrap()
            );
            assert_eq!(
                part.add_working_days(day, -40).unwrap(),
                full.add_working_days(day, -40).unwrap()
            );
        }
        day = day.tomorrow().unwrap();
    }
    assert!(
        part.day_info(date(2033, 1, 3)).is_err(),
        "outside the built years: an error"
    );
    assert!(part.add_working_days(date(2032, 12, 20), 30).is_err());
}
