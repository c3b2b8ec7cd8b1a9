//! Public holidays (ngày nghỉ lễ, Tết) as versioned rule sets, plus the
//! day swaps the government announces each year (hoán đổi ngày làm việc,
//! ngày làm bù). Both are data: the built-in versions are embedded JSON, and a
//! tenant keeps an edited copy in its [`super::CalendarConfig`].

mod expand;
mod import;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use expand::{RuleDay, RuleDayKind, expand_rule_days};
pub use import::{ImportError, parse_adjustments_csv, parse_adjustments_json};

/// A set of public holidays in force between two dates (a law or decree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRuleSet {
    pub id: String,
    /// Legal basis, in Vietnamese.
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// A holiday on a Saturday or Sunday is compensated on the next working
    /// day (Labour Code 2019 art. 112(3); 2012 art. 115(3)).
    pub weekend_compensation: bool,
    pub holidays: Vec<HolidayRule>,
}

impl HolidayRuleSet {
    pub fn in_force_on(&self, date: Date) -> bool {
        date >= self.valid_from && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// One holiday of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRule {
    /// Vietnamese name shown to users, e.g. "Quốc khánh".
    pub name: String,
    pub when: HolidayDate,
}

/// How a holiday's date is found in a given year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HolidayDate {
    /// A fixed Gregorian date.
    Solar { month: i8, day: i8 },
    /// A fixed lunar date (in the regular, not the leap, month).
    Lunar { month: u8, day: u8 },
    /// Tết: days counted from lunar 1/1 (-1 is the last day of the old year,
    /// whether it is the 29th or the 30th). The government fixes the days for
    /// civil servants every year; `by_year` records them.
    LunarNewYear {
        default_offsets: Vec<i8>,
        #[serde(default)]
        by_year: Vec<TetDays>,
    },
    /// The day before or after a fixed date (the extra National Day holiday,
    /// 1/9 or 3/9), chosen by the weekday of the fixed date (Monday first) so
    /// that the holiday joins a weekend, or per year when announced.
    AdjacentDay {
        month: i8,
        day: i8,
        by_weekday: [Side; 7],
        #[serde(default)]
        by_year: Vec<AdjacentChoice>,
    },
}

/// The Tết days fixed for one lunar year, as offsets from lunar 1/1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TetDays {
    pub year: i32,
    pub offsets: Vec<i8>,
    /// The announcement that fixed them.
    pub source: String,
}

/// The adjacent day chosen for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjacentChoice {
    pub year: i32,
    pub side: Side,
    pub source: String,
}

/// Which neighbour of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Before,
    After,
}

/// Whether an announced day is a day off or a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// A working day given off (swapped).
    Off,
    /// A weekly day off worked (ngày làm bù).
    Work,
}

impl AdjustmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentKind::Off => "off",
            AdjustmentKind::Work => "work",
        }
    }
}

/// A day swap or make-up working day announced by the government or decided
/// by the tenant's administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayAdjustment {
    pub date: Date,
    pub kind: AdjustmentKind,
    /// Vietnamese name shown to users.
    pub name: String,
    /// The decision or announcement (số hiệu văn bản).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct RulesFile {
    rule_sets: Vec<HolidayRuleSet>,
}

#[derive(Deserialize)]
struct AdjustmentsFile {
    adjustments: Vec<DayAdjustment>,
}

const RULES_JSON: &str = include_str!("../../../data/holiday_rules.json");
const ADJUSTMENTS_JSON: &str = include_str!("../../../data/holiday_adjustments.json");

/// The shipped holiday rule sets (Labour Codes 2012 and 2019, Ngày Văn hóa
/// Việt Nam from 2026). The embedded file is checked by a unit test, so a
/// broken edit fails the build's tests rather than a tenant's request.
pub fn builtin_rule_sets() -> Vec<HolidayRuleSet> {
    serde_json::from_str::<RulesFile>(RULES_JSON)
        .map(|f| f.rule_sets)
        .unwrap_or_default()
}

/// The shipped swaps and make-up days for civil servants (2020 onwards).
pub fn builtin_adjustments() -> Vec<DayAdjustment> {
    serde_json::from_str::<AdjustmentsFile>(ADJUSTMENTS_JSON)
        .map(|f| f.adjustments)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        serde_json::from_str::<RulesFile>(RULES_JSON).unwrap();
        serde_json::from_str::<AdjustmentsFile>(ADJUSTMENTS_JSON).unwrap();
        assert_eq!(builtin_rule_sets().len(), 3);
        assert!(builtin_adjustments().len() >= 8);
    }

    #[test]
    fn make_up_days_fall_on_weekends_and_swapped_days_on_weekdays() {
        use jiff::civil::Weekday::{Saturday, Sunday};
        for a in builtin_adjustments() {
            let weekend = matches!(a.date.weekday(), Saturday | Sunday);
            assert_eq!(weekend, a.kind == AdjustmentKind::Work, "{a:?}");
            assert!(!a.source.is_empty());
        }
    }
}
