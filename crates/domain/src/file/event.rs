//! What an applied action produced: the new record, one history entry
//! (append-only, kept as JSON) and effects the app layer turns into audit
//! records, outbox messages, notifications and printed forms in the same
//! transaction.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::action::{Action, ActionKind, HandoverMethod};
use super::record::FileRecord;
use super::state::FileState;
use crate::calendar::timeliness::Resolution;

/// The result of [`super::apply`] or [`super::open`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub record: FileRecord,
    pub event: HistoryEvent,
    pub effects: Vec<Effect>,
}

/// One line of a file's history: who, when (server clock, to the second),
/// from which state to which, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub kind: ActionKind,
    /// The action as asked (`None` for opening a file).
    pub action: Option<Action>,
    pub actor_id: i64,
    pub at: Timestamp,
    /// `None` when the file was created by this event.
    pub from: Option<FileState>,
    pub to: FileState,
    /// The reason the action carries (refusal reasons, missing items…).
    pub reason: Option<String>,
    /// The officer's free note.
    pub note: Option<String>,
    /// Allowed, but worth a warning and counting.
    pub flags: Vec<Flag>,
    /// The record's version after this event.
    pub version: i64,
}

/// Something allowed that reports and inspections look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// A second (or later) supplement request: a fault under Decision 766.
    RepeatedSupplementRequest { count: u32 },
    /// Requested more than the rule's working days after receipt.
    SupplementRequestedLate,
    /// Refused after the legal deadline.
    RefusedAfterDeadline,
    /// Processing finished after the legal deadline.
    FinishedLate,
    /// Processing finished after the appointment (even the apology's).
    MissedAppointment,
    /// An inter-agency leg came back after its own due moment.
    LegReturnedLate { unit_id: i64 },
}

impl Flag {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Flag::RepeatedSupplementRequest { .. } => "Yêu cầu bổ sung hồ sơ từ lần thứ hai",
            Flag::SupplementRequestedLate => "Yêu cầu bổ sung quá thời hạn thông báo",
            Flag::RefusedAfterDeadline => "Từ chối sau thời hạn giải quyết",
            Flag::FinishedLate => "Giải quyết trễ hạn",
            Flag::MissedAppointment => "Trễ ngày hẹn trả kết quả",
            Flag::LegReturnedLate { .. } => "Cơ quan phối hợp trả hồ sơ trễ hạn",
        }
    }
}

/// A standard form to print for the event (numbers from the rule version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    Receipt,
    SupplementRequest,
    Refusal,
    Apology,
    StopNotice,
}

/// What the applicant is told (SMS / e-mail / Zalo via the outbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    Received,
    ReturnedForCompletion,
    SupplementRequested,
    Apology,
    ResultReady,
    HandedOver,
    Refused,
    Stopped,
    Withdrawn,
    Cancelled,
}

/// Why a deadline changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineChange {
    /// Counting restarted from zero on the complete file (art. 19).
    SupplementRestart,
    /// Counting resumed after the wait (pause mode).
    SupplementPause,
    /// Apology with a new appointment.
    Apology,
}

/// Effects of an event, in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// The deadline fixed at receipt (print it on the receipt).
    DeadlineSet {
        due: Timestamp,
        appointment_date: Date,
    },
    DeadlineChanged {
        cause: DeadlineChange,
        previous_due: Timestamp,
        due: Timestamp,
        appointment_date: Date,
        legal_due: Timestamp,
    },
    /// The store must allocate the file code now (receipt).
    AllocateFileCode,
    SupplementRequested {
        number: u32,
        missing_items: Vec<String>,
    },
    /// Time the applicant took, in working seconds (recorded in both modes).
    SupplementWait {
        waiting_working_seconds: i64,
    },
    LegOpened {
        unit_id: i64,
        due: Timestamp,
    },
    LegClosed {
        unit_id: i64,
        late: bool,
    },
    LegAbandoned {
        unit_id: i64,
    },
    /// Processing finished (result ready or refusal): timeliness judged here.
    ProcessingFinished {
        at: Timestamp,
        against_legal_deadline: Resolution,
        against_appointment: Resolution,
    },
    HandedOver {
        method: HandoverMethod,
    },
    PrintForm {
        form: FormKind,
        number: String,
    },
    NotifyApplicant {
        notice: Notice,
    },
}
