//! The yearly reform plan as tasks (owner unit, person in charge, due date, progress) and the
//! discipline inspections (kiểm tra kỷ luật, kỷ cương) with their findings and follow-up.

use jiff::civil::Date;
use serde::Serialize;

/// Where a task stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Done,
    InProgress,
    NotStarted,
    /// Not done and the due date has passed.
    Overdue,
}

impl TaskStatus {
    pub fn of(progress: i64, due: Date, today: Date) -> TaskStatus {
        if progress >= 100 {
            TaskStatus::Done
        } else if today > due {
            TaskStatus::Overdue
        } else if progress > 0 {
            TaskStatus::InProgress
        } else {
            TaskStatus::NotStarted
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TaskStatus::Done => "Đã hoàn thành",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::NotStarted => "Chưa thực hiện",
            TaskStatus::Overdue => "Quá hạn",
        }
    }
}

/// Checks a task's text and progress; returns (field, message) problems.
pub fn check_task(title: &str, progress: i64) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if title.trim().is_empty() || title.chars().count() > 500 {
        out.push(("title", "a title of at most 500 characters".to_owned()));
    }
    if !(0..=100).contains(&progress) {
        out.push(("progress", "a percentage from 0 to 100".to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_task_is_overdue_only_when_unfinished_past_its_date() {
        let due = date(2026, 6, 30);
        assert_eq!(
            TaskStatus::of(100, due, date(2026, 12, 1)),
            TaskStatus::Done
        );
        assert_eq!(
            TaskStatus::of(60, due, date(2026, 7, 1)),
            TaskStatus::Overdue
        );
        assert_eq!(
            TaskStatus::of(60, due, date(2026, 6, 30)),
            TaskStatus::InProgress
        );
        assert_eq!(
            TaskStatus::of(0, due, date(2026, 1, 1)),
            TaskStatus::NotStarted
        );
        assert_eq!(check_task("", 120).len(), 2);
        assert!(check_task("Rà soát thủ tục", 50).is_empty());
    }
}
