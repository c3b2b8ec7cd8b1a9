//! The side paths of a file: inter-agency legs, the apology with a new
//! appointment, refusal, stop and withdrawal (November 2026: Tuesday 24/11
//! is Ngày Văn hóa Việt Nam, a day off).

mod file_support;

use file_support::*;
use jiff::civil::date;
use motcua_domain::calendar::deadline::{Channel, ProcessingTime, Share, ShareAmount};
use motcua_domain::calendar::timeliness::Resolution;
use motcua_domain::file::{Action, Effect, FileState, Flag, FormKind, ProcedureTerms};

fn effects(d: &Driver) -> &[Effect] {
    &d.last.as_ref().unwrap().effects
}

fn flags(d: &Driver) -> &[Flag] {
    &d.last.as_ref().unwrap().event.flags
}

#[test]
fn inter_agency_file_with_two_legs_counts_each_unit_once() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(10),
        at("2026-11-02T08:00"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:30",
    )
    .then(Action::StartExamination, "2026-11-02T09:00")
    .then(leg(TAX_UNIT, 16), "2026-11-02T10:00");
    assert_eq!(
        effects(&f),
        [Effect::LegOpened {
            unit_id: TAX_UNIT,
            due: at("2026-11-04T10:00")
        }]
    );
    // A fifth of ten working days, counted from its own sending.
    f.then(
        Action::SendToAgency {
            unit_id: LAND_UNIT,
            share: ShareAmount::Fraction { num: 1, den: 5 },
        },
        "2026-11-02T10:10",
    );
    assert_eq!(f.record.legs[1].due, at("2026-11-04T10:10"));
    let twice = f.try_do(leg(LAND_UNIT, 8), at("2026-11-02T10:20"));
    assert_eq!(twice.unwrap_err().code(), "file.leg_already_open");
    let own = f.try_do(leg(AGENCY_UNIT, 8), at("2026-11-02T10:20"));
    assert_eq!(own.unwrap_err().code(), "file.leg_to_own_unit");

    f.then(
        Action::ReceiveFromAgency { unit_id: TAX_UNIT },
        "2026-11-03T15:00",
    );
    assert_eq!(
        f.state(),
        FileState::AtOtherAgency,
        "land registry still has it"
    );
    let again = f.try_do(
        Action::ReceiveFromAgency { unit_id: TAX_UNIT },
        at("2026-11-03T15:10"),
    );
    assert_eq!(again.unwrap_err().code(), "file.no_open_leg");
    f.then(
        Action::ReceiveFromAgency { unit_id: LAND_UNIT },
        "2026-11-05T09:00",
    );
    assert_eq!(flags(&f), [Flag::LegReturnedLate { unit_id: LAND_UNIT }]);
    assert_eq!(f.state(), FileState::UnderExamination);

    // A second round at the tax office: a second leg, the same unit.
    f.then(leg(TAX_UNIT, 8), "2026-11-05T10:00").then(
        Action::ReceiveFromAgency { unit_id: TAX_UNIT },
        "2026-11-05T16:00",
    );
    assert_eq!(f.record.legs.len(), 3);
    assert_eq!(f.record.participating_units(), [TAX_UNIT, LAND_UNIT]);
}

#[test]
fn procedure_shares_give_each_agency_its_due_on_the_transfer_slip() {
    let terms = ProcedureTerms {
        shares: vec![
            Share {
                agency: "000.00.01.H26".into(),
                amount: ShareAmount::Fraction { num: 1, den: 2 },
            },
            Share {
                agency: "000.00.02.H26".into(),
                amount: ShareAmount::Fraction { num: 1, den: 2 },
            },
        ],
        ..ProcedureTerms::new(ProcessingTime::WorkingDays(2))
    };
    let f = Driver::open_with(Channel::Counter, &terms, at("2026-11-02T07:00"));
    let dues: Vec<String> = f
        .record
        .deadline
        .as_ref()
        .unwrap()
        .agency_dues
        .iter()
        .map(|a| local(a.due))
        .collect();
    assert_eq!(dues, ["2026-11-02T17:00", "2026-11-03T17:00"]);
}

