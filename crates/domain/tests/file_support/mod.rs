//! Shared helpers for the file workflow tests: a calendar, local times, and
//! a driver that applies actions and keeps the record and its history.
#![allow(dead_code)]

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::Date;
use motcua_domain::calendar::deadline::{Channel, ProcessingTime, ShareAmount};
use motcua_domain::calendar::{CalendarConfig, WorkingCalendar};
use motcua_domain::file::{
    Action, ActionContext, FileError, FileRecord, FileState, HandoverMethod, HistoryEvent, NewFile,
    ProcedureTerms, Transition, apply, open,
};
use motcua_domain::rules::RuleSet;

pub const COUNTER_UNIT: i64 = 10;
pub const AGENCY_UNIT: i64 = 20;
pub const SPECIALIST: i64 = 200;
pub const OTHER_SPECIALIST: i64 = 201;
pub const TAX_UNIT: i64 = 30;
pub const LAND_UNIT: i64 = 31;
pub const OFFICER: i64 = 100;

pub fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarConfig::builtin()).unwrap())
}

/// A local (UTC+7) moment, `YYYY-MM-DDTHH:MM`.
pub fn at(s: &str) -> Timestamp {
    format!("{s}+07:00").parse().unwrap()
}

/// A moment shown in local time, `YYYY-MM-DDTHH:MM`.
pub fn local(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

pub fn rules_at(t: Timestamp) -> &'static RuleSet {
    let date = t
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date();
    RuleSet::in_force_at(date).unwrap()
}

/// A file being driven through its life, with its history.
pub struct Driver {
    pub record: FileRecord,
    pub history: Vec<HistoryEvent>,
    pub last: Option<Transition>,
}

impl Driver {
    pub fn open(channel: Channel, time: ProcessingTime, now: Timestamp) -> Driver {
        let terms = ProcedureTerms::new(time);
        Self::open_with(channel, &terms, now)
    }

    pub fn open_with(channel: Channel, terms: &ProcedureTerms, now: Timestamp) -> Driver {
        let new = NewFile {
            channel,
            rule_set: rules_at(now),
            terms,
            receiving_unit_id: COUNTER_UNIT,
        };
        let t = open(&new, &ActionContext::new(OFFICER, now, cal())).unwrap();
        Driver {
            record: t.record.clone(),
            history: vec![t.event.clone()],
            last: Some(t),
        }
    }

    /// Applies `action` at `now`; the record changes only on success.
    pub fn try_do(&mut self, action: Action, now: Timestamp) -> Result<&Transition, FileError> {
        let t = apply(
            &self.record,
            &action,
            &ActionContext::new(OFFICER, now, cal()),
        )?;
        self.record = t.record.clone();
        self.history.push(t.event.clone());
        self.last = Some(t);
        Ok(self.last.as_ref().unwrap())
    }

    pub fn then(&mut self, action: Action, now: &str) -> &mut Self {
        let now = at(now);
        if let Err(e) = self.try_do(action.clone(), now) {
            panic!("{action:?} at {}: {e} ({})", local(now), e.code());
        }
        self
    }

    pub fn due(&self) -> String {
        local(self.record.deadline.as_ref().unwrap().due)
    }

    pub fn legal_due(&self) -> String {
        local(self.record.deadline.as_ref().unwrap().legal_due)
    }

    pub fn state(&self) -> FileState {
        self.record.state
    }
}

pub fn supplement(items: &[&str]) -> Action {
    Action::RequestSupplement {
        missing_items: items.iter().map(|s| s.to_string()).collect(),
    }
}

pub fn leg(unit_id: i64, hours: u32) -> Action {
    Action::SendToAgency {
        unit_id,
        share: ShareAmount::WorkingHours(hours),
    }
}

pub fn apologize(new_date: Date) -> Action {
    Action::Apologize {
        reason: "Cần xác minh thực địa".into(),
        new_date,
    }
}

pub fn hand_over() -> Action {
    Action::HandOver {
        method: HandoverMethod::Counter,
    }
}

/// Ten minutes after the record's last change.
pub fn next_moment(record: &FileRecord) -> Timestamp {
    record
        .last_changed_at
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap()
}

/// A record in `state`, built through the workflow from a counter (or, for
/// the two pre-receipt states, online) file opened at `start` with ten
/// working days, each step ten minutes after the previous one.
pub fn record_in(state: FileState, start: Timestamp) -> FileRecord {
    use FileState as S;
    let online = matches!(state, S::Submitted | S::ReturnedForCompletion);
    let channel = if online {
        Channel::Online
    } else {
        Channel::Counter
    };
    let mut d = Driver::open(channel, ProcessingTime::WorkingDays(10), start);
    let path: Vec<Action> = match state {
        S::Submitted | S::Received => vec![],
        S::ReturnedForCompletion => vec![Action::ReturnForCompletion {
            missing_items: vec!["Tờ khai".into()],
        }],
        S::AtAgency => vec![Action::Transfer {
            unit_id: AGENCY_UNIT,
        }],
        S::Assigned => to_assigned(),
        S::UnderExamination => to_examination(),
        S::AwaitingSupplement => [to_examination(), vec![supplement(&["Bản sao CCCD"])]].concat(),
        S::AtOtherAgency => [to_examination(), vec![leg(TAX_UNIT, 16)]].concat(),
        S::AwaitingApproval => [to_examination(), vec![Action::SubmitForApproval]].concat(),
        S::Approved => to_approved(),
        S::ResultReady => [to_approved(), vec![Action::MarkResultReady]].concat(),
        S::HandedOver => [to_approved(), vec![Action::MarkResultReady, hand_over()]].concat(),
        S::Refused => [
            to_examination(),
            vec![Action::Refuse {
                reasons: vec!["Không thuộc thẩm quyền".into()],
            }],
        ]
        .concat(),
        S::Withdrawn => vec![Action::Withdraw { reason: None }],
        S::Stopped => [
            to_examination(),
            vec![Action::StopProcessing {
                reason: "Công dân đề nghị dừng".into(),
            }],
        ]
        .concat(),
        S::Cancelled => vec![Action::Cancel {
            reason: "Nhập trùng".into(),
        }],
    };
    for action in path {
        let now = next_moment(&d.record);
        d.try_do(action.clone(), now)
            .unwrap_or_else(|e| panic!("building {state}: {action:?}: {}", e.code()));
    }
    assert_eq!(d.state(), state);
    d.record
}

fn to_assigned() -> Vec<Action> {
    vec![
        Action::Transfer {
            unit_id: AGENCY_UNIT,
        },
        Action::Assign {
            unit_id: AGENCY_UNIT,
            assignee_id: SPECIALIST,
        },
    ]
}

fn to_examination() -> Vec<Action> {
    [to_assigned(), vec![Action::StartExamination]].concat()
}

fn to_approved() -> Vec<Action> {
    [
        to_examination(),
        vec![Action::SubmitForApproval, Action::Approve],
    ]
    .concat()
}
