//! Structured explanation of a deadline, and its Vietnamese rendering for
//! receipts and pages. Users check deadlines by hand: every day that was not
//! counted, and why, is listed.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{Channel, ProcessingTime};
use crate::calendar::day::{LOCAL_OFFSET_SECONDS, SECONDS_PER_DAY, date_of};
use crate::calendar::{DayReason, WorkingCalendar};
use crate::rules::SupplementMode;

/// Why counting started when it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StartReason {
    /// Received during working hours: counting starts at once.
    WithinHours,
    /// Counter or post receipt after the cut-off: handed over next working day.
    AfterCutoff { cutoff: Time },
    /// Received outside working hours (break, evening, day off).
    OutsideHours,
    /// Counted from the moment it arrived, outside hours (setting).
    AsReceived,
}

/// Why a stretch of days was not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    Weekend,
    Holiday { name: String },
    Swap { name: String },
    Compensation { name: String },
    OutsideHours,
}

/// One step of a deadline's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ExplanationStep {
    ReceiptMoment {
        instant: Timestamp,
        channel: Channel,
        effective_start: Timestamp,
        reason: StartReason,
    },
    /// Whole days from `from` to `to` (inclusive) that were not counted.
    SkippedNonWorking {
        from: Date,
        to: Date,
        reason: SkipReason,
    },
    Pause {
        requested_at: Timestamp,
        resumed_at: Timestamp,
        mode: SupplementMode,
        waiting_working_seconds: i64,
        /// Restart mode: when counting started again.
        restarted_at: Option<Timestamp>,
        /// False if the request came after the deadline (then it changes nothing).
        affects_deadline: bool,
    },
    Extension {
        issued_at: Timestamp,
        previous_due: Timestamp,
        new_due: Timestamp,
        /// At least one day before the old deadline, as the decree requires.
        issued_in_time: bool,
    },
    Due {
        due: Timestamp,
        processing_time: ProcessingTime,
        /// Calendar-day deadline whose last day was not a working day.
        moved_from: Option<Date>,
    },
}

/// Aggregated runs of non-working days strictly between two local moments
/// (seconds at UTC+7): one step per run of days with the same reason.
pub(super) fn skipped_days(
    cal: &WorkingCalendar,
    from_local: i64,
    to_local: i64,
) -> Vec<ExplanationStep> {
    let mut steps: Vec<ExplanationStep> = Vec::new();
    let day_index = |local: i64| {
        i32::try_from(local.div_euclid(SECONDS_PER_DAY))
            .ok()
            .and_then(|d| cal.index(d))
    };
    let (Some(first), Some(last)) = (day_index(from_local), day_index(to_local)) else {
        return steps;
    };
    let mut current: Option<(usize, usize, SkipReason)> = None;
    for i in first..=last {
        if !cal.is_off_at(i) {
            continue;
        }
        let reason = skip_reason(cal.reason_at(i));
        match &mut current {
            Some((_, end, r)) if *end + 1 == i && *r == reason => *end = i,
            _ => {
                if let Some((s, e, r)) = current.take() {
                    push_run(cal, &mut steps, s, e, r);
                }
                current = Some((i, i, reason));
            }
        }
    }
    if let Some((s, e, r)) = current {
        push_run(cal, &mut steps, s, e, r);
    }
    steps
}

fn push_run(
    cal: &WorkingCalendar,
    steps: &mut Vec<ExplanationStep>,
    start: usize,
    end: usize,
    reason: SkipReason,
) {
    steps.push(ExplanationStep::SkippedNonWorking {
        from: cal.date_at_index(start),
        to: cal.date_at_index(end),
        reason,
    });
}

