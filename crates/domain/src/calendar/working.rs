//! The working calendar of a unit: which days are working days and during
//! which periods, precomputed for 1900–2199 so that deadline arithmetic is a
//! couple of binary searches over prefix sums.

use std::collections::HashMap;

use jiff::civil::Date;

use super::day::{DayNumber, SECONDS_PER_DAY, date_of, day_number, weekday_of};
use super::holidays::{AdjustmentKind, RuleDayKind, expand_rule_days};
use super::hours::{Period, seconds_of};
use super::{CalendarConfig, CalendarError, DayInfo, DayReason};

/// First date a calendar covers.
pub const FIRST_DATE: Date = Date::constant(1900, 1, 1);
/// Last date a calendar covers.
pub const LAST_DATE: Date = Date::constant(2199, 12, 31);

#[derive(Debug, Clone, Copy)]
struct DayEntry {
    pattern: u16,
    reason: u16,
}

/// A unit's working calendar. Cheap to query, ~2 MB, built in milliseconds;
/// build once per configuration and share it (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    first: DayNumber,
    entries: Vec<DayEntry>,
    /// Working periods in seconds since local midnight; index 0 is "none".
    patterns: Vec<Vec<(u32, u32)>>,
    reasons: Vec<DayReason>,
    /// Working seconds before each day (len = days + 1).
    seconds_before: Vec<i64>,
    /// Working days before each day (len = days + 1).
    days_before: Vec<i32>,
    /// The civil date of each day, so hot paths never convert.
    dates: Vec<Date>,
}

fn intern<T: Clone + Eq + std::hash::Hash>(
    table: &mut Vec<T>,
    index: &mut HashMap<T, u16>,
    value: T,
) -> u16 {
    if let Some(i) = index.get(&value) {
        return *i;
    }
    let i = table.len() as u16;
    table.push(value.clone());
    index.insert(value, i);
    i
}

fn to_seconds(periods: &[Period]) -> Vec<(u32, u32)> {
    periods
        .iter()
        .map(|p| (seconds_of(p.start), seconds_of(p.end)))
        .collect()
}

impl WorkingCalendar {
    /// Builds the calendar for 1900–2199; fails only on an invalid configuration.
    pub fn new(config: &CalendarConfig) -> Result<Self, CalendarError> {
        Self::for_years(config, FIRST_DATE.year(), LAST_DATE.year())
    }

