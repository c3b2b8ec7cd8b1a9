//! Why an action on a file was refused, with stable machine codes that the
//! web layer maps to problem+json and to a Vietnamese message.

use jiff::Timestamp;
use jiff::civil::Date;

use super::action::ActionKind;
use super::state::FileState;
use crate::calendar::deadline::DeadlineError;
use crate::rules::FileCodeError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{action:?} is not possible while the file is {state}")]
    WrongState {
        action: ActionKind,
        state: FileState,
    },
    #[error("the file has ended ({state}); only closing it is possible")]
    Finished { state: FileState },
    #[error("the file is closed")]
    Closed,
    #[error("a result has already been issued")]
    ResultAlreadyIssued,
    #[error("the result is not ready yet")]
    ResultNotReady,
    #[error("stopping processing does not exist in rule version {rule_version}")]
    StopNotInRuleVersion { rule_version: String },
    #[error("the missing items must be listed")]
    MissingItemsRequired,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("text longer than {max} characters")]
    TextTooLong { max: usize },
    #[error("more than {max} items")]
    TooManyItems { max: usize },
    #[error("the file already has its one apology and new appointment")]
    ApologyAlreadyIssued,
    #[error("an apology must be issued at least one day before the deadline {due}")]
    ApologyTooLate { due: Timestamp },
    #[error("the new appointment {new_date} is not after the old one {old_date}")]
    NewAppointmentNotLater { new_date: Date, old_date: Date },
    #[error("the file is already at unit {unit_id}")]
    LegAlreadyOpen { unit_id: i64 },
    #[error("no open inter-agency leg at unit {unit_id}")]
    NoOpenLeg { unit_id: i64 },
    #[error("a leg must go to another unit than the one processing the file")]
    LegToOwnUnit,
    #[error("invalid share of the deadline for a leg")]
    InvalidShare,
    #[error("the file is already with this specialist")]
    SameAssignee,
    #[error("the file was changed meanwhile (version {actual}, expected {expected})")]
    VersionConflict { expected: i64, actual: i64 },
    #[error("the action is dated before the file's last change")]
    TimeBeforeLastChange,
    #[error("rule version {rule_version} is not in force on {date}")]
    RuleVersionNotInForce { rule_version: String, date: Date },
    #[error("no file-code format in rule version {rule_version} on {date}")]
    NoCodeFormat { rule_version: String, date: Date },
    #[error(transparent)]
    Code(#[from] FileCodeError),
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    #[error("the stored file record is inconsistent: {0}")]
    Inconsistent(&'static str),
}

impl FileError {
    /// A stable machine code (`file.*`, or the deadline/file-code layer's own).
    pub fn code(&self) -> &'static str {
        match self {
            FileError::WrongState { .. } => "file.wrong_state",
            FileError::Finished { .. } => "file.finished",
            FileError::Closed => "file.closed",
            FileError::ResultAlreadyIssued => "file.result_already_issued",
            FileError::ResultNotReady => "file.result_not_ready",
            FileError::StopNotInRuleVersion { .. } => "file.stop_not_in_rule_version",
            FileError::MissingItemsRequired => "file.missing_items_required",
            FileError::ReasonRequired => "file.reason_required",
            FileError::TextTooLong { .. } => "file.text_too_long",
            FileError::TooManyItems { .. } => "file.too_many_items",
            FileError::ApologyAlreadyIssued => "file.apology_already_issued",
            FileError::ApologyTooLate { .. } => "file.apology_too_late",
            FileError::NewAppointmentNotLater { .. } => "file.new_appointment_not_later",
            FileError::LegAlreadyOpen { .. } => "file.leg_already_open",
            FileError::NoOpenLeg { .. } => "file.no_open_leg",
            FileError::LegToOwnUnit => "file.leg_to_own_unit",
            FileError::InvalidShare => "file.invalid_share",
            FileError::SameAssignee => "file.same_assignee",
            FileError::VersionConflict { .. } => "file.version_conflict",
            FileError::TimeBeforeLastChange => "file.time_before_last_change",
            FileError::RuleVersionNotInForce { .. } => "file.rule_version_not_in_force",
            FileError::NoCodeFormat { .. } => "file.no_code_format",
            FileError::Code(e) => match e {
                FileCodeError::UnknownPlaceholder(_) => "file_code.unknown_placeholder",
                FileCodeError::Unclosed => "file_code.unclosed",
                FileCodeError::SequenceOverflow { .. } => "file_code.sequence_overflow",
                FileCodeError::MissingPlatform => "file_code.missing_platform",
                FileCodeError::MissingAgency => "file_code.missing_agency",
            },
            FileError::Deadline(e) => e.code(),
            FileError::Inconsistent(_) => "file.inconsistent",
        }
    }

    /// A short Vietnamese message for pages.
    pub fn message_vi(&self) -> String {
        match self {
            FileError::WrongState { action, state } => format!(
                "Không thể thực hiện “{}” khi hồ sơ ở trạng thái “{}”.",
                action.label_vi(),
                state.label_vi()
            ),
            FileError::Finished { state } => format!(
                "Hồ sơ đã kết thúc ({}); chỉ có thể lưu hồ sơ.",
                state.label_vi()
            ),
            FileError::Closed => "Hồ sơ đã kết thúc và lưu.".into(),
            FileError::ResultAlreadyIssued => "Hồ sơ đã có kết quả giải quyết.".into(),
            FileError::ResultNotReady => "Hồ sơ chưa có kết quả.".into(),
            FileError::StopNotInRuleVersion { .. } => {
                "Quy định áp dụng cho hồ sơ này không có thủ tục dừng giải quyết.".into()
            }
            FileError::MissingItemsRequired => {
                "Phải nêu đầy đủ các thành phần hồ sơ cần bổ sung.".into()
            }
            FileError::ReasonRequired => "Phải nêu rõ lý do.".into(),
            FileError::TextTooLong { max } => format!("Nội dung dài quá {max} ký tự."),
            FileError::TooManyItems { max } => format!("Không quá {max} mục."),
            FileError::ApologyAlreadyIssued => {
                "Hồ sơ đã được xin lỗi và hẹn lại một lần; không hẹn lại lần nữa.".into()
            }
            FileError::ApologyTooLate { .. } => {
                "Phiếu xin lỗi phải gửi chậm nhất 01 ngày trước ngày hết hạn.".into()
            }
            FileError::NewAppointmentNotLater { .. } => "Ngày hẹn mới phải sau ngày hẹn cũ.".into(),
            FileError::LegAlreadyOpen { .. } => {
                "Hồ sơ đang ở cơ quan này, chưa được trả lại.".into()
            }
            FileError::NoOpenLeg { .. } => "Hồ sơ không được chuyển đến cơ quan này.".into(),
            FileError::LegToOwnUnit => "Không thể chuyển liên thông cho chính đơn vị xử lý.".into(),
            FileError::InvalidShare => "Thời hạn của cơ quan phối hợp không hợp lệ.".into(),
            FileError::SameAssignee => "Hồ sơ đã được giao cho cán bộ này.".into(),
            FileError::VersionConflict { .. } => {
                "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại.".into()
            }
            FileError::TimeBeforeLastChange => {
                "Thời điểm thao tác trước lần cập nhật gần nhất; vui lòng thử lại.".into()
            }
            FileError::RuleVersionNotInForce { .. } => {
                "Phiên bản quy định không còn hiệu lực vào ngày tiếp nhận.".into()
            }
            FileError::NoCodeFormat { .. } => "Chưa có mẫu mã hồ sơ cho ngày này.".into(),
            FileError::Code(_) => "Không tạo được mã hồ sơ.".into(),
            FileError::Deadline(_) => "Không tính được thời hạn giải quyết.".into(),
            FileError::Inconsistent(_) => "Dữ liệu hồ sơ không nhất quán.".into(),
        }
    }
}
