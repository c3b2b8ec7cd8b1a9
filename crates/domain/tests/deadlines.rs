//! Concrete deadlines a counter officer would check by hand, with the
//! explanation printed on pages.

use jiff::Timestamp;
use jiff::civil::{Time, date};
use motcua_domain::calendar::deadline::{
    Channel, DeadlineError, DeadlineInput, ExplanationStep, Extension, Pause, ProcessingTime,
    Share, ShareAmount, SkipReason, compute_deadline,
};
use motcua_domain::calendar::{CalendarConfig, WorkingCalendar};
use motcua_domain::rules::{CalendarDayEnd, OnlinePolicy, SupplementMode};

fn cal() -> WorkingCalendar {
    WorkingCalendar::new(&CalendarConfig::builtin()).unwrap()
}

fn at(s: &str) -> Timestamp {
    format!("{s}+07:00").parse().unwrap()
}

fn local(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

#[test]
fn friday_1610_counter_receipt_skips_weekend_and_culture_day() {
    let input = DeadlineInput::new(
        at("2026-11-20T16:10"),
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
    );
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.due), "2026-11-26T17:00");
    assert_eq!(d.appointment_date, date(2026, 11, 26));
    assert_eq!(local(d.effective_start), "2026-11-23T07:00");
    let text = d.to_vietnamese();
    assert_eq!(
        text,
        "Tiếp nhận lúc 16:10 thứ Sáu 20/11/2026 sau 15:00, chuyển xử lý từ 07:00 thứ Hai 23/11/2026\n\
         Không tính thứ Ba 24/11/2026 (nghỉ lễ: Ngày Văn hóa Việt Nam)\n\
         Hạn trả kết quả: 17:00 thứ Năm 26/11/2026 (3 ngày làm việc = 24 giờ làm việc)"
    );
}

#[test]
fn weekend_is_one_step_and_receipt_before_cutoff_counts_at_once() {
    let input = DeadlineInput::new(
        at("2026-11-13T14:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(1),
    );
    let d = compute_deadline(&cal(), &input).unwrap();
    // 14:00–17:00 Friday is 3 h; 5 more hours Monday: 07:00–11:30 and 13:30–14:00.
    assert_eq!(local(d.due), "2026-11-16T14:00");
    let skipped: Vec<_> = d
        .explanation
        .iter()
        .filter(|s| matches!(s, ExplanationStep::SkippedNonWorking { .. }))
        .collect();
    assert_eq!(
        skipped,
        [&ExplanationStep::SkippedNonWorking {
            from: date(2026, 11, 14),
            to: date(2026, 11, 15),
            reason: SkipReason::Weekend
        }]
    );
    assert!(
        d.to_vietnamese()
            .contains("Không tính thứ Bảy 14/11/2026 – Chủ nhật 15/11/2026 (nghỉ cuối tuần)")
    );
}

#[test]
fn online_receipt_on_saturday_starts_monday_morning() {
    let mut input = DeadlineInput::new(
        at("2026-11-21T10:00"),
        Channel::Online,
        ProcessingTime::WorkingDays(1),
    );
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.effective_start), "2026-11-23T07:00");
    assert_eq!(local(d.due), "2026-11-23T17:00");
    assert!(d.to_vietnamese().starts_with("Nộp trực tuyến lúc 10:00 thứ Bảy 21/11/2026 ngoài giờ làm việc, tính từ 07:00 thứ Hai 23/11/2026"));
    // Counting "as received" gives the same due moment: only working time counts.
    input.rules.online_outside_hours = OnlinePolicy::AsReceived;
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-23T17:00"
    );
    // Online during working hours after 15:00 is not handed over next day.
    let input = DeadlineInput::new(
        at("2026-11-20T16:00"),
        Channel::Online,
        ProcessingTime::WorkingHours(2),
    );
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-23T08:00"
    );
}

#[test]
fn tet_2026_is_skipped_with_its_name() {
    let input = DeadlineInput::new(
        at("2026-02-12T09:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(5),
    );
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.due), "2026-02-26T09:00");
    let text = d.to_vietnamese();
    assert!(
        text.contains("Không tính thứ Bảy 14/02/2026 – Chủ nhật 15/02/2026 (nghỉ cuối tuần)"),
        "{text}"
    );
    assert!(
        text.contains(
            "Không tính thứ Hai 16/02/2026 – thứ Sáu 20/02/2026 (nghỉ lễ: Tết Nguyên đán)"
        ),
        "{text}"
    );
    assert!(
        text.contains("Không tính thứ Bảy 21/02/2026 – Chủ nhật 22/02/2026 (nghỉ cuối tuần)"),
        "{text}"
    );
}

