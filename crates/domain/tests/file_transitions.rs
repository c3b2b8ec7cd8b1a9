//! The transition table, exhaustively: every state × every action, with a
//! well-formed action, is either allowed or refused with a specific code.

mod file_support;

use file_support::*;
use jiff::ToSpan;
use jiff::civil::date;
use motcua_domain::file::{
    Action, ActionContext, ActionKind, FileRecord, FileState, apply, available_actions,
};

/// A well-formed action of `kind` for `record` (content valid, so only the
/// state decides).
fn sample(kind: ActionKind, record: &FileRecord) -> Action {
    use ActionKind as K;
    let reason = || "Lý do cụ thể".to_string();
    match kind {
        K::Open | K::Import => unreachable!("not applicable to an existing file"),
        K::Receive => Action::Receive,
        K::ReturnForCompletion => Action::ReturnForCompletion {
            missing_items: vec!["Tờ khai".into()],
        },
        K::Resubmit => Action::Resubmit,
        K::Transfer => Action::Transfer {
            unit_id: AGENCY_UNIT,
        },
        K::Assign => Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
        K::Reassign => Action::Reassign {
            unit_id: AGENCY_UNIT,
            assignee_id: OTHER_SPECIALIST,
            reason: reason(),
        },
        K::StartExamination => Action::StartExamination,
        K::RequestSupplement => supplement(&["Bản sao giấy chứng nhận"]),
        K::SupplementReceived => Action::SupplementReceived,
        K::SendToAgency => leg(LAND_UNIT, 8),
        K::ReceiveFromAgency => Action::ReceiveFromAgency { unit_id: TAX_UNIT },
        K::SubmitForApproval => Action::SubmitForApproval,
        K::SendBack => Action::SendBack { reason: reason() },
        K::Approve => Action::Approve,
        K::Refuse => Action::Refuse {
            reasons: vec![reason()],
        },
        K::StopProcessing => Action::StopProcessing { reason: reason() },
        K::Withdraw => Action::Withdraw { reason: None },
        K::Cancel => Action::Cancel { reason: reason() },
        K::Apologize => apologize(
            record
                .deadline
                .as_ref()
                .map_or(date(2026, 12, 31), |d| d.appointment_date)
                .checked_add(7.days())
                .unwrap(),
        ),
        K::MarkResultReady => Action::MarkResultReady,
        K::HandOver => hand_over(),
        K::Close => Action::Close,
    }
}

const COLUMNS: &str =
    "Rcv Ret Res Trf Asg Rea Exa Sup SRc Snd Bck Apr SBk App Ref Stp Wdr Can Apo Rdy Hnd Cls";

/// ok = allowed; ws wrong_state; fi finished; ri result_already_issued;
/// nr result_not_ready. Columns follow `ActionKind::APPLICABLE`.
#[rustfmt::skip]
const TABLE_2025: [(FileState, &str); 16] = [
    (FileState::Submitted,             "ok  ok  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ok  ok  ws  ws  nr  ws"),
    (FileState::ReturnedForCompletion, "ws  ws  ok  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ok  ok  ws  ws  nr  ws"),
    (FileState::Received,              "ws  ws  ws  ok  ok  ws  ws  ws  ws  ws  ws  ws  ws  ws  ok  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::AtAgency,              "ws  ws  ws  ws  ok  ws  ws  ok  ws  ws  ws  ws  ws  ws  ok  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::Assigned,              "ws  ws  ws  ws  ws  ok  ok  ok  ws  ws  ws  ws  ws  ws  ok  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::UnderExamination,      "ws  ws  ws  ws  ws  ok  ws  ok  ws  ok  ws  ok  ws  ws  ok  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::AwaitingSupplement,    "ws  ws  ws  ws  ws  ok  ws  ws  ok  ws  ws  ws  ws  ws  ok  ok  ok  ok  ws  ws  nr  ws"),
    (FileState::AtOtherAgency,         "ws  ws  ws  ws  ws  ok  ws  ws  ws  ok  ok  ws  ws  ws  ws  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::AwaitingApproval,      "ws  ws  ws  ws  ws  ok  ws  ok  ws  ws  ws  ws  ok  ok  ok  ok  ok  ok  ok  ws  nr  ws"),
    (FileState::Approved,              "ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ri  ri  ri  ri  ok  ok  nr  ws"),
    (FileState::ResultReady,           "ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ws  ri  ri  ri  ri  ws  ws  ok  ws"),
    (FileState::HandedOver,            "fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  ok"),
    (FileState::Refused,               "fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  ok"),
    (FileState::Withdrawn,             "fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  ok"),
    (FileState::Stopped,               "fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  ok"),
    (FileState::Cancelled,             "fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  fi  ok"),
];

fn expected_code(cell: &str) -> Option<&'static str> {
    match cell {
        "ok" => None,
        "ws" => Some("file.wrong_state"),
        "fi" => Some("file.finished"),
        "ri" => Some("file.result_already_issued"),
        "nr" => Some("file.result_not_ready"),
        "sv" => Some("file.stop_not_in_rule_version"),
        "cl" => Some("file.closed"),
        other => panic!("unknown cell {other}"),
    }
}

