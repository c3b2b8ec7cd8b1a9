//! A tenant's edits to the shipped calendar, kept as changes rather than a copy, so that a
//! tenant who edited one day still receives the swaps shipped for later years.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CalendarConfig, DayAdjustment, WorkingHours};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChanges {
    /// Days off or make-up working days added by the tenant; they win over shipped data.
    #[serde(default)]
    pub added: Vec<DayAdjustment>,
    /// Shipped swaps, holidays or compensation days the tenant removed.
    #[serde(default)]
    pub removed: Vec<Date>,
    /// The tenant's default working hours, if not the civil-service default.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
}

impl CalendarChanges {
    /// The configuration these changes make of `base`.
    pub fn apply_to(&self, base: &CalendarConfig) -> CalendarConfig {
        let overridden =
            |date: Date| self.removed.contains(&date) || self.added.iter().any(|a| a.date == date);
        let mut adjustments: Vec<DayAdjustment> = base
            .adjustments
            .iter()
            .filter(|a| !overridden(a.date))
            .cloned()
            .collect();
        adjustments.extend(self.added.iter().cloned());
        adjustments.sort_by_key(|a| a.date);
        let mut removed = base.removed.clone();
        removed.extend(self.removed.iter().copied());
        removed.sort();
        removed.dedup();
        CalendarConfig {
            rule_sets: base.rule_sets.clone(),
            adjustments,
            removed,
            working_hours: self
                .working_hours
                .clone()
                .unwrap_or_else(|| base.working_hours.clone()),
        }
    }

    /// Adds (or replaces) the tenant's adjustment for its date.
    pub fn add(&mut self, adjustment: DayAdjustment) {
        self.added.retain(|a| a.date != adjustment.date);
        self.removed.retain(|d| *d != adjustment.date);
        self.added.push(adjustment);
        self.added.sort_by_key(|a| a.date);
    }

    /// Removes whatever makes `date` special: the tenant's own adjustment if there is one,
    /// otherwise the shipped day.
    pub fn remove(&mut self, date: Date) {
        let before = self.added.len();
        self.added.retain(|a| a.date != date);
        if self.added.len() == before && !self.removed.contains(&date) {
            self.removed.push(date);
            self.removed.sort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{AdjustmentKind, WorkingCalendar};
    use jiff::civil::date;

    fn off(d: Date, name: &str) -> DayAdjustment {
        DayAdjustment {
            date: d,
            kind: AdjustmentKind::Off,
            name: name.into(),
            source: "QĐ thử".into(),
            note: None,
        }
    }

    #[test]
    fn a_tenant_holiday_makes_the_day_off_and_removing_it_restores_it() {
        let base = CalendarConfig::builtin();
        let day = date(2026, 12, 18);
        let mut changes = CalendarChanges::default();
        changes.add(off(day, "Nghỉ kỷ niệm thành lập tỉnh"));
        let cal = WorkingCalendar::new(&changes.apply_to(&base)).unwrap();
        assert!(!cal.is_working_day(day));
        changes.remove(day);
        assert!(changes.added.is_empty() && changes.removed.is_empty());
        assert!(
            WorkingCalendar::new(&changes.apply_to(&base))
                .unwrap()
                .is_working_day(day)
        );
    }

    #[test]
    fn removing_a_shipped_swap_or_holiday_makes_it_a_working_day() {
        let base = CalendarConfig::builtin();
        let mut changes = CalendarChanges::default();
        // 2026-01-02 is a shipped swap day off; 2026-09-02 is National Day.
        changes.remove(date(2026, 1, 2));
        changes.remove(date(2026, 9, 2));
        let cal = WorkingCalendar::new(&changes.apply_to(&base)).unwrap();
        assert!(cal.is_working_day(date(2026, 1, 2)));
        assert!(cal.is_working_day(date(2026, 9, 2)));
        // Shipped data for other dates is untouched.
        assert!(!cal.is_working_day(date(2026, 4, 30)));
    }
}
