use super::*;
use crate::calendar::CalendarConfig;
use std::sync::OnceLock;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarConfig::builtin()).unwrap())
}

fn rules() -> &'static FeedbackDeadlines {
    FeedbackDeadlines::in_force_at(jiff::civil::date(2026, 11, 1)).unwrap()
}

/// `2026-11-16T09:00` in Vietnam (a Monday).
fn at(s: &str) -> Timestamp {
    format!("{s}+07:00").parse().unwrap()
}

fn ctx(now: &str) -> Context<'static> {
    Context {
        now: at(now),
        calendar: cal(),
        deadlines: rules(),
    }
}

fn received() -> FeedbackRecord {
    receive(&ctx("2026-11-16T09:00"), FeedbackChannel::Counter, 1).unwrap()
}

#[test]
fn receipt_sets_the_forward_deadline_in_working_days() {
    let r = received();
    assert_eq!(r.state, FeedbackState::Received);
    // Five working days from Monday 16/11 09:00 is Monday 23/11 09:00.
    assert_eq!(r.due_at, Some(at("2026-11-23T09:00")));
    assert_eq!(r.current_unit_id(), 1);
}

#[test]
fn the_24_november_holiday_pushes_the_deadline() {
    // From 2026, 24/11 is a day off: 5 working days from Friday 20/11 end on Monday 30/11.
    let r = receive(&ctx("2026-11-20T09:00"), FeedbackChannel::Counter, 1).unwrap();
    assert_eq!(r.due_at, Some(at("2026-11-30T09:00")));
}

#[test]
fn the_full_path_measures_each_step() {
    let r = received();
    let t = apply(&r, &FeedbackAction::Accept, &ctx("2026-11-16T10:00")).unwrap();
    let t = apply(
        &t.record,
        &FeedbackAction::Forward { unit_id: 7 },
        &ctx("2026-11-17T10:00"),
    )
    .unwrap();
    let fwd = t.completed.clone().unwrap();
    assert_eq!(
        (fwd.step, fwd.unit_id, fwd.on_time),
        (Step::Forward, 1, true)
    );
    assert_eq!(t.record.current_unit_id(), 7);
    // Handling: 15 working days from Tuesday 17/11 10:00 (24/11 off) = Wednesday 9/12 10:00.
    assert_eq!(t.record.due_at, Some(at("2026-12-09T10:00")));
    let t = apply(
        &t.record,
        &FeedbackAction::Answer { text: "x".into() },
        &ctx("2026-11-20T10:00"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::Answered);
    let t = apply(
        &t.record,
        &FeedbackAction::Approve,
        &ctx("2026-12-10T10:00"),
    )
    .unwrap();
    let handle = t.completed.clone().unwrap();
    assert_eq!((handle.step, handle.unit_id), (Step::Handle, 7));
    assert!(!handle.on_time, "approved a day after the 15 working days");
    assert!(t.notify_sender);
    assert_eq!(
        t.record.current_unit_id(),
        1,
        "the receiving unit publishes"
    );
    let t = apply(
        &t.record,
        &FeedbackAction::Publish {
            public_question: None,
            public_title: None,
        },
        &ctx("2026-12-11T10:00"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::Published);
    assert!(t.completed.unwrap().on_time);
    let t = apply(
        &t.record,
        &FeedbackAction::Rate { satisfied: true },
        &ctx("2026-12-12T10:00"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::Closed);
    assert_eq!(t.record.satisfied, Some(true));
    assert_eq!(t.record.steps.len(), 3);
    assert_eq!(
        apply(
            &t.record,
            &FeedbackAction::Rate { satisfied: false },
            &ctx("2026-12-13T10:00")
        ),
        Err(FeedbackError::AlreadyRated)
    );
}

#[test]
fn rejecting_after_two_working_days_is_late() {
    let r = received();
    let t = apply(
        &r,
        &FeedbackAction::Reject {
            reason: "Không thuộc phạm vi".into(),
        },
        &ctx("2026-11-18T09:01"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::Rejected);
    assert!(!t.completed.unwrap().on_time);
    let t = apply(
        &r,
        &FeedbackAction::Reject { reason: "x".into() },
        &ctx("2026-11-18T09:00"),
    )
    .unwrap();
    assert!(t.completed.unwrap().on_time);
}

#[test]
fn information_from_the_sender_restarts_checking() {
    let r = received();
    let t = apply(
        &r,
        &FeedbackAction::AskInfo {
            question: "Số hồ sơ?".into(),
        },
        &ctx("2026-11-17T09:00"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::AwaitingInfo);
    assert_eq!(
        t.record.due_at, None,
        "no deadline while the sender is asked"
    );
    let t = apply(
        &t.record,
        &FeedbackAction::ProvideInfo { text: "y".into() },
        &ctx("2026-11-26T09:00"),
    )
    .unwrap();
    assert_eq!(t.record.state, FeedbackState::Received);
    assert_eq!(t.record.step_started_at, at("2026-11-26T09:00"));
    assert_eq!(t.record.due_at, Some(at("2026-12-03T09:00")));
}

#[test]
fn actions_out_of_order_are_refused() {
    let r = received();
    for action in [
        FeedbackAction::Approve,
        FeedbackAction::Answer { text: "x".into() },
        FeedbackAction::Publish {
            public_question: None,
            public_title: None,
        },
        FeedbackAction::Rate { satisfied: true },
        FeedbackAction::ProvideInfo { text: "x".into() },
    ] {
        let err = apply(&r, &action, &ctx("2026-11-16T10:00")).unwrap_err();
        assert_eq!(err.code(), "feedback.wrong_state");
        assert!(err.message_vi().contains("Đã tiếp nhận"));
    }
    assert_eq!(
        apply(
            &r,
            &FeedbackAction::Forward { unit_id: 1 },
            &ctx("2026-11-16T10:00")
        ),
        Err(FeedbackError::SameUnit)
    );
}

#[test]
fn urgency_follows_the_deadline() {
    let now = at("2026-11-16T09:00");
    let soon = at("2026-11-17T09:00");
    assert_eq!(
        urgency(Some(at("2026-11-16T08:00")), now, soon),
        Urgency::Overdue
    );
    assert_eq!(
        urgency(Some(at("2026-11-16T16:00")), now, soon),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(Some(at("2026-11-20T16:00")), now, soon),
        Urgency::InTime
    );
    assert_eq!(urgency(None, now, soon), Urgency::InTime);
}

#[test]
fn names_round_trip() {
    for s in FeedbackState::ALL {
        assert_eq!(FeedbackState::parse(s.as_str()), Some(s));
    }
    for s in Subject::ALL {
        assert_eq!(Subject::parse(s.as_str()), Some(s));
    }
    for s in Step::ALL {
        assert_eq!(Step::parse(s.as_str()), Some(s));
    }
}