fn outcome(record: &FileRecord, kind: ActionKind) -> Option<&'static str> {
    let action = sample(kind, record);
    let ctx = ActionContext::new(OFFICER, next_moment(record), cal());
    match apply(record, &action, &ctx) {
        Ok(t) => {
            assert_eq!(t.event.from, Some(record.state));
            assert_eq!(t.event.to, t.record.state);
            assert_eq!(t.record.version, record.version + 1);
            assert_eq!(t.record.check_invariants(), Ok(()));
            None
        }
        Err(e) => Some(e.code()),
    }
}

/// Checks one table against records built from `start`; `skip` lists states
/// that cannot exist under that rule version.
fn check_table(start: &str, row_of: impl Fn(FileState, &str) -> String, skip: &[FileState]) {
    let kinds = ActionKind::APPLICABLE;
    assert_eq!(COLUMNS.split_whitespace().count(), kinds.len());
    let mut failures = Vec::new();
    for (state, row) in TABLE_2025 {
        if skip.contains(&state) {
            continue;
        }
        let record = record_in(state, at(start));
        let row = row_of(state, row);
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.len(), kinds.len(), "row {state}");
        let mut available = Vec::new();
        for ((kind, cell), column) in kinds.iter().zip(&cells).zip(COLUMNS.split_whitespace()) {
            let expected = expected_code(cell);
            let got = outcome(&record, *kind);
            if expected.is_none() {
                available.push(*kind);
            }
            if got != expected {
                failures.push(format!(
                    "{state} × {column}: expected {expected:?}, got {got:?}"
                ));
            }
        }
        assert_eq!(available_actions(&record), available, "buttons of {state}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_state_and_action_under_the_2025_rules() {
    check_table("2026-11-02T08:00", |_, row| row.to_string(), &[]);
}

#[test]
fn under_the_2018_rules_stopping_does_not_exist() {
    // 2024: Decree 61/2018 + Circular 01/2018, no stop notice form.
    let stop_column = 15;
    assert_eq!(
        ActionKind::APPLICABLE[stop_column],
        ActionKind::StopProcessing
    );
    check_table(
        "2024-11-04T08:00",
        |state, row| {
            let mut cells: Vec<&str> = row.split_whitespace().collect();
            if state.is_in_processing() {
                cells[stop_column] = "sv";
            }
            cells.join(" ")
        },
        &[FileState::Stopped],
    );
}

#[test]
fn a_closed_file_accepts_nothing() {
    for state in [
        FileState::HandedOver,
        FileState::Refused,
        FileState::Withdrawn,
        FileState::Stopped,
        FileState::Cancelled,
    ] {
        let record = record_in(state, at("2026-11-02T08:00"));
        let ctx = ActionContext::new(OFFICER, next_moment(&record), cal());
        let closed = apply(&record, &Action::Close, &ctx).unwrap();
        assert_eq!(closed.record.state, state, "closing keeps how it ended");
        assert!(closed.record.closed_at.is_some());
        assert!(available_actions(&closed.record).is_empty());
        for kind in ActionKind::APPLICABLE {
            assert_eq!(
                outcome(&closed.record, kind),
                Some("file.closed"),
                "{state} closed × {kind:?}"
            );
        }
    }
}
