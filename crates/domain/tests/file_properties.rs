//! Random files driven by random action sequences: whatever officers click,
//! in whatever order and at whatever time, the workflow never reaches an
//! impossible record, never panics, and keeps its promises (counts only
//! grow, one apology at most, deadlines never move earlier, ended files
//! accept only closing).

mod file_support;

use file_support::*;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use motcua_domain::calendar::deadline::{Channel, ProcessingTime, ShareAmount};
use motcua_domain::file::evaluation::{IndicatorSet, evaluate};
use motcua_domain::file::{
    Action, ActionContext, ActionKind, FileRecord, FileState, HandoverMethod, NewFile,
    OnlineReceiptMoment, ProcedureTerms, Transition, apply, available_actions, open,
};
use motcua_domain::rules::{RuleSet, SupplementMode};
use proptest::prelude::*;

/// An action, some parts resolved against the record when applied.
#[derive(Debug, Clone)]
enum Spec {
    Plain(Action),
    /// New date `days` after the current appointment (or the start date).
    Apologize {
        days: i64,
        reason: String,
    },
    /// One of the actions the record allows now, well formed, so that
    /// sequences get deep into the workflow instead of bouncing off guards.
    Guided {
        pick: usize,
        unit_id: i64,
        user: i64,
        days: i64,
        hours: u32,
    },
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("Lý do".to_string()),
        1 => Just("   ".to_string()),
        1 => Just(String::new()),
        1 => "[a-zđươ ]{0,12}",
    ]
}

fn items() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

fn unit() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(AGENCY_UNIT),
        Just(TAX_UNIT),
        Just(LAND_UNIT),
        Just(32i64)
    ]
}