fn skip_reason(reason: &DayReason) -> SkipReason {
    match reason {
        DayReason::Weekend => SkipReason::Weekend,
        DayReason::Holiday { name } => SkipReason::Holiday { name: name.clone() },
        DayReason::Compensation { name } => SkipReason::Compensation { name: name.clone() },
        DayReason::SwapOff { name, .. } => SkipReason::Swap { name: name.clone() },
        DayReason::Weekday | DayReason::MakeUpWork { .. } | DayReason::UnitClosed => {
            SkipReason::OutsideHours
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "thứ Hai",
    "thứ Ba",
    "thứ Tư",
    "thứ Năm",
    "thứ Sáu",
    "thứ Bảy",
    "Chủ nhật",
];

fn weekday_vi(date: Date) -> &'static str {
    WEEKDAYS[date.weekday().to_monday_zero_offset() as usize]
}

/// "thứ Sáu 20/11/2026".
pub fn date_vi(date: Date) -> String {
    format!(
        "{} {:02}/{:02}/{}",
        weekday_vi(date),
        date.day(),
        date.month(),
        date.year()
    )
}

fn local_date(at: Timestamp) -> Option<Date> {
    let local = at.as_second() + LOCAL_OFFSET_SECONDS;
    i32::try_from(local.div_euclid(SECONDS_PER_DAY))
        .ok()
        .and_then(date_of)
}

/// "16:10 thứ Sáu 20/11/2026", at UTC+7.
pub fn moment_vi(at: Timestamp) -> String {
    let local = at.as_second() + LOCAL_OFFSET_SECONDS;
    let day = local.div_euclid(SECONDS_PER_DAY);
    let secs = local.rem_euclid(SECONDS_PER_DAY);
    let date = i32::try_from(day).ok().and_then(date_of);
    match date {
        Some(d) => format!("{:02}:{:02} {}", secs / 3600, secs / 60 % 60, date_vi(d)),
        None => at.to_string(),
    }
}

fn hours_vi(seconds: i64) -> String {
    let (h, m) = (seconds / 3600, seconds / 60 % 60);
    if m == 0 {
        format!("{h} giờ làm việc")
    } else {
        format!("{h} giờ {m} phút làm việc")
    }
}

fn range_vi(from: Date, to: Date) -> String {
    if from == to {
        date_vi(from)
    } else {
        format!("{} – {}", date_vi(from), date_vi(to))
    }
}

fn processing_vi(p: ProcessingTime) -> String {
    match p {
        ProcessingTime::WorkingDays(n) => format!("{n} ngày làm việc = {} giờ làm việc", n * 8),
        ProcessingTime::WorkingHours(n) => format!("{n} giờ làm việc"),
        ProcessingTime::CalendarDays(n) => format!("{n} ngày theo lịch"),
        ProcessingTime::SameDay => "giải quyết trong ngày".to_string(),
    }
}

impl ExplanationStep {
    /// One line of Vietnamese text for this step.
    pub fn to_vietnamese(&self) -> String {
        match self {
            ExplanationStep::ReceiptMoment {
                instant,
                channel,
                effective_start,
                reason,
            } => {
                let verb = match channel {
                    Channel::Online => "Nộp trực tuyến",
                    Channel::Post => "Tiếp nhận qua bưu chính",
                    Channel::Counter => "Tiếp nhận",
                };
                match reason {
                    StartReason::WithinHours => {
                        format!(
                            "{verb} lúc {} trong giờ làm việc, bắt đầu tính thời hạn ngay",
                            moment_vi(*instant)
                        )
                    }
                    StartReason::AfterCutoff { cutoff } => format!(
                        "{verb} lúc {} sau {:02}:{:02}, chuyển xử lý từ {}",
                        moment_vi(*instant),
                        cutoff.hour(),
                        cutoff.minute(),
                        moment_vi(*effective_start)
                    ),
                    StartReason::OutsideHours => format!(
                        "{verb} lúc {} ngoài giờ làm việc, tính từ {}",
                        moment_vi(*instant),
                        moment_vi(*effective_start)
                    ),
                    StartReason::AsReceived => format!(
                        "{verb} lúc {} ngoài giờ làm việc, tính từ lúc nộp (chỉ đếm giờ làm việc)",
                        moment_vi(*instant)
                    ),
                }
            }
            ExplanationStep::SkippedNonWorking { from, to, reason } => {
                let why = match reason {
                    SkipReason::Weekend => "nghỉ cuối tuần".to_string(),
                    SkipReason::Holiday { name } => format!("nghỉ lễ: {name}"),
                    SkipReason::Swap { name } => format!("nghỉ hoán đổi: {name}"),
                    SkipReason::Compensation { name } => format!("nghỉ bù {name}"),
                    SkipReason::OutsideHours => "ngoài giờ làm việc".to_string(),
                };
                format!("Không tính {} ({why})", range_vi(*from, *to))
            }
            ExplanationStep::Pause {
                requested_at,
                resumed_at,
                mode,
                waiting_working_seconds,
                restarted_at,
                affects_deadline,
            } => {
                let head = format!(
                    "Yêu cầu bổ sung lúc {}, nhận đủ hồ sơ lúc {} (chờ {})",
                    moment_vi(*requested_at),
                    moment_vi(*resumed_at),
                    hours_vi(*waiting_working_seconds)
                );
                match (affects_deadline, mode, restarted_at) {
                    (false, _, _) => format!("{head}; yêu cầu sau hạn nên không đổi thời hạn"),
                    (true, SupplementMode::Restart, Some(at)) => {
                        format!("{head}; thời hạn tính lại từ đầu từ {}", moment_vi(*at))
                    }
                    _ => format!("{head}; thời gian chờ được cộng vào thời hạn"),
                }
            }
            ExplanationStep::Extension {
                issued_at,
                previous_due,
                new_due,
                issued_in_time,
            } => format!(
                "Thư xin lỗi lúc {} hẹn lại: hạn mới {} (hạn cũ {}){}",
                moment_vi(*issued_at),
                moment_vi(*new_due),
                moment_vi(*previous_due),
                if *issued_in_time {
                    ""
                } else {
                    "; thư gửi muộn, không trước hạn cũ ít nhất 01 ngày"
                }
            ),
            ExplanationStep::Due {
                due,
                processing_time,
                moved_from,
            } => {
                let due_date = local_date(*due);
                let moved = moved_from
                    .map(|d| {
                        let (which, basis) = if due_date > Some(d) {
                            ("kế tiếp", " (Bộ luật Dân sự 2015, điều 148)")
                        } else {
                            ("liền trước", "")
                        };
                        format!("; ngày cuối {} không phải ngày làm việc nên hạn là cuối ngày làm việc {which}{basis}", date_vi(d))
                    })
                    .unwrap_or_default();
                format!(
                    "Hạn trả kết quả: {} ({}){moved}",
                    moment_vi(*due),
                    processing_vi(*processing_time)
                )
            }
        }
    }
}

/// All steps, one per line.
pub fn explanation_vi(steps: &[ExplanationStep]) -> String {
    steps
        .iter()
        .map(ExplanationStep::to_vietnamese)
        .collect::<Vec<_>>()
        .join("\n")
}

impl super::Deadline {
    /// The explanation in Vietnamese, one step per line.
    pub fn to_vietnamese(&self) -> String {
        explanation_vi(&self.explanation)
    }
}
