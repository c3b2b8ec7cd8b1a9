//! Processes (quy trình) per procedure: the ordered steps a file goes through — receive,
//! examine, approve/sign, inter-agency steps at other units, return — which role (and unit)
//! acts at each, and each step's share of the deadline.
//!
//! A process is data an administrator defines per procedure, in immutable versions; a file
//! keeps the version it was received under. Procedures without one follow the shipped default
//! ([`DefaultProcess`], `data/default_process.json`, versioned with validity dates).
//! [`schedule`] turns a process into each step's due moment on the file's working calendar and
//! names the step the file is at.

mod defaults;
mod schedule;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::catalogue::{ProcessingTime, TimeUnit};
use crate::org::{Role, UnitCode};
use crate::permission::{Action, allows};

pub use defaults::DefaultProcess;
pub use schedule::{ScheduledStep, current_step, schedule};

/// Most steps a process may have.
pub const MAX_STEPS: usize = 20;

/// What happens at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Tiếp nhận hồ sơ.
    Receive,
    /// Thẩm định, xem xét.
    Examine,
    /// Phê duyệt, ký.
    Approve,
    /// Liên thông: a step at another unit.
    InterAgency,
    /// Trả kết quả.
    Return,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        StepKind::Receive,
        StepKind::Examine,
        StepKind::Approve,
        StepKind::InterAgency,
        StepKind::Return,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Receive => "receive",
            StepKind::Examine => "examine",
            StepKind::Approve => "approve",
            StepKind::InterAgency => "inter_agency",
            StepKind::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            StepKind::Receive => "Tiếp nhận hồ sơ",
            StepKind::Examine => "Thẩm định, xem xét",
            StepKind::Approve => "Phê duyệt, ký",
            StepKind::InterAgency => "Liên thông tại cơ quan khác",
            StepKind::Return => "Trả kết quả",
        }
    }

    /// What the role acting at this step must be allowed to do.
    pub fn permission(self) -> Action {
        match self {
            StepKind::Receive | StepKind::Return => Action::ReceiveFiles,
            StepKind::Examine | StepKind::InterAgency => Action::ProcessFiles,
            StepKind::Approve => Action::DecideFiles,
        }
    }
}

/// One step of a process. Exactly one of `share_percent` and `share_hours` is given, and all
/// steps of a process use the same one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProcessStep {
    pub kind: StepKind,
    /// The role that acts: `counter_officer`, `specialist` or `leader`.
    pub role: String,
    /// The unit that acts (its agency code); absent: the unit that received the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_code: Option<String>,
    /// Share of the deadline in percent; the steps' shares add up to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_percent: Option<u32>,
    /// Share of the deadline in working hours; they add up to the procedure's processing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_hours: Option<u32>,
}

impl ProcessStep {
    /// The role, once the process is validated.
    pub fn role(&self) -> Option<Role> {
        Role::from_str(&self.role).ok()
    }

    /// The step's weight in the deadline (percent or hours, as the process uses).
    pub fn weight(&self) -> u32 {
        self.share_percent.or(self.share_hours).unwrap_or(0)
    }

    /// "20%" or "8 giờ làm việc".
    pub fn share_label_vi(&self) -> String {
        match (self.share_percent, self.share_hours) {
            (Some(p), _) => format!("{p}%"),
            (None, Some(h)) => format!("{h} giờ làm việc"),
            (None, None) => String::new(),
        }
    }
}

/// A process: its steps in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProcessDefinition {
    pub steps: Vec<ProcessStep>,
}

