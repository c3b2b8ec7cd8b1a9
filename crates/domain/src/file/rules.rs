//! The workflow parameters a file keeps from the rule version in force when it
//! arrived, so that a later rule change never rewrites how an old file is
//! judged. They are derived from [`RuleSet`] data where the data says it (the
//! supplement mode, the forms the version has); the few numbers the shipped
//! rule data does not carry yet are named constants with their legal source.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::deadline::DeadlineRules;
use crate::rules::RuleSet;
use crate::text::fold;

/// Decree 61/2018 art. 19(3)(b) (kept by the 2025 rules as far as we could
/// check): the apology letter goes out "chậm nhất 01 ngày trước ngày hết
/// hạn". The text says "01 ngày", not "01 ngày làm việc" (the decree writes
/// "ngày làm việc" whenever it means working days, e.g. the 3-working-day
/// supplement notice), and it speaks of the expiry *date*; so we read it as
/// one calendar day before the old deadline's date: the letter must be issued
/// on an earlier local date than the date of the old due moment. This is also
/// how [`crate::calendar::deadline`] marks an extension `issued_in_time`.
pub const APOLOGY_LEAD_CALENDAR_DAYS: u32 = 1;

/// Decree 61/2018 art. 19: an agency that finds a received file incomplete
/// must send it back within 3 working days of receipt.
pub const SUPPLEMENT_NOTICE_WORKING_DAYS: u32 = 3;

/// When an accepted online submission counts as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineReceiptMoment {
    /// The moment the (last, complete) submission arrived; the rule version's
    /// online-outside-hours policy then decides when counting starts. The
    /// default: the officer's delay in accepting is the agency's time, not
    /// the applicant's.
    Submission,
    /// The moment the officer accepts the submission.
    Acceptance,
}

/// Form numbers of the rule version, found by the form's name so that a
/// renumbering in a new version (Circular 03/2025 added 05 "stop notice" and
/// moved the control slip to 06) needs no code change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormNumbers {
    pub receipt: Option<String>,
    pub supplement_request: Option<String>,
    pub refusal: Option<String>,
    pub apology: Option<String>,
    pub stop_notice: Option<String>,
    pub control_slip: Option<String>,
}

impl FormNumbers {
    fn from_rule_set(rs: &RuleSet) -> FormNumbers {
        let find = |prefix: &str| {
            let prefix = fold(prefix);
            rs.forms
                .iter()
                .find(|f| fold(&f.name).starts_with(&prefix))
                .map(|f| f.number.clone())
        };
        FormNumbers {
            receipt: find("Giấy tiếp nhận hồ sơ"),
            supplement_request: find("Phiếu yêu cầu bổ sung"),
            refusal: find("Phiếu từ chối"),
            apology: find("Phiếu xin lỗi"),
            stop_notice: find("Thông báo dừng giải quyết"),
            control_slip: find("Phiếu kiểm soát"),
        }
    }
}

/// Everything the workflow rules of one file depend on, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRules {
    /// `RuleSet::id` of the version in force at receipt.
    pub rule_version_id: String,
    pub deadline: DeadlineRules,
    pub forms: FormNumbers,
    pub apology_lead_calendar_days: u32,
    pub supplement_notice_working_days: u32,
    pub online_receipt_moment: OnlineReceiptMoment,
}

impl FileRules {
    /// The parameters of a rule version.
    pub fn from_rule_set(rs: &RuleSet) -> FileRules {
        FileRules {
            rule_version_id: rs.id.clone(),
            deadline: rs.deadline_rules(),
            forms: FormNumbers::from_rule_set(rs),
            apology_lead_calendar_days: APOLOGY_LEAD_CALENDAR_DAYS,
            supplement_notice_working_days: SUPPLEMENT_NOTICE_WORKING_DAYS,
            online_receipt_moment: OnlineReceiptMoment::Submission,
        }
    }

    /// Stopping processing (dừng giải quyết) exists only in versions that
    /// have the stop notice form (Circular 03/2025 form 05); under the 2018
    /// rules the applicant withdraws instead.
    pub fn allows_stop(&self) -> bool {
        self.forms.stop_notice.is_some()
    }
}

/// Whether `rs` is in force on `date`.
pub(crate) fn in_force(rs: &RuleSet, date: Date) -> bool {
    date >= rs.valid_from && rs.valid_to.is_none_or(|to| date <= to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn forms_and_stop_follow_the_rule_data() {
        let old = FileRules::from_rule_set(RuleSet::in_force_at(date(2020, 1, 1)).unwrap());
        let new = FileRules::from_rule_set(RuleSet::in_force_at(date(2026, 1, 1)).unwrap());
        assert_eq!(old.rule_version_id, "nd61-2018");
        assert!(!old.allows_stop());
        assert_eq!(old.forms.control_slip.as_deref(), Some("05"));
        assert!(new.allows_stop());
        assert_eq!(new.forms.stop_notice.as_deref(), Some("05"));
        assert_eq!(new.forms.control_slip.as_deref(), Some("06"));
        for rules in [&old, &new] {
            assert_eq!(rules.forms.receipt.as_deref(), Some("01"));
            assert_eq!(rules.forms.supplement_request.as_deref(), Some("02"));
            assert_eq!(rules.forms.refusal.as_deref(), Some("03"));
            assert_eq!(rules.forms.apology.as_deref(), Some("04"));
        }
    }
}
