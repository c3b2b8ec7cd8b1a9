//! Properties that must hold for every input, not just the examples.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, date};
use motcua_domain::calendar::deadline::{
    Channel, DeadlineInput, Pause, ProcessingTime, compute_deadline,
};
use motcua_domain::calendar::{CalendarConfig, WorkingCalendar, WorkingHours};
use motcua_domain::rules::SupplementMode;
use proptest::prelude::*;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarConfig::builtin()).unwrap())
}

fn saturday_cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let mut config = CalendarConfig::builtin();
        config.working_hours = WorkingHours::with_saturday_morning();
        WorkingCalendar::new(&config).unwrap()
    })
}

fn day(offset: i64) -> Date {
    date(1990, 1, 1)
        .checked_add(jiff::Span::new().days(offset))
        .unwrap()
}

/// True if the local moment lies in a working period of its day or at its end.
fn in_working_time(cal: &WorkingCalendar, t: Timestamp) -> bool {
    let z = t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)));
    let info = cal.day_info(z.date()).unwrap();
    info.periods
        .iter()
        .any(|p| p.start <= z.time() && z.time() <= p.end)
}

fn channel() -> impl Strategy<Value = Channel> {
    prop_oneof![
        Just(Channel::Counter),
        Just(Channel::Post),
        Just(Channel::Online)
    ]
}

fn processing() -> impl Strategy<Value = ProcessingTime> {
    prop_oneof![
        (0u32..120).prop_map(ProcessingTime::WorkingDays),
        (0u32..200).prop_map(ProcessingTime::WorkingHours),
        (0u32..90).prop_map(ProcessingTime::CalendarDays),
        Just(ProcessingTime::SameDay),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_working_days_lands_on_working_days_and_is_monotonic(offset in 0i64..40_000, n in -400i32..400) {
        let cal = cal();
        let d = day(offset);
        let r = cal.add_working_days(d, n).unwrap();
        prop_assert!(cal.is_working_day(r));
        let r_next = cal.add_working_days(d, n + 1).unwrap();
        // Day 0 of a day off is the next working day, as is day 1.
        if n == 0 && !cal.is_working_day(d) {
            prop_assert_eq!(r_next, r);
        } else {
            prop_assert!(r_next > r);
        }
        if n > 0 { prop_assert!(r > d); }
        if n < 0 { prop_assert!(r < d); }
        // Going back the same number of working days returns to a working start.
        if cal.is_working_day(d) && n != 0 {
            prop_assert_eq!(cal.add_working_days(r, -n).unwrap(), d);
        }
    }

    #[test]
    fn deadlines_never_fall_in_non_working_time_and_never_before_receipt(
        secs in 631_152_000i64..4_102_444_800, // 1990-01-01 .. 2100-01-01
        ch in channel(),
        p in processing(),
        saturday in any::<bool>(),
    ) {
        let cal = if saturday { saturday_cal() } else { cal() };
        let received = Timestamp::from_second(secs).unwrap();
        let input = DeadlineInput::new(received, ch, p);
        let d = compute_deadline(cal, &input).unwrap();
        prop_assert!(d.due >= received || p == ProcessingTime::WorkingDays(0) || p == ProcessingTime::WorkingHours(0));
        prop_assert!(d.effective_start >= received);
        prop_assert!(in_working_time(cal, d.due), "{} {:?} -> {}", received, p, d.due);
        prop_assert!(d.due >= d.effective_start);
    }

    #[test]
    fn a_later_receipt_never_gets_an_earlier_deadline(
        secs in 946_684_800i64..4_102_444_800,
        later in 0i64..1_000_000,
        ch in channel(),
        p in processing(),
    ) {
        let a = DeadlineInput::new(Timestamp::from_second(secs).unwrap(), ch, p);
        let b = DeadlineInput::new(Timestamp::from_second(secs + later).unwrap(), ch, p);
        prop_assert!(compute_deadline(cal(), &b).unwrap().due >= compute_deadline(cal(), &a).unwrap().due);
    }

    #[test]
    fn waiting_is_reported_in_both_modes_and_never_shortens_the_deadline(
        secs in 946_684_800i64..4_000_000_000,
        wait_start in 0i64..2_000_000,
        wait in 0i64..2_000_000,
        n in 1u32..60,
    ) {
        let received = Timestamp::from_second(secs).unwrap();
        let pause = Pause {
            requested_at: Timestamp::from_second(secs + wait_start).unwrap(),
            resumed_at: Timestamp::from_second(secs + wait_start + wait).unwrap(),
        };
        let plain = DeadlineInput::new(received, Channel::Counter, ProcessingTime::WorkingDays(n));
        let base = compute_deadline(cal(), &plain).unwrap();
        for mode in [SupplementMode::Restart, SupplementMode::Pause] {
            let mut input = plain.clone();
            input.rules.supplement_mode = mode;
            input.pauses.push(pause);
            let d = compute_deadline(cal(), &input).unwrap();
            prop_assert!(d.due >= base.due);
            prop_assert!(d.waiting_working_seconds >= 0);
            prop_assert!(in_working_time(cal(), d.due));
        }
    }
}
