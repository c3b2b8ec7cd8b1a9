use super::*;
use crate::calendar::deadline::{Channel, DeadlineInput, compute_deadline};
use crate::calendar::{CalendarConfig, WorkingCalendar};
use crate::file::FileState;
use jiff::Timestamp;
use std::sync::OnceLock;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarConfig::builtin()).unwrap())
}

fn at(s: &str) -> Timestamp {
    format!("{s}+07:00").parse().unwrap()
}

fn step(kind: StepKind, role: &str, percent: u32) -> ProcessStep {
    ProcessStep {
        kind,
        role: role.into(),
        unit_code: None,
        share_percent: Some(percent),
        share_hours: None,
    }
}

fn days(n: u32) -> ProcessingTime {
    ProcessingTime {
        value: n,
        unit: TimeUnit::WorkingDays,
    }
}

fn standard() -> ProcessDefinition {
    ProcessDefinition {
        steps: vec![
            step(StepKind::Receive, "counter_officer", 10),
            step(StepKind::Examine, "specialist", 50),
            step(StepKind::Approve, "leader", 30),
            step(StepKind::Return, "counter_officer", 10),
        ],
    }
}

fn code_of(p: &ProcessDefinition, time: ProcessingTime) -> &'static str {
    p.validate(time).map_or_else(|e| e.code(), |()| "ok")
}

#[test]
fn a_standard_process_is_valid_and_the_default_is_too() {
    assert_eq!(code_of(&standard(), days(5)), "ok");
    for v in DefaultProcess::builtin() {
        assert_eq!(code_of(&v.definition(), days(1)), "ok", "{}", v.id);
    }
    let d = DefaultProcess::in_force_at(jiff::civil::date(2026, 3, 2));
    assert_eq!(d.id, "default-2025-07-01");
    // Files received before the first version follow it too.
    assert_eq!(
        DefaultProcess::in_force_at(jiff::civil::date(2020, 1, 1)).id,
        d.id
    );
}

#[test]
fn each_broken_rule_has_its_own_code() {
    let mut p = standard();
    p.steps[1].share_percent = Some(40);
    assert_eq!(code_of(&p, days(5)), "process.shares_not_100");

    let mut p = standard();
    p.steps.swap(0, 1);
    assert_eq!(code_of(&p, days(5)), "process.first_not_receive");

    let mut p = standard();
    p.steps.pop();
    assert_eq!(code_of(&p, days(5)), "process.last_not_return");

    let mut p = standard();
    p.steps[1].kind = StepKind::Return;
    assert_eq!(code_of(&p, days(5)), "process.misplaced_end");

    let mut p = standard();
    p.steps[1].role = "boss".into();
    assert_eq!(code_of(&p, days(5)), "process.unknown_role");

    // A specialist does not sign; an administrator does not receive files.
    let mut p = standard();
    p.steps[2].role = "specialist".into();
    assert_eq!(code_of(&p, days(5)), "process.role_cannot_act");
    let mut p = standard();
    p.steps[0].role = "administrator".into();
    assert_eq!(code_of(&p, days(5)), "process.role_cannot_act");

    let mut p = standard();
    p.steps
        .insert(2, step(StepKind::InterAgency, "specialist", 0));
    assert_eq!(code_of(&p, days(5)), "process.inter_agency_needs_unit");
    p.steps[2].unit_code = Some("Sở Tư pháp".into());
    assert_eq!(code_of(&p, days(5)), "process.bad_unit_code");
    p.steps[2].unit_code = Some("000.00.12.H48".into());
    assert_eq!(code_of(&p, days(5)), "ok");

    let mut p = standard();
    p.steps[1].share_hours = Some(8);
    assert_eq!(code_of(&p, days(5)), "process.share_missing");

    let mut p = standard();
    p.steps[1].share_percent = None;
    p.steps[1].share_hours = Some(8);
    assert_eq!(code_of(&p, days(5)), "process.mixed_shares");

    let p = ProcessDefinition { steps: vec![] };
    assert_eq!(code_of(&p, days(5)), "process.step_count");
}

