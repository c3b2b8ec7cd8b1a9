//! The step deadlines of feedback handling, as versioned data (`data/feedback_deadlines.json`).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One version of the step deadlines, in working days from the start of each step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackDeadlines {
    pub id: String,
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// Refusing an item after checking it.
    pub reject_days: u32,
    /// Asking the sender for more information.
    pub ask_info_days: u32,
    /// Forwarding to the competent unit (Decree 20/2008: 5).
    pub forward_days: u32,
    /// Answering, with the answer approved, from forwarding.
    pub handle_days: u32,
    /// Publishing the approved answer.
    pub publish_days: u32,
    /// Open items due within this many working hours are "due soon".
    pub due_soon_warning_hours: u32,
}

#[derive(Deserialize)]
struct DeadlinesFile {
    versions: Vec<FeedbackDeadlines>,
}

const DEADLINES_JSON: &str = include_str!("../../data/feedback_deadlines.json");

impl FeedbackDeadlines {
    /// The shipped versions, oldest first.
    pub fn builtin() -> &'static [FeedbackDeadlines] {
        static VERSIONS: OnceLock<Vec<FeedbackDeadlines>> = OnceLock::new();
        VERSIONS.get_or_init(|| {
            serde_json::from_str::<DeadlinesFile>(DEADLINES_JSON)
                .map(|f| f.versions)
                .unwrap_or_default()
        })
    }

    /// The version in force on `date`.
    pub fn in_force_at(date: Date) -> Option<&'static FeedbackDeadlines> {
        Self::builtin()
            .iter()
            .rev()
            .find(|v| date >= v.valid_from && v.valid_to.is_none_or(|to| date <= to))
    }

    pub fn by_id(id: &str) -> Option<&'static FeedbackDeadlines> {
        Self::builtin().iter().find(|v| v.id == id)
    }

    /// Working days allowed for `step`.
    pub fn days(&self, step: super::Step) -> u32 {
        use super::Step;
        match step {
            Step::Reject => self.reject_days,
            Step::AskInfo => self.ask_info_days,
            Step::Forward => self.forward_days,
            Step::Handle => self.handle_days,
            Step::Publish => self.publish_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_deadlines_parse_and_follow_decision_766() {
        let v = FeedbackDeadlines::in_force_at(jiff::civil::date(2026, 1, 1)).unwrap();
        assert_eq!(
            (
                v.reject_days,
                v.ask_info_days,
                v.forward_days,
                v.handle_days,
                v.publish_days
            ),
            (2, 5, 5, 15, 2)
        );
        assert!(FeedbackDeadlines::in_force_at(jiff::civil::date(2000, 1, 1)).is_none());
        assert_eq!(FeedbackDeadlines::by_id(&v.id), Some(v));
    }
}
