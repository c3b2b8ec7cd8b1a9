//! What a user asks to do with a file, and which permission that needs.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::deadline::{Channel, ShareAmount};
use crate::permission;

/// How a result reaches the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverMethod {
    Counter,
    Post,
    Electronic,
}

impl HandoverMethod {
    pub fn label_vi(self) -> &'static str {
        match self {
            HandoverMethod::Counter => "Trực tiếp tại Bộ phận Một cửa",
            HandoverMethod::Post => "Qua dịch vụ bưu chính công ích",
            HandoverMethod::Electronic => "Trực tuyến (bản điện tử)",
        }
    }
}

/// A request to change a file. Serialised (tagged by `kind`) into the
/// history, so the store keeps exactly what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Accept an online submission (tiếp nhận).
    Receive,
    /// Send an online submission back for completion before receipt.
    ReturnForCompletion {
        missing_items: Vec<String>,
    },
    /// The applicant submits the completed file again.
    Resubmit,
    /// The one-stop unit hands the file to the processing agency.
    Transfer {
        unit_id: i64,
    },
    /// A leader gives the file to a specialist.
    Assign {
        unit_id: i64,
        assignee_id: i64,
    },
    /// A leader gives the file to another specialist (or unit).
    Reassign {
        unit_id: i64,
        assignee_id: i64,
        reason: String,
    },
    StartExamination,
    /// Tell the applicant, once and in full, what is missing (form 02).
    RequestSupplement {
        missing_items: Vec<String>,
    },
    /// The complete file arrived.
    SupplementReceived,
    /// Open an inter-agency leg with the unit's share of the deadline.
    SendToAgency {
        unit_id: i64,
        share: ShareAmount,
    },
    /// The unit returned its part.
    ReceiveFromAgency {
        unit_id: i64,
    },
    SubmitForApproval,
    /// The leader returns the draft to the specialist.
    SendBack {
        reason: String,
    },
    Approve,
    /// Refuse with reasons (form 03).
    Refuse {
        reasons: Vec<String>,
    },
    /// Stop processing at the applicant's request (2025 form 05).
    StopProcessing {
        reason: String,
    },
    /// The applicant withdraws the file.
    Withdraw {
        #[serde(default)]
        reason: Option<String>,
    },
    /// The agency cancels the file (entered by mistake, duplicate…).
    Cancel {
        reason: String,
    },
    /// Apology and new appointment (form 04), once per file.
    Apologize {
        reason: String,
        new_date: Date,
    },
    /// The result is at the one-stop counter: processing finished.
    MarkResultReady,
    HandOver {
        method: HandoverMethod,
    },
    /// Archive a file that has ended.
    Close,
}

/// The kind of an [`Action`], without its data: for tables, metrics and
/// the history's index column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Open,
    /// Migrated from an older system (`motcua import files`).
    Import,
    Receive,
    ReturnForCompletion,
    Resubmit,
    Transfer,
    Assign,
    Reassign,
    StartExamination,
    RequestSupplement,
    SupplementReceived,
    SendToAgency,
    ReceiveFromAgency,
    SubmitForApproval,
    SendBack,
    Approve,
    Refuse,
    StopProcessing,
    Withdraw,
    Cancel,
    Apologize,
    MarkResultReady,
    HandOver,
    Close,
}