    /// Builds the calendar for the years `first_year..=last_year` only (clamped to
    /// 1900–2199): a command-line answer needs a few years, not three centuries, and
    /// building fewer years is what keeps it fast. Dates outside are out of range.
    pub fn for_years(
        config: &CalendarConfig,
        first_year: i16,
        last_year: i16,
    ) -> Result<Self, CalendarError> {
        config.validate()?;
        let first_year = first_year.clamp(FIRST_DATE.year(), LAST_DATE.year());
        let last_year = last_year.clamp(first_year, LAST_DATE.year());
        let first_date = Date::new(first_year, 1, 1).unwrap_or(FIRST_DATE);
        let last_date = Date::new(last_year, 12, 31).unwrap_or(LAST_DATE);
        let first = day_number(first_date);
        let last = day_number(last_date);
        let hours = &config.working_hours;

        let mut patterns: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        let mut pattern_index: HashMap<Vec<(u32, u32)>, u16> = HashMap::from([(Vec::new(), 0)]);
        let mut reasons = vec![DayReason::Weekday, DayReason::Weekend];
        let mut reason_index: HashMap<DayReason, u16> =
            HashMap::from([(DayReason::Weekday, 0), (DayReason::Weekend, 1)]);

        let weekly: Vec<u16> = (0..7)
            .map(|i| {
                // Day number 4 is a Monday (1970-01-05).
                let wd = weekday_of(4 + i);
                intern(
                    &mut patterns,
                    &mut pattern_index,
                    to_seconds(hours.weekly.for_weekday(wd)),
                )
            })
            .collect();
        let make_up = intern(
            &mut patterns,
            &mut pattern_index,
            to_seconds(&hours.make_up_day),
        );

        let mut entries: Vec<DayEntry> = (first..=last)
            .map(|day| {
                let pattern = weekly[(day - 4).rem_euclid(7) as usize];
                DayEntry {
                    pattern,
                    reason: if pattern == 0 { 1 } else { 0 },
                }
            })
            .collect();
        let slot = |day: DayNumber| -> Option<usize> {
            (first..=last)
                .contains(&day)
                .then(|| (day - first) as usize)
        };

        for e in &hours.exceptions {
            if let Some(i) = slot(day_number(e.date)) {
                let p = intern(&mut patterns, &mut pattern_index, to_seconds(&e.periods));
                let reason = if p == 0 {
                    intern(&mut reasons, &mut reason_index, DayReason::UnitClosed)
                } else {
                    0
                };
                entries[i] = DayEntry { pattern: p, reason };
            }
        }
        let years = (i32::from(first_year) - 1, i32::from(last_year) + 1);
        for rule_day in expand_rule_days(&config.rule_sets, years.0, years.1, &config.removed) {
            if let Some(i) = slot(rule_day.day) {
                let reason = match rule_day.kind {
                    RuleDayKind::Holiday => DayReason::Holiday {
                        name: rule_day.name,
                    },
                    RuleDayKind::Compensation => DayReason::Compensation {
                        name: rule_day.name,
                    },
                };
                entries[i] = DayEntry {
                    pattern: 0,
                    reason: intern(&mut reasons, &mut reason_index, reason),
                };
            }
        }
        for a in &config.adjustments {
            let Some(i) = slot(day_number(a.date)) else {
                continue;
            };
            let (pattern, reason) = match a.kind {
                AdjustmentKind::Off => (
                    0,
                    DayReason::SwapOff {
                        name: a.name.clone(),
                        source: a.source.clone(),
                    },
                ),
                AdjustmentKind::Work => (
                    make_up,
                    DayReason::MakeUpWork {
                        name: a.name.clone(),
                        source: a.source.clone(),
                    },
                ),
            };
            entries[i] = DayEntry {
                pattern,
                reason: intern(&mut reasons, &mut reason_index, reason),
            };
        }
        if reasons.len() > usize::from(u16::MAX) || patterns.len() > usize::from(u16::MAX) {
            return Err(CalendarError::InvalidConfig(
                "too many distinct days".into(),
            ));
        }

        let mut seconds_before = Vec::with_capacity(entries.len() + 1);
        let mut days_before = Vec::with_capacity(entries.len() + 1);
        let (mut secs, mut days) = (0i64, 0i32);
        for e in &entries {
            seconds_before.push(secs);
            days_before.push(days);
            let p = &patterns[usize::from(e.pattern)];
            secs += p.iter().map(|(s, e)| i64::from(e - s)).sum::<i64>();
            days += i32::from(!p.is_empty());
        }
        seconds_before.push(secs);
        days_before.push(days);
        let mut dates = Vec::with_capacity(entries.len());
        let mut date = first_date;
        for _ in first..=last {
            dates.push(date);
            date = date.tomorrow().unwrap_or(date);
        }
        Ok(WorkingCalendar {
            dates,
            first,
            entries,
            patterns,
            reasons,
            seconds_before,
            days_before,
        })
    }

    /// Index of a day in the tables, `None` outside 1900–2199.
    pub(crate) fn index(&self, day: DayNumber) -> Option<usize> {
        let i = usize::try_from(i64::from(day) - i64::from(self.first)).ok()?;
        (i < self.entries.len()).then_some(i)
    }

    pub(crate) fn day_of_index(&self, index: usize) -> DayNumber {
        self.first + index as DayNumber
    }

    /// Civil date of a day number inside the table.
    pub(crate) fn date_at_day(&self, day: DayNumber) -> Option<Date> {
        self.index(day).map(|i| self.dates[i])
    }