fn supplement_input(mode: SupplementMode) -> DeadlineInput {
    let mut input = DeadlineInput::new(
        at("2026-03-02T08:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(5),
    );
    input.rules.supplement_mode = mode;
    input.pauses.push(Pause {
        requested_at: at("2026-03-04T08:00"),
        resumed_at: at("2026-03-09T10:00"),
    });
    input
}

#[test]
fn supplement_restart_counts_again_from_the_complete_file() {
    let d = compute_deadline(&cal(), &supplement_input(SupplementMode::Restart)).unwrap();
    assert_eq!(local(d.effective_start), "2026-03-09T10:00");
    assert_eq!(local(d.due), "2026-03-16T10:00");
    // Wed 7 h + Thu 8 h + Fri 8 h + Mon 3 h of waiting, reported for scoring.
    assert_eq!(d.waiting_working_seconds, 26 * 3600);
    assert!(
        d.to_vietnamese()
            .contains("thời hạn tính lại từ đầu từ 10:00 thứ Hai 09/03/2026")
    );
}

#[test]
fn supplement_pause_adds_the_waiting_time() {
    let d = compute_deadline(&cal(), &supplement_input(SupplementMode::Pause)).unwrap();
    // 16 h used before the request, 24 h left from Monday 10:00.
    assert_eq!(local(d.due), "2026-03-12T10:00");
    assert_eq!(d.waiting_working_seconds, 26 * 3600);
    assert!(
        d.to_vietnamese()
            .contains("thời gian chờ được cộng vào thời hạn")
    );
}

#[test]
fn a_supplement_requested_after_the_deadline_changes_nothing() {
    let mut input = DeadlineInput::new(
        at("2026-03-02T08:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(1),
    );
    input.pauses.push(Pause {
        requested_at: at("2026-03-10T08:00"),
        resumed_at: at("2026-03-11T08:00"),
    });
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.due), "2026-03-03T08:00");
    assert_eq!(d.waiting_working_seconds, 8 * 3600);
}

#[test]
fn apology_extension_moves_the_appointment_once() {
    let mut input = DeadlineInput::new(
        at("2026-11-20T16:10"),
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
    );
    input.extension = Some(Extension {
        issued_at: at("2026-11-25T10:00"),
        new_date: date(2026, 12, 1),
    });
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.legal_due), "2026-11-26T17:00");
    assert_eq!(local(d.due), "2026-12-01T17:00");
    assert_eq!(d.appointment_date, date(2026, 12, 1));
    assert!(matches!(
        d.explanation.last(),
        Some(ExplanationStep::Extension {
            issued_in_time: true,
            ..
        })
    ));
    // Issued on the deadline's own day: recorded as late.
    input.extension = Some(Extension {
        issued_at: at("2026-11-26T08:00"),
        new_date: date(2026, 12, 1),
    });
    let d = compute_deadline(&cal(), &input).unwrap();
    assert!(d.to_vietnamese().contains("thư gửi muộn"));
    input.extension = Some(Extension {
        issued_at: at("2026-11-25T08:00"),
        new_date: date(2026, 11, 25),
    });
    assert!(matches!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::ExtensionBeforeDeadline(_))
    ));
}

#[test]
fn same_day_procedures_and_their_cutoff() {
    let mut input = DeadlineInput::new(
        at("2026-11-20T10:00"),
        Channel::Counter,
        ProcessingTime::SameDay,
    );
    input.same_day_cutoff = Some(Time::constant(15, 0, 0, 0));
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-20T17:00"
    );
    input.received_at = at("2026-11-20T15:30");
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-23T17:00"
    );
    // The next working day after Monday 23/11 is Wednesday (24/11 is a holiday).
    input.received_at = at("2026-11-23T16:00");
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-25T17:00"
    );
}

#[test]
fn calendar_days_ending_on_a_day_off() {
    let mut input = DeadlineInput::new(
        at("2026-11-18T09:00"),
        Channel::Counter,
        ProcessingTime::CalendarDays(3),
    );
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.due), "2026-11-23T17:00");
    assert!(d.to_vietnamese().contains("ngày cuối thứ Bảy 21/11/2026 không phải ngày làm việc nên hạn là cuối ngày làm việc kế tiếp"));
    input.rules.calendar_days_end = CalendarDayEnd::PreviousWorkingDay;
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().due),
        "2026-11-20T17:00"
    );
}

#[test]
fn inter_agency_shares() {
    let mut input = DeadlineInput::new(
        at("2026-03-02T07:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(5),
    );
    input.shares = vec![
        Share {
            agency: "UBND xã".into(),
            amount: ShareAmount::WorkingHours(16),
        },
        Share {
            agency: "Sở Tư pháp".into(),
            amount: ShareAmount::WorkingHours(24),
        },
    ];
    let d = compute_deadline(&cal(), &input).unwrap();
    assert_eq!(local(d.agency_dues[0].due), "2026-03-03T17:00");
    assert_eq!(local(d.agency_dues[1].due), "2026-03-06T17:00");
    assert_eq!(d.agency_dues[1].due, d.due);
    input.shares = vec![
        Share {
            agency: "A".into(),
            amount: ShareAmount::Fraction { num: 2, den: 5 },
        },
        Share {
            agency: "B".into(),
            amount: ShareAmount::Fraction { num: 3, den: 5 },
        },
    ];
    assert_eq!(
        local(compute_deadline(&cal(), &input).unwrap().agency_dues[0].due),
        "2026-03-03T17:00"
    );
    input.shares[1].amount = ShareAmount::Fraction { num: 1, den: 2 };
    assert_eq!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::SharesMismatch)
    );
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let input = DeadlineInput::new(
        at("2026-11-20T16:10"),
        Channel::Counter,
        ProcessingTime::WorkingDays(3651),
    );
    assert_eq!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::DurationTooLong)
    );
    let input = DeadlineInput::new(
        at("2199-12-30T09:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(30),
    );
    assert!(matches!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::OutOfRange(_))
    ));
    let input = DeadlineInput::new(Timestamp::MIN, Channel::Online, ProcessingTime::SameDay);
    assert!(matches!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::OutOfRange(_))
    ));
    let mut input = DeadlineInput::new(
        at("2026-11-20T09:00"),
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
    );
    input.pauses.push(Pause {
        requested_at: at("2026-11-21T09:00"),
        resumed_at: at("2026-11-20T09:00"),
    });
    assert_eq!(
        compute_deadline(&cal(), &input),
        Err(DeadlineError::InvalidPause)
    );
}
