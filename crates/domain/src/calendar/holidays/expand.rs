//! Turning rule sets into dated days off: holidays in force on their date,
//! then weekend compensation (nghỉ bù) on the next free weekday.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};

use super::{HolidayDate, HolidayRuleSet, Side};
use crate::calendar::day::{DayNumber, date_of, day_number, weekday_of};
use crate::calendar::lunar;

/// Why a rule made a day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleDayKind {
    Holiday,
    /// Compensation for the named holiday that fell on a weekend.
    Compensation,
}

/// A day off produced by the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDay {
    pub day: DayNumber,
    pub kind: RuleDayKind,
    /// Holiday name (for compensation: the holiday compensated).
    pub name: String,
}

fn is_weekend(day: DayNumber) -> bool {
    matches!(weekday_of(day), Weekday::Saturday | Weekday::Sunday)
}

fn solar(year: i32, month: i8, day: i8) -> Option<DayNumber> {
    Date::new(i16::try_from(year).ok()?, month, day)
        .ok()
        .map(day_number)
}

fn holiday_days(when: &HolidayDate, year: i32) -> Vec<DayNumber> {
    match when {
        HolidayDate::Solar { month, day } => solar(year, *month, *day).into_iter().collect(),
        HolidayDate::Lunar { month, day } => lunar::lunar_day_number(year, *month, *day, false)
            .ok()
            .into_iter()
            .collect(),
        HolidayDate::LunarNewYear {
            default_offsets,
            by_year,
        } => {
            let Ok(tet) = lunar::lunar_day_number(year, 1, 1, false) else {
                return Vec::new();
            };
            by_year
                .iter()
                .find(|t| t.year == year)
                .map_or(default_offsets, |t| &t.offsets)
                .iter()
                .map(|o| tet + DayNumber::from(*o))
                .collect()
        }
        HolidayDate::AdjacentDay {
            month,
            day,
            by_weekday,
            by_year,
        } => {
            let Some(base) = solar(year, *month, *day) else {
                return Vec::new();
            };
            let weekday_index = weekday_of(base).to_monday_zero_offset() as usize;
            let side = by_year
                .iter()
                .find(|c| c.year == year)
                .map_or(by_weekday[weekday_index], |c| c.side);
            vec![match side {
                Side::Before => base - 1,
                Side::After => base + 1,
            }]
        }
    }
}

/// Holidays and compensation days of the rule sets for Gregorian years
/// `first_year..=last_year`, minus the dates an administrator removed.
/// Sorted by day; a day appears once (the first rule to claim it wins).
pub fn expand_rule_days(
    rule_sets: &[HolidayRuleSet],
    first_year: i32,
    last_year: i32,
    removed: &[Date],
) -> Vec<RuleDay> {
    let removed: Vec<DayNumber> = removed.iter().map(|d| day_number(*d)).collect();
    let mut holidays: BTreeMap<DayNumber, (String, bool)> = BTreeMap::new();
    for set in rule_sets {
        for year in first_year..=last_year {
            for rule in &set.holidays {
                for day in holiday_days(&rule.when, year) {
                    let in_force = date_of(day).is_some_and(|d| set.in_force_on(d));
                    if in_force && !removed.contains(&day) {
                        holidays
                            .entry(day)
                            .or_insert_with(|| (rule.name.clone(), set.weekend_compensation));
                    }
                }
            }
        }
    }
    let mut out: Vec<RuleDay> = holidays
        .iter()
        .map(|(day, (name, _))| RuleDay {
            day: *day,
            kind: RuleDayKind::Holiday,
            name: name.clone(),
        })
        .collect();
    let mut taken: Vec<DayNumber> = Vec::new();
    for (day, (name, compensate)) in &holidays {
        if !compensate || !is_weekend(*day) {
            continue;
        }
        let mut candidate = day + 1;
        while is_weekend(candidate)
            || holidays.contains_key(&candidate)
            || taken.contains(&candidate)
        {
            candidate += 1;
        }
        taken.push(candidate);
        if !removed.contains(&candidate) {
            out.push(RuleDay {
                day: candidate,
                kind: RuleDayKind::Compensation,
                name: name.clone(),
            });
        }
    }
    out.sort_by_key(|d| d.day);
    out
}
