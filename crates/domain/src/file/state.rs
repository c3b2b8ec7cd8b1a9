//! Where a file (hồ sơ) stands in its life. One enum, so that the store keeps
//! one column and every report counts from the same value.

use serde::{Deserialize, Serialize};

/// The state of a file. "Processing finished" (result ready, refused or
/// stopped) is a different moment from "handed over": timeliness is judged
/// on the first (DOMAIN §3, seed on late clicks of "return").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// Submitted online, not yet received by the one-stop unit.
    Submitted,
    /// An online submission sent back for completion before receipt.
    ReturnedForCompletion,
    /// Received (counter, post, or an accepted online submission).
    Received,
    /// Transferred to the processing agency, not yet given to a specialist.
    AtAgency,
    /// Assigned to a specialist.
    Assigned,
    /// Being examined by the specialist.
    UnderExamination,
    /// A supplement was requested; waiting for the applicant.
    AwaitingSupplement,
    /// At least one inter-agency leg (liên thông) is open.
    AtOtherAgency,
    /// Drafted, waiting for the leader's approval.
    AwaitingApproval,
    /// Approved and signed; the result is being issued.
    Approved,
    /// The result is at the one-stop counter: processing finished.
    ResultReady,
    /// The result was handed over: done.
    HandedOver,
    /// Refused with reasons: processing finished.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Processing stopped at the applicant's request (dừng giải quyết, 2025 rules).
    Stopped,
    /// Cancelled by the agency.
    Cancelled,
}

impl FileState {
    pub const ALL: [FileState; 16] = [
        FileState::Submitted,
        FileState::ReturnedForCompletion,
        FileState::Received,
        FileState::AtAgency,
        FileState::Assigned,
        FileState::UnderExamination,
        FileState::AwaitingSupplement,
        FileState::AtOtherAgency,
        FileState::AwaitingApproval,
        FileState::Approved,
        FileState::ResultReady,
        FileState::HandedOver,
        FileState::Refused,
        FileState::Withdrawn,
        FileState::Stopped,
        FileState::Cancelled,
    ];

    /// The stable name stored in the database (same as serde).
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Submitted => "submitted",
            FileState::ReturnedForCompletion => "returned_for_completion",
            FileState::Received => "received",
            FileState::AtAgency => "at_agency",
            FileState::Assigned => "assigned",
            FileState::UnderExamination => "under_examination",
            FileState::AwaitingSupplement => "awaiting_supplement",
            FileState::AtOtherAgency => "at_other_agency",
            FileState::AwaitingApproval => "awaiting_approval",
            FileState::Approved => "approved",
            FileState::ResultReady => "result_ready",
            FileState::HandedOver => "handed_over",
            FileState::Refused => "refused",
            FileState::Withdrawn => "withdrawn",
            FileState::Stopped => "stopped",
            FileState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<FileState> {
        FileState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The Vietnamese name shown to officers and applicants.
    pub fn label_vi(self) -> &'static str {
        match self {
            FileState::Submitted => "Đã nộp trực tuyến, chờ tiếp nhận",
            FileState::ReturnedForCompletion => "Chờ hoàn thiện hồ sơ (chưa tiếp nhận)",
            FileState::Received => "Đã tiếp nhận",
            FileState::AtAgency => "Đã chuyển cơ quan giải quyết",
            FileState::Assigned => "Đã phân công chuyên viên xử lý",
            FileState::UnderExamination => "Đang thẩm định, xem xét",
            FileState::AwaitingSupplement => "Chờ bổ sung hồ sơ",
            FileState::AtOtherAgency => "Đang xử lý liên thông tại cơ quan khác",
            FileState::AwaitingApproval => "Chờ lãnh đạo phê duyệt",
            FileState::Approved => "Đã phê duyệt, đang phát hành kết quả",
            FileState::ResultReady => "Đã có kết quả, chờ trả",
            FileState::HandedOver => "Đã trả kết quả",
            FileState::Refused => "Từ chối giải quyết",
            FileState::Withdrawn => "Công dân rút hồ sơ",
            FileState::Stopped => "Dừng giải quyết",
            FileState::Cancelled => "Đã hủy",
        }
    }

    /// Not yet received: no receipt moment, no deadline, no file code.
    pub fn is_before_receipt(self) -> bool {
        matches!(
            self,
            FileState::Submitted | FileState::ReturnedForCompletion
        )
    }

    /// Received and still being processed: the deadline runs (or is paused
    /// while waiting for a supplement).
    pub fn is_in_processing(self) -> bool {
        matches!(
            self,
            FileState::Received
                | FileState::AtAgency
                | FileState::Assigned
                | FileState::UnderExamination
                | FileState::AwaitingSupplement
                | FileState::AtOtherAgency
                | FileState::AwaitingApproval
        )
    }

    /// A result exists (approved, at the counter, or handed over): the
    /// applicant can no longer withdraw and processing can no longer stop.
    pub fn is_result_issued(self) -> bool {
        matches!(
            self,
            FileState::Approved | FileState::ResultReady | FileState::HandedOver
        )
    }

    /// Nothing more happens to the file except archiving it (closing).
    pub fn is_end(self) -> bool {
        matches!(
            self,
            FileState::HandedOver
                | FileState::Refused
                | FileState::Withdrawn
                | FileState::Stopped
                | FileState::Cancelled
        )
    }

    /// Processing finished with a decision the agency is judged on: a result
    /// (ready, then handed over) or a refusal. Stops, withdrawals and
    /// cancellations end the file without being judged on time.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            FileState::ResultReady | FileState::HandedOver | FileState::Refused
        )
    }
}

impl std::fmt::Display for FileState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for st in FileState::ALL {
            assert_eq!(FileState::parse(st.as_str()), Some(st));
            assert_eq!(
                serde_json::to_string(&st).unwrap(),
                format!("\"{}\"", st.as_str())
            );
        }
        assert_eq!(FileState::parse("done"), None);
    }

    #[test]
    fn categories_partition_the_states() {
        for st in FileState::ALL {
            let cats = [
                st.is_before_receipt(),
                st.is_in_processing(),
                matches!(st, FileState::Approved | FileState::ResultReady),
                st.is_end(),
            ];
            assert_eq!(cats.iter().filter(|c| **c).count(), 1, "{st}");
        }
    }
}