fn share() -> impl Strategy<Value = ShareAmount> {
    prop_oneof![
        (0u32..40).prop_map(ShareAmount::WorkingHours),
        (0u32..4, 0u32..6).prop_map(|(num, den)| ShareAmount::Fraction { num, den }),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    use Action as A;
    let plain = prop_oneof![
        Just(A::Receive),
        items().prop_map(|missing_items| A::ReturnForCompletion { missing_items }),
        Just(A::Resubmit),
        unit().prop_map(|unit_id| A::Transfer { unit_id }),
        (unit(), 200i64..203).prop_map(|(unit_id, assignee_id)| A::Assign {
            unit_id,
            assignee_id
        }),
        (unit(), 200i64..203, text()).prop_map(|(unit_id, assignee_id, reason)| A::Reassign {
            unit_id,
            assignee_id,
            reason
        }),
        Just(A::StartExamination),
        items().prop_map(|missing_items| A::RequestSupplement { missing_items }),
        Just(A::SupplementReceived),
        (unit(), share()).prop_map(|(unit_id, share)| A::SendToAgency { unit_id, share }),
        unit().prop_map(|unit_id| A::ReceiveFromAgency { unit_id }),
        Just(A::SubmitForApproval),
        text().prop_map(|reason| A::SendBack { reason }),
        Just(A::Approve),
        items().prop_map(|reasons| A::Refuse { reasons }),
        text().prop_map(|reason| A::StopProcessing { reason }),
        prop::option::of(text()).prop_map(|reason| A::Withdraw { reason }),
        text().prop_map(|reason| A::Cancel { reason }),
        Just(A::MarkResultReady),
        prop_oneof![
            Just(HandoverMethod::Counter),
            Just(HandoverMethod::Post),
            Just(HandoverMethod::Electronic)
        ]
        .prop_map(|method| A::HandOver { method }),
        Just(A::Close),
    ];
    let guided = (any::<usize>(), unit(), 200i64..203, -2i64..10, 1u32..30).prop_map(
        |(pick, unit_id, user, days, hours)| Spec::Guided {
            pick,
            unit_id,
            user,
            days,
            hours,
        },
    );
    prop_oneof![
        3 => plain.prop_map(Spec::Plain),
        1 => (-3i64..15, text()).prop_map(|(days, reason)| Spec::Apologize { days, reason }),
        12 => guided,
    ]
}

fn apology(record: &FileRecord, days: i64, reason: &str) -> Action {
    let base: Date = record
        .deadline
        .as_ref()
        .map_or(Date::constant(2026, 1, 1), |d| d.appointment_date);
    Action::Apologize {
        reason: reason.to_string(),
        new_date: base.checked_add(days.days()).unwrap_or(base),
    }
}

fn guided(
    kind: ActionKind,
    record: &FileRecord,
    unit_id: i64,
    user: i64,
    days: i64,
    hours: u32,
) -> Action {
    use ActionKind as K;
    let reason = || "Lý do".to_string();
    match kind {
        K::Open | K::Import | K::Receive => Action::Receive,
        K::ReturnForCompletion => Action::ReturnForCompletion {
            missing_items: vec![reason()],
        },
        K::Resubmit => Action::Resubmit,
        K::Transfer => Action::Transfer { unit_id },
        K::Assign => Action::Assign {
            unit_id,
            assignee_id: user,
        },
        K::Reassign => Action::Reassign {
            unit_id,
            assignee_id: user,
            reason: reason(),
        },
        K::StartExamination => Action::StartExamination,
        K::RequestSupplement => Action::RequestSupplement {
            missing_items: vec![reason()],
        },
        K::SupplementReceived => Action::SupplementReceived,
        K::SendToAgency => Action::SendToAgency {
            unit_id: if unit_id == record.current_unit_id {
                33
            } else {
                unit_id
            },
            share: ShareAmount::WorkingHours(hours),
        },
        K::ReceiveFromAgency => Action::ReceiveFromAgency {
            unit_id: record.open_legs().next().map_or(unit_id, |l| l.unit_id),
        },
        K::SubmitForApproval => Action::SubmitForApproval,
        K::SendBack => Action::SendBack { reason: reason() },
        K::Approve => Action::Approve,
        K::Refuse => Action::Refuse {
            reasons: vec![reason()],
        },
        K::StopProcessing => Action::StopProcessing { reason: reason() },
        K::Withdraw => Action::Withdraw { reason: None },
        K::Cancel => Action::Cancel { reason: reason() },
        K::Apologize => apology(record, days, "Lý do"),
        K::MarkResultReady => Action::MarkResultReady,
        K::HandOver => Action::HandOver {
            method: HandoverMethod::Counter,
        },
        K::Close => Action::Close,
    }
}

fn resolve(spec: &Spec, record: &FileRecord) -> Action {
    match spec {
        Spec::Plain(a) => a.clone(),
        Spec::Apologize { days, reason } => apology(record, *days, reason),
        Spec::Guided {
            pick,
            unit_id,
            user,
            days,
            hours,
        } => {
            let kinds = available_actions(record);
            if kinds.is_empty() {
                return Action::Close;
            }
            // Ending actions are everywhere; pick them less often so files
            // live long enough to meet supplements, legs and apologies.
            let ending = |k: &ActionKind| {
                matches!(
                    k,
                    ActionKind::Withdraw
                        | ActionKind::Cancel
                        | ActionKind::StopProcessing
                        | ActionKind::Refuse
                )
            };
            let going_on: Vec<ActionKind> = kinds.iter().copied().filter(|k| !ending(k)).collect();
            let kind = if going_on.is_empty() || pick % 12 == 0 {
                kinds[pick % kinds.len()]
            } else {
                going_on[(pick / 12) % going_on.len()]
            };
            guided(kind, record, *unit_id, *user, *days, *hours)
        }
    }
}

fn processing_time() -> impl Strategy<Value = ProcessingTime> {
    prop_oneof![
        (1u32..15).prop_map(ProcessingTime::WorkingDays),
        (1u32..30).prop_map(ProcessingTime::CalendarDays),
        (1u32..40).prop_map(ProcessingTime::WorkingHours),
        Just(ProcessingTime::SameDay),
    ]
}

#[derive(Debug, Clone)]
struct Setup {
    channel: Channel,
    time: ProcessingTime,
    /// Minutes after 2019-02-01 00:00 local.
    start_minutes: i64,
    pause_mode: bool,
    accept_moment: bool,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        prop_oneof![
            Just(Channel::Counter),
            Just(Channel::Post),
            Just(Channel::Online)
        ],
        processing_time(),
        0i64..(8 * 365 * 24 * 60),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(channel, time, start_minutes, pause_mode, accept_moment)| Setup {
                channel,
                time,
                start_minutes,
                pause_mode,
                accept_moment,
            },
        )
}

fn opened(s: &Setup) -> Option<FileRecord> {
    let now = at("2019-02-01T00:00")
        .checked_add(SignedDuration::from_mins(s.start_minutes))
        .ok()?;
    let date = now
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date();
    let rule_set: &RuleSet = RuleSet::in_force_at(date)?;
    let terms = ProcedureTerms::new(s.time);
    let new = NewFile {
        channel: s.channel,
        rule_set,
        terms: &terms,
        receiving_unit_id: COUNTER_UNIT,
    };
    let t = open(&new, &ActionContext::new(OFFICER, now, cal())).ok()?;
    let mut record = t.record;
    if s.pause_mode {
        record.rules.deadline.supplement_mode = SupplementMode::Pause;
    }
    if s.accept_moment {
        record.rules.online_receipt_moment = OnlineReceiptMoment::Acceptance;
    }
    Some(record)
}

