//! Astronomy behind the Vietnamese lunar calendar: mean new moons corrected by
//! the main periodic terms (Jean Meeus, *Astronomical Algorithms*, ch. 49) and
//! the apparent longitude of the sun (ch. 25, low precision), as popularised
//! for the Vietnamese calendar by Hồ Ngọc Đức. Everything is evaluated for the
//! meridian of UTC+7: that meridian, not China's UTC+8, is what makes Tết 1985
//! fall on 21 January in Việt Nam and on 20 February in China.
//!
//! The low-precision series are accurate to well under an hour over
//! 1900–2199, which is what the published Vietnamese tables were computed
//! with; matching those tables matters more than extra digits.

use std::f64::consts::PI;

/// Hours east of Greenwich of the calendar's meridian: UTC+7 from lunar year
/// 1968 on. Before that Việt Nam used the Chinese calendar (UTC+8); the
/// Government switched by Decision 121-CP of 8 August 1967, which is why the
/// published Vietnamese tables (Hồ Ngọc Đức) use UTC+8 up to lunar year 1967.
pub(super) fn time_zone_hours(lunar_year: i32) -> f64 {
    if lunar_year < FIRST_UTC7_YEAR {
        8.0
    } else {
        7.0
    }
}

/// First lunar year computed for the meridian of UTC+7.
pub(super) const FIRST_UTC7_YEAR: i32 = 1968;
/// Mean synodic month in days.
pub(super) const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day of the new moon of 1900-01-01 (lunation 0 of the series).
pub(super) const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

const DEG: f64 = PI / 180.0;

/// Julian day number (integer, of the local civil day) on which new moon `k`
/// (counted from the new moon of 1900-01-01) falls at UTC+7.
pub(super) fn new_moon_day(k: i64, tz: f64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * DEG).sin();
    // Mean anomaly of the sun, of the moon, and the moon's argument of latitude.
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * DEG).sin() + 0.0021 * (2.0 * m * DEG).sin();
    c1 += -0.4068 * (mpr * DEG).sin() + 0.0161 * (2.0 * mpr * DEG).sin();
    c1 += -0.0004 * (3.0 * mpr * DEG).sin();
    c1 += 0.0104 * (2.0 * f * DEG).sin() - 0.0051 * ((m + mpr) * DEG).sin();
    c1 += -0.0074 * ((m - mpr) * DEG).sin() + 0.0004 * ((2.0 * f + m) * DEG).sin();
    c1 += -0.0004 * ((2.0 * f - m) * DEG).sin() - 0.0006 * ((2.0 * f + mpr) * DEG).sin();
    c1 += 0.0010 * ((2.0 * f - mpr) * DEG).sin() + 0.0005 * ((2.0 * mpr + m) * DEG).sin();
    // Difference between dynamical and universal time.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    let jd_new = jd + c1 - delta_t;
    (jd_new + 0.5 + tz / 24.0).floor() as i64
}

/// Which 30° sector (0..=11) of ecliptic longitude the sun is in at local
/// midnight starting Julian day number `jdn`. Sector 9 starts at the winter
/// solstice (270°); a lunar month during which the sector does not change
/// contains no major solar term (trung khí) and is the leap month.
pub(super) fn sun_sector(jdn: i64, tz: f64) -> i64 {
    let t = (jdn as f64 - 2_451_545.5 - tz / 24.0) / 36_525.0;
    let t2 = t * t;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (DEG * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (DEG * 2.0 * m).sin() + 0.000_290 * (DEG * 3.0 * m).sin();
    let l = (l0 + dl) * DEG;
    let l = l - 2.0 * PI * (l / (2.0 * PI)).floor();
    (l / PI * 6.0).floor() as i64
}

/// Julian day number of the first day of lunar month 11 (the month that
/// contains the winter solstice) near the end of Gregorian year `year`.
pub(super) fn month_11_start(year: i32, tz: f64) -> i64 {
    let dec31 = i64::from(crate::calendar::day::days_from_civil(year, 12, 31)) + JDN_OF_EPOCH_DAY_0;
    let k = ((dec31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, tz);
    if sun_sector(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    }
}

/// Lunation index `k` of the new moon that starts on Julian day `jdn`.
pub(super) fn lunation_of(jdn: i64) -> i64 {
    ((jdn as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// Index (1..=12) after month 11 starting with lunation `k` of the first month
/// without a major solar term: that month is the leap month of a 13-month year.
pub(super) fn leap_month_offset(k: i64, tz: f64) -> i64 {
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

/// Julian day number of day number 0 (1970-01-01).
pub(super) const JDN_OF_EPOCH_DAY_0: i64 = 2_440_588;