/// Why a process was refused. Each has a stable code; `step` is 1-based where it applies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    #[error("a process needs between 2 and {MAX_STEPS} steps")]
    StepCount,
    #[error("the first step must be `receive`")]
    FirstNotReceive,
    #[error("the last step must be `return`")]
    LastNotReturn,
    #[error("step {step}: `receive` and `return` only open and close a process")]
    MisplacedEnd { step: usize },
    #[error("step {step}: unknown role (counter_officer, specialist or leader)")]
    UnknownRole { step: usize },
    #[error("step {step}: the role `{role}` cannot act at a `{kind}` step")]
    RoleCannotAct {
        step: usize,
        role: String,
        kind: &'static str,
    },
    #[error("step {step}: an inter-agency step needs the code of the other unit")]
    InterAgencyNeedsUnit { step: usize },
    #[error("step {step}: `{code}` is not an agency code (e.g. 000.00.12.H48)")]
    BadUnitCode { step: usize, code: String },
    #[error("step {step}: no unit with code `{code}`")]
    UnknownUnit { step: usize, code: String },
    #[error("step {step}: give exactly one of share_percent and share_hours")]
    ShareMissing { step: usize },
    #[error("all steps must give their share the same way (percent or working hours)")]
    MixedShares,
    #[error("the shares add up to {sum}%, not 100%")]
    PercentNot100 { sum: u64 },
    #[error("shares in working hours need a processing time in working days or hours")]
    HoursNeedWorkingTime,
    #[error("the shares add up to {sum} working hours, not the processing time's {expected}")]
    HoursMismatch { sum: u64, expected: u64 },
}

impl ProcessError {
    pub fn code(&self) -> &'static str {
        match self {
            ProcessError::StepCount => "process.step_count",
            ProcessError::FirstNotReceive => "process.first_not_receive",
            ProcessError::LastNotReturn => "process.last_not_return",
            ProcessError::MisplacedEnd { .. } => "process.misplaced_end",
            ProcessError::UnknownRole { .. } => "process.unknown_role",
            ProcessError::RoleCannotAct { .. } => "process.role_cannot_act",
            ProcessError::InterAgencyNeedsUnit { .. } => "process.inter_agency_needs_unit",
            ProcessError::BadUnitCode { .. } => "process.bad_unit_code",
            ProcessError::UnknownUnit { .. } => "process.unknown_unit",
            ProcessError::ShareMissing { .. } => "process.share_missing",
            ProcessError::MixedShares => "process.mixed_shares",
            ProcessError::PercentNot100 { .. } => "process.shares_not_100",
            ProcessError::HoursNeedWorkingTime => "process.hours_need_working_time",
            ProcessError::HoursMismatch { .. } => "process.hours_mismatch",
        }
    }

    /// The message shown on pages.
    pub fn message_vi(&self) -> String {
        match self {
            ProcessError::StepCount => {
                format!("Quy trình phải có từ 2 đến {MAX_STEPS} bước.")
            }
            ProcessError::FirstNotReceive => {
                "Bước đầu tiên của quy trình phải là «Tiếp nhận hồ sơ».".into()
            }
            ProcessError::LastNotReturn => {
                "Bước cuối cùng của quy trình phải là «Trả kết quả».".into()
            }
            ProcessError::MisplacedEnd { step } => format!(
                "Bước {step}: «Tiếp nhận hồ sơ» chỉ là bước đầu và «Trả kết quả» chỉ là bước cuối."
            ),
            ProcessError::UnknownRole { step } => format!(
                "Bước {step}: vai trò không hợp lệ (cán bộ một cửa, chuyên viên xử lý hoặc lãnh đạo)."
            ),
            ProcessError::RoleCannotAct { step, role, kind } => format!(
                "Bước {step}: vai trò «{}» không thực hiện được bước «{}».",
                Role::from_str(role).map_or_else(|_| role.clone(), |r| r.label_vi().to_owned()),
                StepKind::parse(kind).map_or(*kind, StepKind::label_vi)
            ),
            ProcessError::InterAgencyNeedsUnit { step } => format!(
                "Bước {step}: bước liên thông phải ghi mã định danh của cơ quan phối hợp."
            ),
            ProcessError::BadUnitCode { step, .. } => format!(
                "Bước {step}: mã định danh đơn vị không đúng định dạng (ví dụ 000.00.12.H48)."
            ),
            ProcessError::UnknownUnit { step, .. } => {
                format!("Bước {step}: không có đơn vị với mã định danh này.")
            }
            ProcessError::ShareMissing { step } => format!(
                "Bước {step}: nhập tỷ lệ thời gian theo phần trăm hoặc theo giờ làm việc (chỉ một trong hai)."
            ),
            ProcessError::MixedShares => {
                "Các bước phải cùng tính thời gian theo phần trăm hoặc cùng theo giờ làm việc.".into()
            }
            ProcessError::PercentNot100 { sum } => {
                format!("Tổng tỷ lệ thời gian các bước là {sum}%, phải bằng 100%.")
            }
            ProcessError::HoursNeedWorkingTime => "Chỉ chia thời gian theo giờ làm việc khi thời hạn giải quyết tính bằng ngày làm việc hoặc giờ làm việc.".into(),
            ProcessError::HoursMismatch { sum, expected } => format!(
                "Tổng thời gian các bước là {sum} giờ làm việc, phải bằng thời hạn giải quyết ({expected} giờ làm việc)."
            ),
        }
    }
}

