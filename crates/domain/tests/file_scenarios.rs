//! Files a counter officer, a specialist and a leader would walk through,
//! with the due moments they would check by hand (November 2026: Tuesday
//! 24/11 is Ngày Văn hóa Việt Nam, a day off).

mod file_support;

use file_support::*;
use jiff::civil::date;
use motcua_domain::calendar::deadline::{Channel, ProcessingTime};
use motcua_domain::calendar::timeliness::Resolution;
use motcua_domain::file::{
    Action, DeadlineChange, Effect, FileState, Flag, FormKind, HistoryEvent, Transition,
};
use motcua_domain::rules::SupplementMode;

fn effects(d: &Driver) -> &[Effect] {
    &d.last.as_ref().unwrap().effects
}

fn flags(d: &Driver) -> &[Flag] {
    &d.last.as_ref().unwrap().event.flags
}

#[test]
fn counter_file_friday_1610_with_a_supplement_restarts_and_finishes_early() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-20T16:10"),
    );
    assert_eq!(f.state(), FileState::Received);
    // After 15:00: counted from Monday 07:00; Tuesday 24/11 is off.
    assert_eq!(f.due(), "2026-11-26T17:00");
    assert!(effects(&f).contains(&Effect::AllocateFileCode));
    assert!(effects(&f).contains(&Effect::PrintForm {
        form: FormKind::Receipt,
        number: "01".into()
    }));

    f.then(
        Action::Transfer {
            unit_id: AGENCY_UNIT,
        },
        "2026-11-23T08:00",
    )
    .then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-23T08:30",
    )
    .then(Action::StartExamination, "2026-11-23T09:00")
    .then(
        supplement(&["Bản sao giấy phép xây dựng"]),
        "2026-11-23T10:00",
    );
    assert_eq!(f.state(), FileState::AwaitingSupplement);
    assert!(flags(&f).is_empty(), "first request, within 3 working days");

    // The complete file arrives Wednesday 09:30: the deadline restarts from
    // zero: 24 working hours from 09:30 Wednesday end Monday 30/11 09:30.
    f.then(Action::SupplementReceived, "2026-11-25T09:30");
    assert_eq!(f.due(), "2026-11-30T09:30");
    assert_eq!(f.legal_due(), "2026-11-30T09:30");
    // Waiting: Monday 10:00–17:00 (5 h) + Wednesday 07:00–09:30 (2.5 h).
    assert!(effects(&f).contains(&Effect::SupplementWait {
        waiting_working_seconds: 27_000
    }));
    assert!(effects(&f).contains(&Effect::DeadlineChanged {
        cause: DeadlineChange::SupplementRestart,
        previous_due: at("2026-11-26T17:00"),
        due: at("2026-11-30T09:30"),
        appointment_date: date(2026, 11, 30),
        legal_due: at("2026-11-30T09:30"),
    }));

    f.then(Action::SubmitForApproval, "2026-11-27T10:00")
        .then(Action::Approve, "2026-11-27T14:00")
        .then(Action::MarkResultReady, "2026-11-27T16:00");
    assert_eq!(f.record.resolution(), Some(Resolution::Early));
    assert_eq!(f.record.current_unit_id, COUNTER_UNIT);
    // Handed over on Monday after the due moment: still early, because
    // timeliness is judged on when processing finished.
    f.then(hand_over(), "2026-11-30T10:00");
    assert_eq!(f.state(), FileState::HandedOver);
    assert_eq!(f.record.resolution(), Some(Resolution::Early));
    assert_eq!(
        f.record.processing_finished_at,
        Some(at("2026-11-27T16:00"))
    );

    let chain: Vec<(Option<FileState>, FileState)> =
        f.history.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(chain.len(), 10);
    assert_eq!(chain[0], (None, FileState::Received));
    assert!(chain.windows(2).all(|w| w[0].1 == w[1].0.unwrap()));
    let versions: Vec<i64> = f.history.iter().map(|e| e.version).collect();
    assert_eq!(versions, (0..10).collect::<Vec<_>>());
}

#[test]
fn pause_mode_adds_the_waiting_time_instead() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-20T16:10"),
    );
    // The mode is part of the rules stored with the file.
    f.record.rules.deadline.supplement_mode = SupplementMode::Pause;
    f.then(
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        "2026-11-23T08:00",
    )
    .then(Action::StartExamination, "2026-11-23T08:30")
    .then(supplement(&["Tờ khai có chữ ký"]), "2026-11-23T10:00")
    .then(Action::SupplementReceived, "2026-11-25T09:30");
    // 3 h used before the request; 21 h from Wednesday 09:30.
    assert_eq!(f.due(), "2026-11-27T16:30");
}

