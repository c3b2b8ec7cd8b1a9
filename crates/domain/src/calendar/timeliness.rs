//! Timeliness of a file against its deadline (DOMAIN §4), as the periodic
//! report (Biểu 06) counts it: a resolved file is early (trước hạn), on time
//! (đúng hạn) or late (trễ hạn); an open file is in time (trong hạn) —
//! possibly due soon — or overdue (quá hạn). Judged on when processing
//! finished, not when the result was handed over.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::WorkingCalendar;
use super::day::{SECONDS_PER_DAY, local_seconds};

/// How a resolved file ended relative to its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Finished on a date before the deadline's date.
    Early,
    /// Finished on the deadline's date, at or before the due moment.
    OnTime,
    /// Finished after the due moment.
    Late,
}

impl Resolution {
    /// Counts towards the on-time rate ((early + on time) / resolved).
    pub fn is_timely(self) -> bool {
        !matches!(self, Resolution::Late)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Resolution::Early => "Trước hạn",
            Resolution::OnTime => "Đúng hạn",
            Resolution::Late => "Trễ hạn",
        }
    }
}

/// Where an open file stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenStatus {
    InTime,
    /// In time, but within the warning window before the due moment.
    DueSoon,
    Overdue,
}

impl OpenStatus {
    /// The report column: in time (including due soon) or overdue.
    pub fn is_in_time(self) -> bool {
        !matches!(self, OpenStatus::Overdue)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OpenStatus::InTime => "Trong hạn",
            OpenStatus::DueSoon => "Sắp đến hạn",
            OpenStatus::Overdue => "Quá hạn",
        }
    }
}

/// Classifies a resolved file by the moment processing finished.
pub fn resolution(due: Timestamp, finished_at: Timestamp) -> Resolution {
    if finished_at > due {
        return Resolution::Late;
    }
    let due_day = local_seconds(due).div_euclid(SECONDS_PER_DAY);
    let finished_day = local_seconds(finished_at).div_euclid(SECONDS_PER_DAY);
    if finished_day < due_day {
        Resolution::Early
    } else {
        Resolution::OnTime
    }
}

/// Working seconds left until `due` at `now` (negative once overdue, counted
/// in working time too); `None` outside the calendar's range.
pub fn remaining_working_seconds(
    cal: &WorkingCalendar,
    now: Timestamp,
    due: Timestamp,
) -> Option<i64> {
    Some(cal.work_before(local_seconds(due))? - cal.work_before(local_seconds(now))?)
}

/// Status of an open file at `now`, with a warning window in working seconds
/// (the rule version's `due_soon_warning_hours` × 3600 by default).
pub fn open_status(
    cal: &WorkingCalendar,
    now: Timestamp,
    due: Timestamp,
    warning_working_seconds: i64,
) -> OpenStatus {
    if now > due {
        return OpenStatus::Overdue;
    }
    match remaining_working_seconds(cal, now, due) {
        Some(left) if left > warning_working_seconds => OpenStatus::InTime,
        _ => OpenStatus::DueSoon,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarConfig;

    fn at(s: &str) -> Timestamp {
        format!("{s}+07:00").parse().unwrap()
    }

    #[test]
    fn resolved_files() {
        let due = at("2026-11-26T17:00");
        assert_eq!(resolution(due, at("2026-11-25T16:59")), Resolution::Early);
        assert_eq!(resolution(due, at("2026-11-26T08:00")), Resolution::OnTime);
        assert_eq!(resolution(due, at("2026-11-26T17:00")), Resolution::OnTime);
        assert_eq!(resolution(due, at("2026-11-26T17:01")), Resolution::Late);
        // A deadline at 10:00: finishing that afternoon is late, not on time.
        assert_eq!(
            resolution(at("2026-11-26T10:00"), at("2026-11-26T14:00")),
            Resolution::Late
        );
        assert!(Resolution::OnTime.is_timely() && !Resolution::Late.is_timely());
    }

    #[test]
    fn open_files_with_an_eight_hour_warning() {
        let cal = WorkingCalendar::new(&CalendarConfig::builtin()).unwrap();
        let due = at("2026-11-26T17:00");
        let warn = 8 * 3600;
        assert_eq!(
            open_status(&cal, at("2026-11-25T09:00"), due, warn),
            OpenStatus::InTime
        );
        // Wednesday 17:00 to Thursday 17:00 is exactly 8 working hours.
        assert_eq!(
            open_status(&cal, at("2026-11-25T17:00"), due, warn),
            OpenStatus::DueSoon
        );
        // Over the weekend before a Monday deadline only working time counts.
        assert_eq!(
            open_status(&cal, at("2026-11-21T12:00"), at("2026-11-23T17:00"), warn),
            OpenStatus::DueSoon
        );
        assert_eq!(
            open_status(&cal, at("2026-11-26T17:00:01"), due, warn),
            OpenStatus::Overdue
        );
        assert_eq!(
            remaining_working_seconds(&cal, at("2026-11-20T17:00"), due),
            Some(24 * 3600)
        );
    }
}