impl ProcessDefinition {
    /// Checks the rules every process follows. `processing_time` is the procedure's, needed
    /// when shares are in working hours. Unit codes are checked for form only; whether the
    /// unit exists is the caller's question (it needs the database).
    pub fn validate(&self, processing_time: ProcessingTime) -> Result<(), ProcessError> {
        let steps = &self.steps;
        if !(2..=MAX_STEPS).contains(&steps.len()) {
            return Err(ProcessError::StepCount);
        }
        if steps[0].kind != StepKind::Receive {
            return Err(ProcessError::FirstNotReceive);
        }
        if steps[steps.len() - 1].kind != StepKind::Return {
            return Err(ProcessError::LastNotReturn);
        }
        for (i, s) in steps.iter().enumerate() {
            let step = i + 1;
            let inner = i > 0 && i + 1 < steps.len();
            if inner && matches!(s.kind, StepKind::Receive | StepKind::Return) {
                return Err(ProcessError::MisplacedEnd { step });
            }
            let role = s.role().ok_or(ProcessError::UnknownRole { step })?;
            if !allows(role, s.kind.permission()) {
                return Err(ProcessError::RoleCannotAct {
                    step,
                    role: s.role.clone(),
                    kind: s.kind.as_str(),
                });
            }
            match s.unit_code.as_deref() {
                None if s.kind == StepKind::InterAgency => {
                    return Err(ProcessError::InterAgencyNeedsUnit { step });
                }
                Some(code) if UnitCode::parse(code).is_err() => {
                    return Err(ProcessError::BadUnitCode {
                        step,
                        code: code.chars().take(40).collect(),
                    });
                }
                _ => {}
            }
            if s.share_percent.is_some() == s.share_hours.is_some() {
                return Err(ProcessError::ShareMissing { step });
            }
        }
        let percent = steps[0].share_percent.is_some();
        if steps.iter().any(|s| s.share_percent.is_some() != percent) {
            return Err(ProcessError::MixedShares);
        }
        let sum: u64 = steps.iter().map(|s| u64::from(s.weight())).sum();
        if percent {
            if sum != 100 {
                return Err(ProcessError::PercentNot100 { sum });
            }
        } else {
            let expected = match processing_time.unit {
                TimeUnit::WorkingDays => u64::from(processing_time.value) * 8,
                TimeUnit::WorkingHours => u64::from(processing_time.value),
                TimeUnit::CalendarDays | TimeUnit::SameDay => {
                    return Err(ProcessError::HoursNeedWorkingTime);
                }
            };
            if sum != expected {
                return Err(ProcessError::HoursMismatch { sum, expected });
            }
        }
        Ok(())
    }

    /// Unit codes named by the steps, each once.
    pub fn unit_codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .steps
            .iter()
            .filter_map(|s| s.unit_code.as_deref())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// Trims unit codes and drops empty ones, as forms send them.
    pub fn normalised(mut self) -> Self {
        for s in &mut self.steps {
            s.role = s.role.trim().to_owned();
            s.unit_code = s
                .unit_code
                .take()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
        }
        self
    }
}