#[test]
fn a_second_supplement_request_is_counted_and_flagged_and_a_late_one_too() {
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
        "2026-11-02T09:00",
    )
    .then(Action::StartExamination, "2026-11-02T09:10")
    .then(supplement(&["Sơ đồ thửa đất"]), "2026-11-06T09:00");
    // Thursday 5/11 08:00 was the end of 3 working days.
    assert_eq!(flags(&f), [Flag::SupplementRequestedLate]);
    let empty = f.try_do(supplement(&["  ", ""]), at("2026-11-06T09:05"));
    assert_eq!(empty.unwrap_err().code(), "file.wrong_state");
    f.then(Action::SupplementReceived, "2026-11-09T08:00");
    let blank = f.try_do(supplement(&["  "]), at("2026-11-09T09:00"));
    assert_eq!(blank.unwrap_err().code(), "file.missing_items_required");
    f.then(supplement(&["Bản vẽ"]), "2026-11-09T09:00");
    assert!(flags(&f).contains(&Flag::RepeatedSupplementRequest { count: 2 }));
    assert_eq!(f.record.supplement_request_count(), 2);
}

#[test]
fn online_file_returned_for_completion_counts_from_the_complete_submission() {
    let mut f = Driver::open(
        Channel::Online,
        ProcessingTime::WorkingDays(1),
        at("2026-11-21T10:00"),
    );
    assert_eq!(f.state(), FileState::Submitted);
    assert!(f.record.deadline.is_none());
    f.then(
        Action::ReturnForCompletion {
            missing_items: vec!["Ảnh chân dung".into()],
        },
        "2026-11-23T08:00",
    )
    .then(Action::Resubmit, "2026-11-23T20:00")
    .then(Action::Receive, "2026-11-25T08:00");
    // Submitted Monday evening: counted from the next working period,
    // Wednesday 07:00 (Tuesday 24/11 is off).
    assert_eq!(f.record.received_at, Some(at("2026-11-23T20:00")));
    assert_eq!(f.due(), "2026-11-25T17:00");
    assert_eq!(f.record.completion_returns, 1);
}

#[test]
fn stale_versions_and_clocks_are_refused() {
    use motcua_domain::file::{ActionContext, apply};
    let f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(1),
        at("2026-11-02T08:00"),
    );
    let action = Action::Transfer {
        unit_id: AGENCY_UNIT,
    };
    let mut ctx = ActionContext::new(OFFICER, at("2026-11-02T09:00"), cal());
    ctx.expected_version = Some(3);
    let e = apply(&f.record, &action, &ctx).unwrap_err();
    assert_eq!(e.code(), "file.version_conflict");
    let ctx = ActionContext::new(OFFICER, at("2026-11-02T07:59"), cal());
    let e = apply(&f.record, &action, &ctx).unwrap_err();
    assert_eq!(e.code(), "file.time_before_last_change");
    // Instants are kept to the second, as the store keeps them.
    let precise = at("2026-11-02T09:00")
        .checked_add(jiff::SignedDuration::from_millis(750))
        .unwrap();
    let t = apply(
        &f.record,
        &action,
        &ActionContext::new(OFFICER, precise, cal()),
    )
    .unwrap();
    assert_eq!(t.event.at, at("2026-11-02T09:00"));
    assert_eq!(t.record.last_changed_at, at("2026-11-02T09:00"));
}

#[test]
fn history_and_transitions_round_trip_through_json() {
    let mut f = Driver::open(
        Channel::Counter,
        ProcessingTime::WorkingDays(3),
        at("2026-11-20T16:10"),
    );
    let mut ctx_note =
        motcua_domain::file::ActionContext::new(OFFICER, at("2026-11-23T08:00"), cal());
    ctx_note.note = Some("  Hồ sơ ưu tiên  ");
    let t = motcua_domain::file::apply(
        &f.record,
        &Action::Cancel {
            reason: "Nhập trùng hồ sơ".into(),
        },
        &ctx_note,
    )
    .unwrap();
    assert_eq!(t.event.note.as_deref(), Some("Hồ sơ ưu tiên"));
    assert_eq!(t.event.reason.as_deref(), Some("Nhập trùng hồ sơ"));
    let json = serde_json::to_string(&t).unwrap();
    assert!(
        json.contains(r#""from":"received","to":"cancelled""#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Transition>(&json).unwrap(), t);
    f.record = t.record.clone();
    f.history.push(t.event.clone());
    f.then(Action::Close, "2026-11-23T08:00");
    let history = serde_json::to_string(&f.history).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<HistoryEvent>>(&history).unwrap(),
        f.history
    );
}