impl ActionKind {
    /// Every kind an existing file can receive ([`ActionKind::Open`] creates one).
    pub const APPLICABLE: [ActionKind; 22] = [
        ActionKind::Receive,
        ActionKind::ReturnForCompletion,
        ActionKind::Resubmit,
        ActionKind::Transfer,
        ActionKind::Assign,
        ActionKind::Reassign,
        ActionKind::StartExamination,
        ActionKind::RequestSupplement,
        ActionKind::SupplementReceived,
        ActionKind::SendToAgency,
        ActionKind::ReceiveFromAgency,
        ActionKind::SubmitForApproval,
        ActionKind::SendBack,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::StopProcessing,
        ActionKind::Withdraw,
        ActionKind::Cancel,
        ActionKind::Apologize,
        ActionKind::MarkResultReady,
        ActionKind::HandOver,
        ActionKind::Close,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            ActionKind::Open => "Nộp / tiếp nhận hồ sơ",
            ActionKind::Import => "Nhập từ hệ thống cũ",
            ActionKind::Receive => "Tiếp nhận hồ sơ trực tuyến",
            ActionKind::ReturnForCompletion => "Trả lại để hoàn thiện hồ sơ",
            ActionKind::Resubmit => "Nộp lại hồ sơ đã hoàn thiện",
            ActionKind::Transfer => "Chuyển cơ quan giải quyết",
            ActionKind::Assign => "Phân công xử lý",
            ActionKind::Reassign => "Phân công lại",
            ActionKind::StartExamination => "Bắt đầu thẩm định",
            ActionKind::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
            ActionKind::SupplementReceived => "Nhận hồ sơ bổ sung",
            ActionKind::SendToAgency => "Chuyển liên thông",
            ActionKind::ReceiveFromAgency => "Nhận lại hồ sơ liên thông",
            ActionKind::SubmitForApproval => "Trình phê duyệt",
            ActionKind::SendBack => "Trả lại chuyên viên",
            ActionKind::Approve => "Phê duyệt",
            ActionKind::Refuse => "Từ chối giải quyết",
            ActionKind::StopProcessing => "Dừng giải quyết",
            ActionKind::Withdraw => "Rút hồ sơ",
            ActionKind::Cancel => "Hủy hồ sơ",
            ActionKind::Apologize => "Xin lỗi và hẹn lại ngày trả kết quả",
            ActionKind::MarkResultReady => "Chuyển kết quả về Bộ phận Một cửa",
            ActionKind::HandOver => "Trả kết quả",
            ActionKind::Close => "Kết thúc, lưu hồ sơ",
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Receive => ActionKind::Receive,
            Action::ReturnForCompletion { .. } => ActionKind::ReturnForCompletion,
            Action::Resubmit => ActionKind::Resubmit,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Assign { .. } => ActionKind::Assign,
            Action::Reassign { .. } => ActionKind::Reassign,
            Action::StartExamination => ActionKind::StartExamination,
            Action::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Action::SupplementReceived => ActionKind::SupplementReceived,
            Action::SendToAgency { .. } => ActionKind::SendToAgency,
            Action::ReceiveFromAgency { .. } => ActionKind::ReceiveFromAgency,
            Action::SubmitForApproval => ActionKind::SubmitForApproval,
            Action::SendBack { .. } => ActionKind::SendBack,
            Action::Approve => ActionKind::Approve,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::StopProcessing { .. } => ActionKind::StopProcessing,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::Cancel { .. } => ActionKind::Cancel,
            Action::Apologize { .. } => ActionKind::Apologize,
            Action::MarkResultReady => ActionKind::MarkResultReady,
            Action::HandOver { .. } => ActionKind::HandOver,
            Action::Close => ActionKind::Close,
        }
    }

    /// The free-text reason the action carries, for the history.
    pub fn reason(&self) -> Option<String> {
        match self {
            Action::Reassign { reason, .. }
            | Action::SendBack { reason }
            | Action::StopProcessing { reason }
            | Action::Cancel { reason }
            | Action::Apologize { reason, .. } => Some(reason.clone()),
            Action::Withdraw { reason } => reason.clone(),
            Action::Refuse { reasons } => Some(reasons.join("; ")),
            Action::ReturnForCompletion { missing_items }
            | Action::RequestSupplement { missing_items } => Some(missing_items.join("; ")),
            _ => None,
        }
    }
}

/// The permission an officer needs for `action` (unit scope is the app
/// layer's check): the counter receives and hands over, specialists
/// process, leaders decide, assign and sign letters going out in the
/// agency's name (apology, stop notice).
pub fn required_permission(action: &Action) -> permission::Action {
    kind_permission(action.kind())
}

/// The staff permission an action of this kind needs.
pub fn kind_permission(kind: ActionKind) -> permission::Action {
    use ActionKind as K;
    match kind {
        K::Open
        | K::Import
        | K::Receive
        | K::ReturnForCompletion
        | K::Resubmit
        | K::Transfer
        | K::SupplementReceived
        | K::Withdraw
        | K::MarkResultReady
        | K::HandOver
        | K::Close => permission::Action::ReceiveFiles,
        K::StartExamination
        | K::RequestSupplement
        | K::SendToAgency
        | K::ReceiveFromAgency
        | K::SubmitForApproval => permission::Action::ProcessFiles,
        K::Assign
        | K::Reassign
        | K::SendBack
        | K::Approve
        | K::Refuse
        | K::StopProcessing
        | K::Cancel
        | K::Apologize => permission::Action::DecideFiles,
    }
}

/// The permission an officer needs to open a file on `channel`: counter
/// and post files are entered by the one-stop unit; an online submission is
/// made by the applicant on the portal (`None`: no staff permission).
pub fn open_permission(channel: Channel) -> Option<permission::Action> {
    match channel {
        Channel::Counter | Channel::Post => Some(permission::Action::ReceiveFiles),
        Channel::Online => None,
    }
}

/// Actions the applicant may take on their own file without an officer
/// (online): resubmitting a completed file and withdrawing. The app layer
/// checks that the actor owns the file.
pub fn applicant_may_perform(action: &Action) -> bool {
    matches!(action.kind(), ActionKind::Resubmit | ActionKind::Withdraw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Role;
    use crate::permission::allows;

    #[test]
    fn actions_serialise_with_their_kind() {
        let a = Action::RequestSupplement {
            missing_items: vec!["Bản sao CCCD".into()],
        };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"request_supplement","missing_items":["Bản sao CCCD"]}"#
        );
        assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), a);
        let w: Action = serde_json::from_str(r#"{"kind":"withdraw"}"#).unwrap();
        assert_eq!(w, Action::Withdraw { reason: None });
    }

    #[test]
    fn counter_officers_cannot_approve_and_leaders_cannot_hand_over() {
        let approve = required_permission(&Action::Approve);
        assert!(!allows(Role::CounterOfficer, approve));
        assert!(!allows(Role::Specialist, approve));
        assert!(allows(Role::Leader, approve));
        let hand_over = required_permission(&Action::HandOver {
            method: HandoverMethod::Post,
        });
        assert!(allows(Role::CounterOfficer, hand_over));
        assert!(!allows(Role::Leader, hand_over));
    }
}