    /// Civil date at a table index (the caller got the index from `index`).
    pub(crate) fn date_at_index(&self, index: usize) -> Date {
        self.dates[index]
    }

    /// True if the day at a table index has no working period.
    pub(crate) fn is_off_at(&self, index: usize) -> bool {
        self.entries[index].pattern == 0
    }

    pub(crate) fn periods_at(&self, index: usize) -> &[(u32, u32)] {
        &self.patterns[usize::from(self.entries[index].pattern)]
    }

    pub(crate) fn reason_at(&self, index: usize) -> &DayReason {
        &self.reasons[usize::from(self.entries[index].reason)]
    }

    /// True if the unit works on that date (false outside 1900–2199).
    pub fn is_working_day(&self, date: Date) -> bool {
        self.index(day_number(date))
            .is_some_and(|i| !self.periods_at(i).is_empty())
    }

    /// What the date is and why, with its working periods.
    pub fn day_info(&self, date: Date) -> Result<DayInfo, CalendarError> {
        let i = self
            .index(day_number(date))
            .ok_or_else(|| out_of_range(date))?;
        let periods = self
            .periods_at(i)
            .iter()
            .map(|&(s, e)| Period {
                start: time_of(s),
                end: time_of(e),
            })
            .collect::<Vec<_>>();
        Ok(DayInfo {
            date,
            working: !periods.is_empty(),
            reason: self.reason_at(i).clone(),
            periods,
        })
    }

    /// The working day `n` working days after `date` (before, if negative);
    /// `date` itself is not counted. `n == 0` gives `date` if it is a working
    /// day, else the next one.
    pub fn add_working_days(&self, date: Date, n: i32) -> Result<Date, CalendarError> {
        let i = self
            .index(day_number(date))
            .ok_or_else(|| out_of_range(date))?;
        let target = if n > 0 {
            i64::from(self.days_before[i + 1]) + i64::from(n)
        } else if n < 0 {
            i64::from(self.days_before[i]) + i64::from(n) + 1
        } else {
            i64::from(self.days_before[i]) + 1
        };
        let k = self.days_before.partition_point(|&w| i64::from(w) < target);
        if target < 1 || k == 0 || k >= self.days_before.len() {
            return Err(CalendarError::OutOfRange {
                date: format!("{date} {n:+} working days"),
            });
        }
        date_of(self.day_of_index(k - 1)).ok_or_else(|| out_of_range(date))
    }

    /// Working seconds from the start of the table to a local moment
    /// (seconds since 1970-01-01T00:00 at UTC+7).
    pub(crate) fn work_before(&self, local: i64) -> Option<i64> {
        let day = local.div_euclid(SECONDS_PER_DAY);
        let secs = local.rem_euclid(SECONDS_PER_DAY);
        let i = self.index(DayNumber::try_from(day).ok()?)?;
        let within: i64 = self
            .periods_at(i)
            .iter()
            .map(|&(s, e)| (secs - i64::from(s)).clamp(0, i64::from(e - s)))
            .sum();
        Some(self.seconds_before[i] + within)
    }

    /// The earliest local moment at which `work` working seconds (from the
    /// start of the table) have elapsed; it always lies inside a working
    /// period or at its end, never in a break, a night or a day off.
    pub(crate) fn moment_after_work(&self, work: i64) -> Option<i64> {
        self.moment_after_work_from(work, 0)
    }

    /// As [`Self::moment_after_work`], searching first in the ~3 months after
    /// day index `hint` (where nearly every deadline ends) to stay in cache.
    pub(crate) fn moment_after_work_from(&self, work: i64, hint: usize) -> Option<i64> {
        if work <= 0 {
            return None;
        }
        let sb = &self.seconds_before;
        let lo = hint.min(sb.len());
        let hi = lo.saturating_add(96).min(sb.len());
        let k = if lo < hi && sb[lo] < work && sb[hi - 1] >= work {
            lo + sb[lo..hi].partition_point(|&w| w < work)
        } else {
            sb.partition_point(|&w| w < work)
        };
        if k == 0 || k >= self.seconds_before.len() {
            return None;
        }
        let i = k - 1;
        let mut remaining = work - self.seconds_before[i];
        let day_start = i64::from(self.day_of_index(i)) * SECONDS_PER_DAY;
        for &(s, e) in self.periods_at(i) {
            let len = i64::from(e - s);
            if remaining <= len {
                return Some(day_start + i64::from(s) + remaining);
            }
            remaining -= len;
        }
        None
    }