#[test]
fn apology_one_calendar_day_before_the_deadline_and_only_once() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-20T16:10"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-23T08:00",
    );
    // On the deadline's own date it is too late, even in the morning.
    let late = f.try_do(apologize(date(2026, 12, 1)), at("2026-11-26T08:00"));
    assert_eq!(late.unwrap_err().code(), "file.apology_too_late");
    let same = f.try_do(apologize(date(2026, 11, 26)), at("2026-11-25T16:00"));
    assert_eq!(same.unwrap_err().code(), "file.new_appointment_not_later");
    // The evening before is one calendar day before (24 h would not be).
    f.then(apologize(date(2026, 12, 1)), "2026-11-25T20:00");
    assert_eq!(f.due(), "2026-12-01T17:00");
    assert_eq!(f.legal_due(), "2026-11-26T17:00");
    assert!(effects(&f).contains(&Effect::PrintForm {
        form: FormKind::Apology,
        number: "04".into()
    }));
    let second = f.try_do(apologize(date(2026, 12, 3)), at("2026-11-27T08:00"));
    assert_eq!(second.unwrap_err().code(), "file.apology_already_issued");

    f.then(Action::StartExamination, "2026-11-26T08:00")
        .then(Action::SubmitForApproval, "2026-11-27T08:00")
        .then(Action::Approve, "2026-11-27T09:00")
        .then(Action::MarkResultReady, "2026-11-30T10:00");
    // Late against the law, early against the new appointment.
    assert_eq!(flags(&f), [Flag::FinishedLate]);
    assert_eq!(f.record.resolution(), Some(Resolution::Late));
    assert_eq!(
        f.record.resolution_against_appointment(),
        Some(Resolution::Early)
    );
}

#[test]
fn a_restart_past_the_apology_date_lets_the_later_legal_deadline_govern() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-02T08:00"),
    );
    assert_eq!(f.due(), "2026-11-05T08:00");
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:10",
    )
    .then(apologize(date(2026, 11, 6)), "2026-11-02T09:00");
    assert_eq!(f.due(), "2026-11-06T17:00");
    f.then(supplement(&["Bản chính hợp đồng"]), "2026-11-02T09:30")
        .then(Action::SupplementReceived, "2026-11-04T10:00");
    assert_eq!(f.legal_due(), "2026-11-09T10:00");
    assert_eq!(f.due(), "2026-11-09T10:00");
}

#[test]
fn no_withdrawal_or_stop_once_a_result_is_issued() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(5),
        at("2026-11-02T08:00"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:10",
    )
    .then(Action::StartExamination, "2026-11-02T08:20")
    .then(Action::SubmitForApproval, "2026-11-02T09:00")
    .then(Action::Approve, "2026-11-02T10:00");
    for action in [
        Action::Withdraw { reason: None },
        Action::StopProcessing {
            reason: "Đề nghị của công dân".into(),
        },
    ] {
        let r = f.try_do(action, at("2026-11-02T11:00"));
        assert_eq!(r.unwrap_err().code(), "file.result_already_issued");
    }
    let r = f.try_do(hand_over(), at("2026-11-02T11:00"));
    assert_eq!(r.unwrap_err().code(), "file.result_not_ready");
}

#[test]
fn stopping_with_an_open_leg_abandons_it_and_prints_form_05() {
    let mut f = Driver::open(
        Channel::Post,
        ProcessingTime::WorkingDays(5),
        at("2026-11-02T08:00"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:10",
    )
    .then(Action::StartExamination, "2026-11-02T08:20")
    .then(leg(TAX_UNIT, 8), "2026-11-02T09:00");
    let no_reason = f.try_do(
        Action::StopProcessing { reason: " ".into() },
        at("2026-11-02T10:00"),
    );
    assert_eq!(no_reason.unwrap_err().code(), "file.reason_required");
    f.then(
        Action::StopProcessing {
            reason: "Công dân đề nghị dừng giải quyết".into(),
        },
        "2026-11-02T10:00",
    );
    assert_eq!(f.state(), FileState::Stopped);
    assert!(f.record.legs[0].abandoned);
    assert!(effects(&f).contains(&Effect::PrintForm {
        form: FormKind::StopNotice,
        number: "05".into()
    }));
    assert_eq!(f.record.resolution(), None, "a stop is not judged on time");
}

#[test]
fn refusal_needs_reasons_and_is_flagged_after_the_deadline() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(1),
        at("2026-11-02T08:00"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:10",
    );
    let none = f.try_do(Action::Refuse { reasons: vec![] }, at("2026-11-03T09:00"));
    assert_eq!(none.unwrap_err().code(), "file.reason_required");
    f.then(
        Action::Refuse {
            reasons: vec!["Không đủ điều kiện theo khoản 2 Điều 5".into()],
        },
        "2026-11-03T09:00",
    );
    assert_eq!(flags(&f), [Flag::RefusedAfterDeadline]);
    assert_eq!(f.record.resolution(), Some(Resolution::Late));
}

#[test]
fn refusal_while_waiting_is_judged_as_if_the_wait_ended_then() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(1),
        at("2026-11-02T08:00"),
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-02T08:10",
    )
    .then(Action::StartExamination, "2026-11-02T08:20")
    .then(supplement(&["Giấy ủy quyền"]), "2026-11-02T09:00")
    .then(
        Action::Refuse {
            reasons: vec!["Không bổ sung hồ sơ theo yêu cầu".into()],
        },
        "2026-11-20T09:00",
    );
    assert!(flags(&f).is_empty());
    assert_eq!(f.record.resolution(), Some(Resolution::Early));
    assert!(f.record.open_supplement().is_some(), "never answered");
}
