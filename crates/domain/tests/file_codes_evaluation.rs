//! File codes in both formats, and the Circular 01/2018 evaluation of
//! finished files.

mod file_support;

use std::collections::BTreeMap;

use file_support::*;
use jiff::civil::date;
use motcua_domain::calendar::deadline::{Channel, ProcessingTime};
use motcua_domain::calendar::timeliness::Resolution;
use motcua_domain::file::evaluation::{IndicatorSet, evaluate, file_facts};
use motcua_domain::file::{Action, CodeRequest, file_code};
use motcua_domain::rules::RuleSet;

fn code(on: jiff::civil::Date, agency: &str, seq: u64, platform: Option<&str>) -> String {
    let rs = RuleSet::in_force_at(on).unwrap();
    let req = CodeRequest {
        agency_code: agency,
        date: on,
        sequence: seq,
        platform_code: platform,
        template_override: None,
    };
    match file_code(rs, &req) {
        Ok(c) => c,
        Err(e) => e.code().to_string(),
    }
}

#[test]
fn circular_01_2018_format() {
    assert_eq!(
        code(date(2021, 2, 12), "000.00.01.H26", 1, None),
        "000.00.01.H26-210212-0001"
    );
    // Still the old format under the 2025 rules until 24 January 2026.
    assert_eq!(
        code(date(2026, 1, 24), "000.00.01.H26", 9_999, None),
        "000.00.01.H26-260124-9999"
    );
    // Four digits exactly: the 10,000th file of a day is an error, never a
    // truncated (reused) code.
    assert_eq!(
        code(date(2021, 2, 12), "000.00.01.H26", 10_000, None),
        "file_code.sequence_overflow"
    );
}

#[test]
fn national_format_from_25_january_2026() {
    assert_eq!(
        code(date(2026, 1, 25), "H26.123.45", 12, Some("01")),
        "H26.123.45-260125-010012"
    );
    // At least four digits: more files than 9,999 widen the number.
    assert_eq!(
        code(date(2026, 3, 2), "H26.123.45", 12_345, Some("01")),
        "H26.123.45-260302-0112345"
    );
    assert_eq!(
        code(date(2026, 3, 2), "H26.123.45", 1, None),
        "file_code.missing_platform"
    );
}

#[test]
fn a_procedure_may_carry_its_own_format_and_old_dates_have_none() {
    let rs = RuleSet::in_force_at(date(2026, 3, 2)).unwrap();
    let req = CodeRequest {
        agency_code: "000.00.01.H26",
        date: date(2026, 3, 2),
        sequence: 7,
        platform_code: None,
        template_override: Some("{agency}/{yyyy}/{seq:=6}"),
    };
    assert_eq!(file_code(rs, &req).unwrap(), "000.00.01.H26/2026/000007");
    let old = RuleSet::in_force_at(date(2020, 1, 1)).unwrap();
    let before = CodeRequest {
        date: date(2018, 1, 1),
        template_override: None,
        ..req
    };
    assert_eq!(
        file_code(old, &before).unwrap_err().code(),
        "file.no_code_format"
    );
}

fn set() -> &'static IndicatorSet {
    IndicatorSet::in_force_at(date(2026, 11, 1)).unwrap()
}

fn points(ev: &motcua_domain::file::evaluation::Evaluation) -> Vec<Option<u8>> {
    ev.scores.iter().map(|s| s.points).collect()
}

#[test]
fn a_file_finished_early_after_one_supplement() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-20T16:10"),
    );
    let answers: BTreeMap<u8, u8> = [(4, 2), (5, 2), (7, 2)].into();
    assert_eq!(
        evaluate(set(), &f.record, &answers).unwrap_err().code(),
        "evaluation.file_not_finished"
    );
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-23T08:00",
    )
    .then(Action::StartExamination, "2026-11-23T08:30")
    .then(supplement(&["Bản sao sổ hộ khẩu"]), "2026-11-23T09:00")
    .then(Action::SupplementReceived, "2026-11-23T14:00")
    .then(Action::SubmitForApproval, "2026-11-25T09:00")
    .then(Action::Approve, "2026-11-25T10:00")
    .then(Action::MarkResultReady, "2026-11-25T11:00");
    let ev = evaluate(set(), &f.record, &answers).unwrap();
    // 1: early → 2; 2: one agency, same as 1; 3: one contact → 1.
    assert_eq!(
        points(&ev),
        [
            Some(2),
            Some(2),
            Some(1),
            Some(2),
            Some(2),
            None,
            Some(2),
            None,
            None
        ]
    );
    assert_eq!((ev.total, ev.scored_max, ev.max), (11, 12, 18));
}

#[test]
fn answers_cannot_override_or_invent() {
    let f = record_in(
        motcua_domain::file::FileState::ResultReady,
        at("2026-11-02T08:00"),
    );
    let bad = |pairs: &[(u8, u8)]| {
        let answers: BTreeMap<u8, u8> = pairs.iter().copied().collect();
        evaluate(set(), &f, &answers).unwrap_err().code()
    };
    assert_eq!(bad(&[(1, 0)]), "evaluation.answer_for_system_indicator");
    assert_eq!(bad(&[(7, 3)]), "evaluation.invalid_points");
    assert_eq!(bad(&[(10, 2)]), "evaluation.unknown_indicator");
}

#[test]
fn a_late_leg_and_a_late_file_score_zero() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(2),
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
    .then(leg(TAX_UNIT, 4), "2026-11-02T09:00")
    .then(
        Action::ReceiveFromAgency { unit_id: TAX_UNIT },
        "2026-11-03T09:00",
    )
    .then(supplement(&["Tờ khai thuế"]), "2026-11-03T10:00")
    .then(Action::SupplementReceived, "2026-11-03T11:00")
    .then(supplement(&["Chứng từ nộp thuế"]), "2026-11-03T13:30")
    .then(Action::SupplementReceived, "2026-11-03T14:00")
    .then(Action::SubmitForApproval, "2026-11-04T09:00")
    .then(Action::Approve, "2026-11-04T10:00")
    .then(Action::MarkResultReady, "2026-11-09T08:00");
    let facts = file_facts(&f.record).unwrap();
    assert_eq!(facts.against_legal_deadline, Resolution::Late);
    assert_eq!(facts.worst_leg, Some(Resolution::Late));
    assert_eq!(facts.completion_contacts, 2);
    assert!(facts.repeated_supplement);
    let ev = evaluate(set(), &f.record, &BTreeMap::new()).unwrap();
    assert_eq!(&points(&ev)[..3], [Some(0), Some(0), Some(0)]);
    assert_eq!(ev.total, 0);
}
