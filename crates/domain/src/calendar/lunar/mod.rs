//! Vietnamese lunar calendar (âm lịch), computed astronomically for UTC+7
//! (UTC+8 before lunar year 1968, when Việt Nam still used the Chinese calendar).
//!
//! Months start on the local day of the new moon; month 11 is the one that
//! contains the winter solstice; in a year with 13 new moons between two
//! month-11 starts, the first month without a major solar term is the leap
//! month (tháng nhuận) and repeats the number of the month before it.
//!
//! The month table for the supported range is computed once, on first use, so
//! conversions are a binary search.

mod astro;

use std::sync::OnceLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::day::{DayNumber, date_of, day_number};
use astro::{
    JDN_OF_EPOCH_DAY_0, leap_month_offset, lunation_of, month_11_start, new_moon_day,
    time_zone_hours,
};

/// First lunar year whose every day can be converted.
pub const FIRST_YEAR: i32 = 1900;
/// Last lunar year whose every day can be converted.
pub const LAST_YEAR: i32 = 2199;

/// A day of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Lunar year, numbered like the Gregorian year in which it mostly falls.
    pub year: i32,
    /// Month 1..=12 (1 is tháng Giêng, 12 is tháng Chạp).
    pub month: u8,
    /// Day 1..=30.
    pub day: u8,
    /// True in a leap month (tháng nhuận), which follows the regular month of
    /// the same number.
    pub leap: bool,
}

/// Why a lunar conversion failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    #[error("date {date} is outside the supported range 1900-01-01..=2199-12-31")]
    DateOutOfRange { date: Date },
    #[error("lunar year {year} is outside the supported range {FIRST_YEAR}..={LAST_YEAR}")]
    YearOutOfRange { year: i32 },
    #[error("lunar month {month} does not exist (expected 1..=12)")]
    InvalidMonth { month: u8 },
    #[error("lunar year {year} has no leap month {month}")]
    NotALeapMonth { year: i32, month: u8 },
    #[error("lunar month {month}{} of {year} has {length} days, not {day}", if *.leap { " (leap)" } else { "" })]
    DayOutOfMonth {
        year: i32,
        month: u8,
        leap: bool,
        day: u8,
        length: u8,
    },
}

impl LunarError {
    /// Stable machine code for API errors.
    pub fn code(&self) -> &'static str {
        match self {
            LunarError::DateOutOfRange { .. } => "lunar.date_out_of_range",
            LunarError::YearOutOfRange { .. } => "lunar.year_out_of_range",
            LunarError::InvalidMonth { .. } => "lunar.invalid_month",
            LunarError::NotALeapMonth { .. } => "lunar.not_a_leap_month",
            LunarError::DayOutOfMonth { .. } => "lunar.day_out_of_month",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Month {
    start: DayNumber,
    year: i32,
    month: u8,
    leap: bool,
}

impl Month {
    fn key(&self) -> (i32, u8, bool) {
        (self.year, self.month, self.leap)
    }
}

/// Months from lunar 11/1899 to lunar 10/2200 in chronological order, plus the
/// start of the month after the last one as a sentinel (for month lengths).
fn months() -> &'static [Month] {
    static TABLE: OnceLock<Vec<Month>> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn build_table() -> Vec<Month> {
    let mut out = Vec::with_capacity(3_800);
    let mut a11 = month_11_start(FIRST_YEAR - 1, time_zone_hours(FIRST_YEAR));
    for year in FIRST_YEAR..=LAST_YEAR + 2 {
        // Month 11 of the previous year is carried over, so that a change of
        // meridian (1968) cannot leave a gap or an overlap between years.
        let tz = time_zone_hours(year);
        let b11 = month_11_start(year, tz);
        let k = lunation_of(a11);
        let leap_year = b11 - a11 > 365;
        let leap_at = if leap_year {
            leap_month_offset(k, tz)
        } else {
            -1
        };
        let count = if leap_year { 13 } else { 12 };
        for i in 0..count {
            let (mut number, leap) = if leap_year && i >= leap_at {
                (i + 10, i == leap_at)
            } else {
                (i + 11, false)
            };
            if number > 12 {
                number -= 12;
            }
            let lunar_year = if number >= 11 && i < 4 {
                year - 1
            } else {
                year
            };
            let start_jdn = if i == 0 { a11 } else { new_moon_day(k + i, tz) };
            let start = (start_jdn - JDN_OF_EPOCH_DAY_0) as DayNumber;
            out.push(Month {
                start,
                year: lunar_year,
                month: number as u8,
                leap,
            });
        }
        a11 = b11;
    }
    out
}

fn min_date() -> Date {
    Date::constant(1900, 1, 1)
}
fn max_date() -> Date {
    Date::constant(2199, 12, 31)
}

/// Lunar date of a civil date (1900-01-01..=2199-12-31).
pub fn to_lunar(date: Date) -> Result<LunarDate, LunarError> {
    if date < min_date() || date > max_date() {
        return Err(LunarError::DateOutOfRange { date });
    }
    let day = day_number(date);
    let table = months();
    let idx = table.partition_point(|m| m.start <= day);
    // The range check above guarantees 1 <= idx < len.
    let m = table[idx.saturating_sub(1)];
    Ok(LunarDate {
        year: m.year,
        month: m.month,
        day: (day - m.start + 1) as u8,
        leap: m.leap,
    })
}

/// Civil date of a lunar date; checks that the month exists (including the
/// leap flag) and that the day fits in its 29 or 30 days.
pub fn from_lunar(year: i32, month: u8, day: u8, leap: bool) -> Result<Date, LunarError> {
    let day_no = lunar_day_number(year, month, day, leap)?;
    date_of(day_no).ok_or(LunarError::YearOutOfRange { year })
}

/// Like [`from_lunar`] but returns a day number (for holiday tables).
pub fn lunar_day_number(
    year: i32,
    month: u8,
    day: u8,
    leap: bool,
) -> Result<DayNumber, LunarError> {
    let (start, length) = month_span(year, month, leap)?;
    if day == 0 || day > length {
        return Err(LunarError::DayOutOfMonth {
            year,
            month,
            leap,
            day,
            length,
        });
    }
    Ok(start + DayNumber::from(day) - 1)
}

/// Number of days (29 or 30) of a lunar month.
pub fn month_length(year: i32, month: u8, leap: bool) -> Result<u8, LunarError> {
    month_span(year, month, leap).map(|(_, len)| len)
}

/// The leap month of a lunar year, if it has one.
pub fn leap_month(year: i32) -> Result<Option<u8>, LunarError> {
    check_year(year)?;
    let table = months();
    let first = table.partition_point(|m| m.year < year);
    Ok(table[first..]
        .iter()
        .take_while(|m| m.year == year)
        .find(|m| m.leap)
        .map(|m| m.month))
}

/// Tết Nguyên đán (lunar 1/1) of a lunar year.
pub fn new_year(year: i32) -> Result<Date, LunarError> {
    from_lunar(year, 1, 1, false)
}

fn check_year(year: i32) -> Result<(), LunarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(LunarError::YearOutOfRange { year })
    }
}

