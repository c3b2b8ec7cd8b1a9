//! What a day is for a unit, and why: shown in explanations, the yearly
//! holiday list and the calendar editor.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::hours::Period;

/// Why a day is (or is not) a working day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayReason {
    /// An ordinary working day.
    Weekday,
    /// A weekly day off of the unit (no working hours in the weekly pattern).
    Weekend,
    Holiday {
        name: String,
    },
    /// Nghỉ bù for the named holiday, which fell on a weekend.
    Compensation {
        name: String,
    },
    /// A working day given off by an announced swap.
    SwapOff {
        name: String,
        source: String,
    },
    /// A weekly day off worked as a make-up day.
    MakeUpWork {
        name: String,
        source: String,
    },
    /// The unit has no working hours that date (an hours exception).
    UnitClosed,
}

impl DayReason {
    /// Vietnamese label for pages and the CLI.
    pub fn label_vi(&self) -> String {
        match self {
            DayReason::Weekday => "Ngày làm việc".into(),
            DayReason::Weekend => "Nghỉ cuối tuần".into(),
            DayReason::Holiday { name } => name.clone(),
            DayReason::Compensation { name } => format!("Nghỉ bù {name}"),
            DayReason::SwapOff { name, .. } | DayReason::MakeUpWork { name, .. } => name.clone(),
            DayReason::UnitClosed => "Đơn vị không làm việc".into(),
        }
    }
}

/// What a day is, for explanations and the holiday list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInfo {
    pub date: Date,
    pub working: bool,
    pub reason: DayReason,
    pub periods: Vec<Period>,
}
