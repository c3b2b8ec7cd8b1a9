//! One-stop rule versions (Decree 61/2018 + Circular 01/2018, then Decree
//! 118/2025 + Circular 03/2025): the parameters deadlines, codes and forms
//! depend on. They are embedded data with validity dates, because a file keeps
//! the version in force at its receipt and later changes must not rewrite it.

mod file_code;

use std::sync::OnceLock;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

pub use file_code::{CodeShape, FileCodeError, file_code_shape, format_file_code};

/// What a supplement request (yêu cầu bổ sung) does to the legal deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplementMode {
    /// The deadline restarts from zero when the complete file arrives
    /// (Decree 61/2018 art. 19).
    Restart,
    /// The waiting time is added to the deadline.
    Pause,
}

/// When an online file submitted outside working hours starts counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlinePolicy {
    /// At the start of the next working period (common provincial practice).
    NextWorkingPeriod,
    /// From the submission moment (counting skips non-working time anyway).
    AsReceived,
}

/// Where a deadline in calendar days ends when its last day is not a working
/// day. Civil Code 2015 art. 148(2): at the end of the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDayEnd {
    NextWorkingDay,
    PreviousWorkingDay,
}

/// A file-code format valid for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCodeFormat {
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// See [`format_file_code`] for the template language.
    pub template: String,
    pub description: String,
}

/// A standard form (mẫu) of the version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub number: String,
    pub name: String,
}

/// One version of the one-stop rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    pub id: String,
    pub code: String,
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub supplement_mode: SupplementMode,
    /// Counter and post files received after this time are handed over at the
    /// start of the next working day.
    pub counter_cutoff: Time,
    pub online_outside_hours: OnlinePolicy,
    pub calendar_days_end: CalendarDayEnd,
    /// Default "due soon" window, in working hours.
    pub due_soon_warning_hours: u32,
    /// An apology letter with a new date must be issued at least this many working days
    /// before the old deadline ("chậm nhất 01 ngày trước ngày hết hạn").
    #[serde(default = "one_working_day")]
    pub apology_lead_working_days: u32,
    pub file_code_formats: Vec<FileCodeFormat>,
    pub forms: Vec<Form>,
}

#[derive(Deserialize)]
struct RulesFile {
    rule_sets: Vec<RuleSet>,
}

fn one_working_day() -> u32 {
    1
}

const RULES_JSON: &str = include_str!("../../data/rule_versions.json");

impl RuleSet {
    /// The shipped rule versions, oldest first.
    pub fn builtin() -> &'static [RuleSet] {
        static RULES: OnceLock<Vec<RuleSet>> = OnceLock::new();
        RULES.get_or_init(|| {
            serde_json::from_str::<RulesFile>(RULES_JSON)
                .map(|f| f.rule_sets)
                .unwrap_or_default()
        })
    }

    /// The shipped version in force on `date`, if any (none before 2018-06-21).
    pub fn in_force_at(date: Date) -> Option<&'static RuleSet> {
        Self::find_in(Self::builtin(), date)
    }

    /// The version in force on `date` among `versions` (a tenant's copy).
    pub fn find_in(versions: &[RuleSet], date: Date) -> Option<&RuleSet> {
        versions
            .iter()
            .rev()
            .find(|r| date >= r.valid_from && r.valid_to.is_none_or(|to| date <= to))
    }

    /// The file-code format of this version valid on `date`.
    pub fn file_code_format(&self, date: Date) -> Option<&FileCodeFormat> {
        self.file_code_formats
            .iter()
            .rev()
            .find(|f| date >= f.valid_from && f.valid_to.is_none_or(|to| date <= to))
    }

    /// The name of form `number` ("01".."07").
    pub fn form(&self, number: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.number == number)
    }

    /// Parameters for deadline computation.
    pub fn deadline_rules(&self) -> crate::calendar::deadline::DeadlineRules {
        crate::calendar::deadline::DeadlineRules {
            supplement_mode: self.supplement_mode,
            counter_cutoff: self.counter_cutoff,
            online_outside_hours: self.online_outside_hours,
            calendar_days_end: self.calendar_days_end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn embedded_versions_parse_and_cover_2018_onwards_without_gaps() {
        serde_json::from_str::<RulesFile>(RULES_JSON).unwrap();
        let all = RuleSet::builtin();
        assert_eq!(all.len(), 2);
        assert!(RuleSet::in_force_at(date(2018, 6, 20)).is_none());
        assert_eq!(
            RuleSet::in_force_at(date(2018, 6, 21)).unwrap().id,
            "nd61-2018"
        );
        assert_eq!(
            RuleSet::in_force_at(date(2025, 6, 30)).unwrap().id,
            "nd61-2018"
        );
        assert_eq!(
            RuleSet::in_force_at(date(2025, 7, 1)).unwrap().id,
            "nd118-2025"
        );
    }

    #[test]
    fn forms_differ_between_versions() {
        let old = RuleSet::in_force_at(date(2020, 1, 1)).unwrap();
        let new = RuleSet::in_force_at(date(2026, 1, 1)).unwrap();
        assert_eq!(old.form("06").unwrap().name, "Sổ theo dõi hồ sơ");
        assert_eq!(
            new.form("05").unwrap().name,
            "Thông báo dừng giải quyết hồ sơ"
        );
        assert_eq!(new.form("07").unwrap().name, "Sổ theo dõi hồ sơ");
        assert!(old.form("07").is_none());
    }

    #[test]
    fn file_code_format_switches_on_25_january_2026() {
        let v = RuleSet::in_force_at(date(2026, 3, 1)).unwrap();
        let before = v.file_code_format(date(2026, 1, 24)).unwrap();
        let after = v.file_code_format(date(2026, 1, 25)).unwrap();
        assert_eq!(
            format_file_code(
                &before.template,
                "000.00.01.H26",
                date(2026, 1, 24),
                1,
                None
            )
            .unwrap(),
            "000.00.01.H26-260124-0001"
        );
        assert_eq!(
            format_file_code(
                &after.template,
                "H26.123.45",
                date(2026, 1, 25),
                12,
                Some("01")
            )
            .unwrap(),
            "H26.123.45-260125-010012"
        );
    }
}
