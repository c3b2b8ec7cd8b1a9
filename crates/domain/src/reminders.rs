//! When officers must be reminded: the apology letter's cut-off and the window in which a
//! file without one is worth a warning. Pure: the calendar and the dates are passed in.
//!
//! The apology letter with a new date (mẫu 04) must be issued at least
//! `apology_lead_working_days` (one, "01 ngày") before the old deadline: its cut-off is that
//! many working days before the deadline's date. A daily run warns about every open file
//! whose cut-off falls by the next working day, so a file is warned at least one working day
//! before its cut-off when its deadline allows it.

use crate::calendar::{CalendarError, WorkingCalendar};
use jiff::civil::Date;

/// The last date on which the apology letter may be issued for a deadline on `due_date`.
pub fn apology_cutoff(
    cal: &WorkingCalendar,
    due_date: Date,
    lead_working_days: u32,
) -> Result<Date, CalendarError> {
    let lead = i32::try_from(lead_working_days).unwrap_or(i32::MAX);
    if lead == 0 {
        return Ok(due_date);
    }
    cal.add_working_days(due_date, -lead)
}

/// The first local date whose deadlines need no warning yet on `today`: files due before
/// the start of this date have their apology cut-off by the next working day.
pub fn apology_warning_horizon(
    cal: &WorkingCalendar,
    today: Date,
    lead_working_days: u32,
) -> Result<Date, CalendarError> {
    let ahead = i32::try_from(lead_working_days.saturating_add(1)).unwrap_or(i32::MAX);
    let last = cal.add_working_days(today, ahead)?;
    last.tomorrow().map_err(|_| CalendarError::OutOfRange {
        date: last.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarConfig;
    use jiff::civil::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::for_years(&CalendarConfig::builtin(), 2025, 2027).unwrap()
    }

    #[test]
    fn the_apology_is_due_one_working_day_before_the_deadline_skipping_weekends_and_holidays() {
        let cal = cal();
        // Deadline Wednesday 2026-11-25 → cut-off Tuesday 24/11? No: 24 November 2026 is
        // Ngày Văn hóa Việt Nam, a day off from 2026, so Monday 23/11.
        assert_eq!(
            apology_cutoff(&cal, date(2026, 11, 25), 1).unwrap(),
            date(2026, 11, 23)
        );
        // Deadline Monday 2026-11-30 → Friday 27/11.
        assert_eq!(
            apology_cutoff(&cal, date(2026, 11, 30), 1).unwrap(),
            date(2026, 11, 27)
        );
        assert_eq!(
            apology_cutoff(&cal, date(2026, 11, 30), 0).unwrap(),
            date(2026, 11, 30)
        );
    }

    #[test]
    fn a_friday_run_warns_about_files_due_up_to_tuesday() {
        let cal = cal();
        // Friday 2026-11-27: next working day Monday 30/11, whose files due Tuesday 1/12
        // have their cut-off then: the horizon is Wednesday 2/12 (exclusive).
        assert_eq!(
            apology_warning_horizon(&cal, date(2026, 11, 27), 1).unwrap(),
            date(2026, 12, 2)
        );
        // A deadline inside the horizon has its cut-off by the next working day.
        let cutoff = apology_cutoff(&cal, date(2026, 12, 1), 1).unwrap();
        assert_eq!(cutoff, date(2026, 11, 30));
    }
}