fn month_span(year: i32, month: u8, leap: bool) -> Result<(DayNumber, u8), LunarError> {
    check_year(year)?;
    if !(1..=12).contains(&month) {
        return Err(LunarError::InvalidMonth { month });
    }
    let table = months();
    let idx = table
        .binary_search_by_key(&(year, month, leap), Month::key)
        .map_err(|_| LunarError::NotALeapMonth { year, month })?;
    // Years up to LAST_YEAR are followed by at least ten more months.
    let next = table
        .get(idx + 1)
        .map_or(table[idx].start + 30, |m| m.start);
    Ok((table[idx].start, (next - table[idx].start) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn tet_2026_is_17_february() {
        assert_eq!(
            to_lunar(date(2026, 2, 17)).unwrap(),
            LunarDate {
                year: 2026,
                month: 1,
                day: 1,
                leap: false
            }
        );
        assert_eq!(from_lunar(2026, 1, 1, false).unwrap(), date(2026, 2, 17));
    }

    #[test]
    fn month_11_starts_are_new_moons_of_the_series() {
        for year in FIRST_YEAR - 1..=LAST_YEAR + 2 {
            let tz = time_zone_hours(year);
            let a11 = month_11_start(year, tz);
            assert_eq!(new_moon_day(lunation_of(a11), tz), a11, "{year}");
        }
    }

    #[test]
    fn months_have_29_or_30_days_and_12_or_13_per_year() {
        let t = months();
        for w in t.windows(2) {
            let len = w[1].start - w[0].start;
            assert!(len == 29 || len == 30, "{:?}", w[0]);
        }
        for year in FIRST_YEAR..=LAST_YEAR {
            let n = t.iter().filter(|m| m.year == year).count();
            let leap = leap_month(year).unwrap();
            assert_eq!(n, if leap.is_some() { 13 } else { 12 }, "{year}");
        }
    }

    #[test]
    fn errors_are_specific() {
        assert!(matches!(
            to_lunar(date(1899, 12, 31)),
            Err(LunarError::DateOutOfRange { .. })
        ));
        assert!(matches!(
            from_lunar(2200, 1, 1, false),
            Err(LunarError::YearOutOfRange { .. })
        ));
        assert!(matches!(
            from_lunar(2026, 13, 1, false),
            Err(LunarError::InvalidMonth { .. })
        ));
        assert!(matches!(
            from_lunar(2026, 4, 1, true),
            Err(LunarError::NotALeapMonth { .. })
        ));
        assert!(matches!(
            from_lunar(2026, 1, 0, false),
            Err(LunarError::DayOutOfMonth { .. })
        ));
    }
}