fn check_step(old: &FileRecord, t: &Transition, kind: ActionKind, now: Timestamp) {
    let new = &t.record;
    assert_eq!(new.check_invariants(), Ok(()), "{new:#?}");
    assert_eq!(t.event.from, Some(old.state));
    assert_eq!(t.event.to, new.state);
    assert_eq!(t.event.at, now);
    assert_eq!(new.version, old.version + 1);
    assert!(new.supplement_request_count() >= old.supplement_request_count());
    assert!(new.completion_returns >= old.completion_returns);
    assert!(new.apology_count() <= 1);
    if old.apology.is_some() {
        assert_eq!(new.apology, old.apology, "the apology is never replaced");
    }
    assert!(new.legs.len() >= old.legs.len());
    for (a, b) in old.legs.iter().zip(&new.legs) {
        if !a.is_open() {
            assert_eq!(a, b, "a closed leg never changes");
        }
    }
    if let (Some(a), Some(b)) = (&old.deadline, &new.deadline) {
        assert!(b.due >= a.due, "due moved earlier: {a:?} -> {b:?}");
        assert!(b.legal_due >= a.legal_due, "legal due moved earlier");
    }
    if old.state.is_end() {
        assert_eq!(kind, ActionKind::Close);
        assert_eq!(new.state, old.state);
    }
    if old.processing_finished_at.is_some() {
        assert_eq!(new.processing_finished_at, old.processing_finished_at);
    }
    let json = serde_json::to_string(t).unwrap();
    assert_eq!(&serde_json::from_str::<Transition>(&json).unwrap(), t);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_action_sequences_keep_every_promise(
        s in setup(),
        steps in prop::collection::vec(
            (spec(), prop_oneof![9 => 0i64..4320, 1 => -60i64..0]),
            1..40,
        ),
    ) {
        let Some(mut record) = opened(&s) else { return Ok(()); };
        for (spec, minutes) in &steps {
            let now = record
                .last_changed_at
                .checked_add(SignedDuration::from_mins(*minutes))
                .unwrap();
            let action = resolve(spec, &record);
            let kind = action.kind();
            let was_closed = record.closed_at.is_some();
            match apply(&record, &action, &ActionContext::new(OFFICER, now, cal())) {
                Ok(t) => {
                    prop_assert!(!was_closed, "a closed file changed");
                    check_step(&record, &t, kind, now);
                    record = t.record;
                }
                Err(e) => {
                    prop_assert!(e.code().starts_with("file.") || e.code().starts_with("deadline."));
                    prop_assert_ne!(e.code(), "file.inconsistent", "{:?} on {:?}", action, record.state);
                }
            }
            if record.resolution().is_some() {
                let set = IndicatorSet::in_force_at(Date::constant(2024, 1, 1)).unwrap();
                let ev = evaluate(set, &record, &Default::default()).unwrap();
                prop_assert!(ev.total <= ev.scored_max && ev.scored_max <= ev.max);
            }
        }
    }

    #[test]
    fn corrupted_records_are_refused_not_panicked_on(
        s in setup(),
        steps in prop::collection::vec(spec(), 0..12),
        state_index in 0usize..16,
        last in spec(),
    ) {
        let Some(mut record) = opened(&s) else { return Ok(()); };
        for spec in &steps {
            let now = record.last_changed_at.checked_add(SignedDuration::from_hours(3)).unwrap();
            let action = resolve(spec, &record);
            if let Ok(t) = apply(&record, &action, &ActionContext::new(OFFICER, now, cal())) {
                record = t.record;
            }
        }
        record.state = FileState::ALL[state_index];
        let now = record.last_changed_at.checked_add(SignedDuration::from_hours(1)).unwrap();
        let action = resolve(&last, &record);
        let result = apply(&record, &action, &ActionContext::new(OFFICER, now, cal()));
        if record.check_invariants().is_err() {
            prop_assert_eq!(result.unwrap_err().code(), "file.inconsistent");
        } else if let Ok(t) = result {
            prop_assert_eq!(t.record.check_invariants(), Ok(()));
        }
    }
}