    /// The first moment at or after `local` that is inside a working period.
    pub(crate) fn next_working_moment(&self, local: i64) -> Option<i64> {
        let w = self.work_before(local)?;
        let hint = self.index(DayNumber::try_from(local.div_euclid(SECONDS_PER_DAY)).ok()?)?;
        self.moment_after_work_from(w + 1, hint).map(|m| m - 1)
    }

    /// Start of the first working period of the first working day after the
    /// day of `local`.
    pub(crate) fn start_of_next_working_day(&self, local: i64) -> Option<i64> {
        let day = local.div_euclid(SECONDS_PER_DAY);
        let next_midnight = (day + 1).checked_mul(SECONDS_PER_DAY)?;
        self.next_working_moment(next_midnight)
    }

    /// End of the last working period of the day containing `local`, if that
    /// day is a working day.
    pub(crate) fn end_of_working_day(&self, day: DayNumber) -> Option<i64> {
        let i = self.index(day)?;
        let &(_, end) = self.periods_at(i).last()?;
        Some(i64::from(day) * SECONDS_PER_DAY + i64::from(end))
    }

    /// Days off that are not weekly days off (holidays, compensation, swaps),
    /// then make-up working days, each sorted by date: the yearly list shown
    /// to administrators and printed by `motcua calendar holidays`.
    pub fn special_days(&self, year: i16) -> Result<Vec<DayInfo>, CalendarError> {
        let start = Date::new(year, 1, 1).map_err(|_| CalendarError::OutOfRange {
            date: year.to_string(),
        })?;
        let end = Date::new(year, 12, 31).map_err(|_| CalendarError::OutOfRange {
            date: year.to_string(),
        })?;
        let (a, b) = (day_number(start), day_number(end));
        if self.index(a).is_none() || self.index(b).is_none() {
            return Err(out_of_range(start));
        }
        let mut off = Vec::new();
        let mut work = Vec::new();
        for day in a..=b {
            let i = (day - self.first) as usize;
            let weekly_off = self.weekly_day_off(day);
            match self.reason_at(i) {
                DayReason::Weekday | DayReason::Weekend => {}
                DayReason::MakeUpWork { .. } => work.push(day),
                _ if self.periods_at(i).is_empty() && !weekly_off => off.push(day),
                _ => {}
            }
        }
        off.into_iter()
            .chain(work)
            .map(|d| self.day_info(date_of(d).ok_or_else(|| out_of_range(start))?))
            .collect()
    }

    fn weekly_day_off(&self, day: DayNumber) -> bool {
        // Weekly days off are the weekdays whose ordinary reason is Weekend:
        // find the same weekday in the first week of the table.
        let offset = (day - self.first).rem_euclid(7) as usize;
        (0..self.entries.len())
            .skip(offset)
            .step_by(7)
            .find(|&i| matches!(self.reason_at(i), DayReason::Weekday | DayReason::Weekend))
            .is_some_and(|i| matches!(self.reason_at(i), DayReason::Weekend))
    }
}

fn time_of(seconds: u32) -> jiff::civil::Time {
    jiff::civil::Time::new(
        (seconds / 3600) as i8,
        (seconds / 60 % 60) as i8,
        (seconds % 60) as i8,
        0,
    )
    .unwrap_or(jiff::civil::Time::MAX)
}

fn out_of_range(date: Date) -> CalendarError {
    CalendarError::OutOfRange {
        date: date.to_string(),
    }
}
