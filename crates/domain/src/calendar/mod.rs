//! Legal time: the Vietnamese lunar calendar, public holidays and swaps,
//! working hours, working-day arithmetic, deadlines and timeliness.
//!
//! Everything here is pure: the clock and the calendar configuration are
//! passed in, so a file's deadline can be recomputed exactly from what was
//! stored with it at receipt.

pub mod changes;
pub mod cli;
pub mod day;
mod day_info;
pub mod deadline;
pub mod holidays;
pub mod hours;
pub mod lunar;
pub mod timeliness;
mod working;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use day_info::{DayInfo, DayReason};
pub use holidays::{AdjustmentKind, DayAdjustment, HolidayRuleSet};
pub use hours::{DateHours, Period, WeeklyHours, WorkingHours};
pub use working::{FIRST_DATE, LAST_DATE, WorkingCalendar};

/// Errors of the calendar layer, with stable machine codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("invalid working hours ({context}): {reason}")]
    InvalidHours { context: String, reason: String },
    #[error("date {date} is outside the supported range 1900-01-01..=2199-12-31")]
    OutOfRange { date: String },
    #[error("invalid calendar configuration: {0}")]
    InvalidConfig(String),
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::InvalidHours { .. } => "calendar.invalid_hours",
            CalendarError::OutOfRange { .. } => "calendar.out_of_range",
            CalendarError::InvalidConfig(_) => "calendar.invalid_config",
        }
    }
}

/// Everything a [`WorkingCalendar`] is built from. Serde-serialisable so that
/// a tenant's edited copy can be stored, and stored again with each file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarConfig {
    pub rule_sets: Vec<HolidayRuleSet>,
    /// Swaps and make-up days; they win over the rules on their date.
    pub adjustments: Vec<DayAdjustment>,
    /// Rule-generated days (holidays, compensation) an administrator removed.
    #[serde(default)]
    pub removed: Vec<Date>,
    pub working_hours: WorkingHours,
}

impl CalendarConfig {
    /// The shipped configuration: holiday laws, announced swaps for civil
    /// servants, and the default 8-hour civil-service day.
    pub fn builtin() -> Self {
        CalendarConfig {
            rule_sets: holidays::builtin_rule_sets(),
            adjustments: holidays::builtin_adjustments(),
            removed: Vec::new(),
            working_hours: WorkingHours::default(),
        }
    }

    pub fn validate(&self) -> Result<(), CalendarError> {
        self.working_hours.validate()?;
        for set in &self.rule_sets {
            if set.valid_to.is_some_and(|to| to < set.valid_from) {
                return Err(CalendarError::InvalidConfig(format!(
                    "rule set {} ends before it starts",
                    set.id
                )));
            }
        }
        let mut dates: Vec<Date> = self.adjustments.iter().map(|a| a.date).collect();
        dates.sort();
        if let Some(w) = dates.windows(2).find(|w| w[0] == w[1]) {
            return Err(CalendarError::InvalidConfig(format!(
                "two adjustments for {}",
                w[0]
            )));
        }
        Ok(())
    }
}
