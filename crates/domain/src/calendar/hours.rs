//! Working hours of a unit (giờ làm việc): a weekly pattern of periods, the
//! hours of make-up working days, and dated exceptions.
//!
//! The default is the civil-service day 07:00–11:30 and 13:30–17:00, Monday to
//! Friday: 8 hours, which is what "one working day" of a legal deadline means.

use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// One working period within a day, `start < end`, local time (UTC+7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: Time,
    pub end: Time,
}

impl Period {
    /// A period from hours and minutes; used for built-in patterns.
    pub const fn hm(start_h: i8, start_m: i8, end_h: i8, end_m: i8) -> Period {
        Period {
            start: Time::constant(start_h, start_m, 0, 0),
            end: Time::constant(end_h, end_m, 0, 0),
        }
    }

    /// (start, end) in seconds since local midnight.
    pub fn seconds(&self) -> (u32, u32) {
        (seconds_of(self.start), seconds_of(self.end))
    }
}

pub(crate) fn seconds_of(t: Time) -> u32 {
    t.hour() as u32 * 3600 + t.minute() as u32 * 60 + t.second() as u32
}

/// Periods per weekday; an empty list means a weekly day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub monday: Vec<Period>,
    pub tuesday: Vec<Period>,
    pub wednesday: Vec<Period>,
    pub thursday: Vec<Period>,
    pub friday: Vec<Period>,
    #[serde(default)]
    pub saturday: Vec<Period>,
    #[serde(default)]
    pub sunday: Vec<Period>,
}

impl WeeklyHours {
    pub fn for_weekday(&self, weekday: Weekday) -> &[Period] {
        match weekday {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    fn all(&self) -> [(&'static str, &[Period]); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }
}

/// Hours that replace the weekly pattern on one date (a shortened day, a
/// day the unit is closed: empty periods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateHours {
    pub date: Date,
    pub periods: Vec<Period>,
}

/// Working hours of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    pub weekly: WeeklyHours,
    /// Hours of a make-up working day (ngày làm bù) that falls on a weekly
    /// day off: the government swaps a whole weekday, so a full day.
    #[serde(default = "civil_service_day")]
    pub make_up_day: Vec<Period>,
    #[serde(default)]
    pub exceptions: Vec<DateHours>,
}

/// 07:00–11:30 and 13:30–17:00: eight hours, the civil-service working day.
fn civil_service_day() -> Vec<Period> {
    vec![Period::hm(7, 0, 11, 30), Period::hm(13, 30, 17, 0)]
}

impl Default for WorkingHours {
    fn default() -> Self {
        let day = civil_service_day();
        WorkingHours {
            weekly: WeeklyHours {
                monday: day.clone(),
                tuesday: day.clone(),
                wednesday: day.clone(),
                thursday: day.clone(),
                friday: day.clone(),
                saturday: Vec::new(),
                sunday: Vec::new(),
            },
            make_up_day: day,
            exceptions: Vec::new(),
        }
    }
}

impl WorkingHours {
    /// Units that also receive files on Saturday morning (07:00–11:30).
    pub fn with_saturday_morning() -> Self {
        let mut hours = WorkingHours::default();
        hours.weekly.saturday = vec![Period::hm(7, 0, 11, 30)];
        hours
    }

    /// Checks every list of periods: start before end, sorted, no overlap;
    /// at most one exception per date; at least one working period a week.
    pub fn validate(&self) -> Result<(), CalendarError> {
        for (day, periods) in self.weekly.all() {
            validate_periods(day, periods)?;
        }
        validate_periods("make_up_day", &self.make_up_day)?;
        if self.make_up_day.is_empty() {
            return Err(CalendarError::InvalidHours {
                context: "make_up_day".into(),
                reason: "a make-up working day needs working hours".into(),
            });
        }
        if self.weekly.all().iter().all(|(_, p)| p.is_empty()) {
            return Err(CalendarError::InvalidHours {
                context: "weekly".into(),
                reason: "no working period in the week".into(),
            });
        }
        let mut dates: Vec<Date> = self.exceptions.iter().map(|e| e.date).collect();
        dates.sort();
        if let Some(w) = dates.windows(2).find(|w| w[0] == w[1]) {
            return Err(CalendarError::InvalidHours {
                context: w[0].to_string(),
                reason: "two exceptions for the same date".into(),
            });
        }
        for e in &self.exceptions {
            validate_periods(&e.date.to_string(), &e.periods)?;
        }
        Ok(())
    }
}

fn validate_periods(context: &str, periods: &[Period]) -> Result<(), CalendarError> {
    let err = |reason: String| CalendarError::InvalidHours {
        context: context.to_string(),
        reason,
    };
    for p in periods {
        if p.start >= p.end {
            return Err(err(format!(
                "period {}–{} does not start before it ends",
                p.start, p.end
            )));
        }
    }
    for w in periods.windows(2) {
        if w[1].start < w[0].end {
            return Err(err(format!(
                "periods {}–{} and {}–{} overlap or are not in order",
                w[0].start, w[0].end, w[1].start, w[1].end
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_day_is_eight_hours() {
        let h = WorkingHours::default();
        let total: u32 = h
            .weekly
            .monday
            .iter()
            .map(|p| p.seconds().1 - p.seconds().0)
            .sum();
        assert_eq!(total, 8 * 3600);
        assert!(h.validate().is_ok());
        assert!(WorkingHours::with_saturday_morning().validate().is_ok());
    }

    #[test]
    fn overlapping_or_inverted_periods_are_rejected() {
        let mut h = WorkingHours::default();
        h.weekly.tuesday = vec![Period::hm(7, 0, 12, 0), Period::hm(11, 0, 17, 0)];
        assert!(matches!(
            h.validate(),
            Err(CalendarError::InvalidHours { .. })
        ));
        let mut h = WorkingHours::default();
        h.weekly.friday = vec![Period::hm(17, 0, 7, 0)];
        let err = h.validate().unwrap_err().to_string();
        assert!(err.contains("friday"), "{err}");
    }

    #[test]
    fn serde_round_trip_uses_readable_times() {
        let h = WorkingHours::default();
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.contains("\"07:00:00\""), "{json}");
        let back: WorkingHours = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
    }
}
