//! Plain day numbers (days since 1970-01-01) for the hot paths, and the
//! conversions to and from `jiff::civil::Date` at the edges.
//!
//! All local reasoning happens at UTC+7: Việt Nam has used that offset without
//! daylight saving since 1975, so a fixed offset is exact for every instant we
//! handle and avoids a time-zone database lookup per computation.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};

/// Days since 1970-01-01 (negative before).
pub type DayNumber = i32;

/// Seconds east of UTC used for every local computation (UTC+7).
pub const LOCAL_OFFSET_SECONDS: i64 = 7 * 3600;

/// Seconds in one day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Day number of a civil date (proleptic Gregorian).
pub fn day_number(date: Date) -> DayNumber {
    days_from_civil(
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    )
}

/// Day number from year, month and day; the caller guarantees a valid date.
pub(crate) fn days_from_civil(year: i32, month: i32, day: i32) -> DayNumber {
    // Howard Hinnant's algorithm: exact for the whole i16 year range of jiff.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil (year, month, day) of a day number.
pub(crate) fn civil_from_days(z: DayNumber) -> (i32, i32, i32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// The civil date of a day number, `None` outside jiff's supported range.
pub fn date_of(day: DayNumber) -> Option<Date> {
    let (y, m, d) = civil_from_days(day);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// Weekday of a day number (1970-01-01 was a Thursday).
pub fn weekday_of(day: DayNumber) -> Weekday {
    match day.rem_euclid(7) {
        0 => Weekday::Thursday,
        1 => Weekday::Friday,
        2 => Weekday::Saturday,
        3 => Weekday::Sunday,
        4 => Weekday::Monday,
        5 => Weekday::Tuesday,
        _ => Weekday::Wednesday,
    }
}

/// Local (UTC+7) seconds since 1970-01-01T00:00 local.
pub fn local_seconds(at: Timestamp) -> i64 {
    at.as_second() + LOCAL_OFFSET_SECONDS
}

/// The instant of a local (UTC+7) second count.
pub fn timestamp_of_local(local: i64) -> Option<Timestamp> {
    Timestamp::from_second(local.checked_sub(LOCAL_OFFSET_SECONDS)?).ok()
}

/// Split local seconds into (day number, seconds into that day).
pub fn split_local(local: i64) -> (DayNumber, i64) {
    let day = local.div_euclid(SECONDS_PER_DAY);
    let secs = local.rem_euclid(SECONDS_PER_DAY);
    (
        day.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        secs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_match_jiff() {
        let epoch = date(1970, 1, 1);
        for d in [
            date(1900, 1, 1),
            date(2000, 2, 29),
            date(2199, 12, 31),
            date(1969, 12, 31),
        ] {
            let expected = (d - epoch).get_days();
            assert_eq!(day_number(d), expected, "{d}");
            assert_eq!(date_of(expected), Some(d));
        }
    }

    #[test]
    fn weekday_matches_jiff() {
        for n in -800..800 {
            let d = date_of(n).unwrap();
            assert_eq!(weekday_of(n), d.weekday());
        }
    }
}
