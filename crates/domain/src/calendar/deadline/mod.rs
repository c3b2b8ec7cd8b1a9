//! Legal deadlines of a file (thời hạn giải quyết, ngày hẹn trả kết quả).
//!
//! N working days are N × 8 working hours counted through the unit's working
//! periods from the moment counting starts; calendar days run in calendar
//! days; same-day procedures are due at the end of the working day. The
//! receipt moment itself is never changed: hand-over rules only move the
//! moment counting starts. A deadline always lies inside a working period or
//! at its end, never in a break, a night or a day off.

mod compute;
mod explain;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::rules::{CalendarDayEnd, OnlinePolicy, SupplementMode};

pub use compute::compute_deadline;
pub use explain::{ExplanationStep, SkipReason, StartReason, date_vi, moment_vi};

/// How the file was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the one-stop counter (trực tiếp).
    Counter,
    /// By public post (bưu chính công ích).
    Post,
    /// Online (trực tuyến).
    Online,
}

/// The processing time of a procedure (thời hạn giải quyết).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum ProcessingTime {
    WorkingDays(u32),
    CalendarDays(u32),
    WorkingHours(u32),
    /// "Trong ngày": due at the end of the working day.
    SameDay,
}

/// Longest processing time accepted, in days (ten years).
pub const MAX_DAYS: u32 = 3_650;

impl ProcessingTime {
    /// Working seconds for working-time deadlines.
    pub(crate) fn working_seconds(self) -> Option<i64> {
        match self {
            ProcessingTime::WorkingDays(n) => Some(i64::from(n) * WORKING_DAY_SECONDS),
            ProcessingTime::WorkingHours(n) => Some(i64::from(n) * 3600),
            _ => None,
        }
    }

    fn check(self) -> Result<(), DeadlineError> {
        let too_long = match self {
            ProcessingTime::WorkingDays(n) | ProcessingTime::CalendarDays(n) => n > MAX_DAYS,
            ProcessingTime::WorkingHours(n) => n > MAX_DAYS * 8,
            ProcessingTime::SameDay => false,
        };
        if too_long {
            Err(DeadlineError::DurationTooLong)
        } else {
            Ok(())
        }
    }
}

/// One working day of a legal deadline: 8 hours.
pub const WORKING_DAY_SECONDS: i64 = 8 * 3600;

/// Parameters that come from the rule version in force at receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    pub supplement_mode: SupplementMode,
    pub counter_cutoff: Time,
    pub online_outside_hours: OnlinePolicy,
    pub calendar_days_end: CalendarDayEnd,
}

impl Default for DeadlineRules {
    /// The values of both shipped rule versions.
    fn default() -> Self {
        DeadlineRules {
            supplement_mode: SupplementMode::Restart,
            counter_cutoff: Time::constant(15, 0, 0, 0),
            online_outside_hours: OnlinePolicy::NextWorkingPeriod,
            calendar_days_end: CalendarDayEnd::NextWorkingDay,
        }
    }
}

/// A supplement request (yêu cầu bổ sung) and the moment the complete file
/// arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub requested_at: Timestamp,
    pub resumed_at: Timestamp,
}

/// An apology letter with a new appointment (xin lỗi và hẹn lại).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub issued_at: Timestamp,
    pub new_date: Date,
}

/// One agency's part of an inter-agency (liên thông) deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub agency: String,
    pub amount: ShareAmount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareAmount {
    WorkingHours(u32),
    /// `num / den` of the total; the fractions must add up to exactly 1.
    Fraction {
        num: u32,
        den: u32,
    },
}

/// Everything a deadline depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineInput {
    pub received_at: Timestamp,
    pub channel: Channel,
    pub processing_time: ProcessingTime,
    pub rules: DeadlineRules,
    /// A same-day procedure's own cut-off (procedure data), e.g. 15:00.
    #[serde(default)]
    pub same_day_cutoff: Option<Time>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub extension: Option<Extension>,
    /// Shares of the agencies in order; empty for a single agency.
    #[serde(default)]
    pub shares: Vec<Share>,
}

impl DeadlineInput {
    pub fn new(received_at: Timestamp, channel: Channel, processing_time: ProcessingTime) -> Self {
        DeadlineInput {
            received_at,
            channel,
            processing_time,
            rules: DeadlineRules::default(),
            same_day_cutoff: None,
            pauses: Vec::new(),
            extension: None,
            shares: Vec::new(),
        }
    }
}

/// One agency's own due instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDue {
    pub agency: String,
    pub due: Timestamp,
}

/// A computed deadline with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The moment the result is due (after any apology extension).
    pub due: Timestamp,
    /// The local (UTC+7) date of `due`: the appointment printed on the receipt.
    pub appointment_date: Date,
    /// The legal deadline before any extension.
    pub legal_due: Timestamp,
    /// When counting (last) started.
    pub effective_start: Timestamp,
    /// Time spent waiting for the applicant, in working seconds, over all
    /// supplement requests: scoring (Decision 766) subtracts it in both modes.
    pub waiting_working_seconds: i64,
    pub agency_dues: Vec<AgencyDue>,
    pub explanation: Vec<ExplanationStep>,
}

/// Why a deadline could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("the moment {0} is outside the calendar's range (1900–2199)")]
    OutOfRange(Timestamp),
    #[error("processing time longer than {MAX_DAYS} days")]
    DurationTooLong,
    #[error("supplement completed before it was requested, or requested before receipt")]
    InvalidPause,
    #[error("the new appointment {0} is before the legal deadline")]
    ExtensionBeforeDeadline(Date),
    #[error("agency shares do not add up to the processing time")]
    SharesMismatch,
    #[error("agency shares need a processing time in working days or hours")]
    SharesNeedWorkingTime,
}

impl DeadlineError {
    pub fn code(&self) -> &'static str {
        match self {
            DeadlineError::OutOfRange(_) => "deadline.out_of_range",
            DeadlineError::DurationTooLong => "deadline.duration_too_long",
            DeadlineError::InvalidPause => "deadline.invalid_pause",
            DeadlineError::ExtensionBeforeDeadline(_) => "deadline.extension_before_deadline",
            DeadlineError::SharesMismatch => "deadline.shares_mismatch",
            DeadlineError::SharesNeedWorkingTime => "deadline.shares_need_working_time",
        }
    }
}