fn in_hours(hours: [u32; 4]) -> ProcessDefinition {
    let mut p = standard();
    for (s, h) in p.steps.iter_mut().zip(hours) {
        s.share_percent = None;
        s.share_hours = Some(h);
    }
    p
}

#[test]
fn shares_in_hours_add_up_to_the_processing_time() {
    assert_eq!(code_of(&in_hours([2, 24, 10, 4]), days(5)), "ok");
    assert_eq!(
        code_of(&in_hours([2, 24, 10, 3]), days(5)),
        "process.hours_mismatch"
    );
    let calendar_days = ProcessingTime {
        value: 5,
        unit: TimeUnit::CalendarDays,
    };
    assert_eq!(
        code_of(&in_hours([2, 24, 10, 4]), calendar_days),
        "process.hours_need_working_time"
    );
}

#[test]
fn step_dues_split_the_working_time_and_end_on_the_deadline() {
    // Received Monday 2026-03-02 at 08:00; 5 working days = 40 working hours.
    let deadline = compute_deadline(
        cal(),
        &DeadlineInput::new(
            at("2026-03-02T08:00:00"),
            Channel::Counter,
            crate::calendar::deadline::ProcessingTime::WorkingDays(5),
        ),
    )
    .unwrap();
    let p = in_hours([2, 24, 10, 4]);
    let steps = schedule(
        cal(),
        &p,
        deadline.effective_start,
        deadline.due,
        FileState::UnderExamination,
        &[],
    )
    .unwrap();
    let dues: Vec<Timestamp> = steps.iter().map(|s| s.due).collect();
    // Working hours 07:00–11:30 and 13:30–17:00: receiving takes 2 h, until 10:00 Monday.
    assert_eq!(dues[0], at("2026-03-02T10:00:00"));
    assert_eq!(*dues.last().unwrap(), deadline.due);
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    // Each step gets exactly its working hours.
    let work = |t: Timestamp| {
        cal()
            .work_before(crate::calendar::day::local_seconds(t))
            .unwrap()
    };
    let mut prev = work(deadline.effective_start);
    for (s, h) in steps.iter().zip([2, 24, 10, 4]) {
        assert_eq!(work(s.due) - prev, h * 3600, "{:?}", s.step.kind);
        prev = work(s.due);
    }
    assert_eq!(
        steps.iter().map(|s| s.current).collect::<Vec<_>>(),
        [false, true, false, false]
    );
}

#[test]
fn the_current_step_follows_the_file_state() {
    let mut p = standard();
    let mut leg = step(StepKind::InterAgency, "specialist", 0);
    leg.unit_code = Some("000.00.12.H48".into());
    p.steps.insert(2, leg.clone());
    leg.unit_code = Some("000.00.13.H48".into());
    p.steps.insert(3, leg);
    let at = |s| current_step(&p, s, &["000.00.13.H48"]);
    assert_eq!(at(FileState::Received), Some(0));
    assert_eq!(at(FileState::Assigned), Some(1));
    assert_eq!(at(FileState::AwaitingSupplement), Some(1));
    assert_eq!(at(FileState::AtOtherAgency), Some(3));
    assert_eq!(at(FileState::AwaitingApproval), Some(4));
    assert_eq!(at(FileState::ResultReady), Some(5));
    assert_eq!(at(FileState::HandedOver), None);
    assert_eq!(at(FileState::Submitted), None);
    // A process without an approval step: the file awaiting approval is still examined.
    let short = ProcessDefinition {
        steps: vec![
            step(StepKind::Receive, "counter_officer", 20),
            step(StepKind::Examine, "leader", 60),
            step(StepKind::Return, "counter_officer", 20),
        ],
    };
    assert_eq!(
        current_step(&short, FileState::AwaitingApproval, &[]),
        Some(1)
    );
    assert_eq!(current_step(&short, FileState::AtOtherAgency, &[]), Some(1));
}
