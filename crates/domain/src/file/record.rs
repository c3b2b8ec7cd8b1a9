//! The record of a file: everything the workflow rules need, as the store
//! keeps it. The app layer loads it, calls [`super::apply`], and writes back
//! the new record with its `version` check (optimistic concurrency).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::action::HandoverMethod;
use super::rules::FileRules;
use super::state::FileState;
use crate::calendar::WorkingCalendar;
use crate::calendar::deadline::{AgencyDue, Channel, Deadline, Pause, ProcessingTime, Share};
use crate::calendar::timeliness::{OpenStatus, Resolution, open_status, resolution};

/// What the procedure says about time, copied at receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureTerms {
    pub processing_time: ProcessingTime,
    /// A same-day procedure's own cut-off.
    #[serde(default)]
    pub same_day_cutoff: Option<Time>,
    /// Inter-agency shares fixed by the procedure (for the transfer slip).
    #[serde(default)]
    pub shares: Vec<Share>,
}

impl ProcedureTerms {
    pub fn new(processing_time: ProcessingTime) -> Self {
        ProcedureTerms {
            processing_time,
            same_day_cutoff: None,
            shares: Vec::new(),
        }
    }
}

/// The computed deadline, without its explanation (which is recomputed on
/// demand from the same inputs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineSummary {
    /// Due moment after an apology's new appointment, if any.
    pub due: Timestamp,
    /// The appointment date printed on the receipt or the apology.
    pub appointment_date: Date,
    /// The legal due moment (no extension): timeliness is judged on it.
    pub legal_due: Timestamp,
    pub effective_start: Timestamp,
    /// Time spent waiting for the applicant, for Decision 766 scoring.
    pub waiting_working_seconds: i64,
    #[serde(default)]
    pub agency_dues: Vec<AgencyDue>,
}

impl From<&Deadline> for DeadlineSummary {
    fn from(d: &Deadline) -> Self {
        DeadlineSummary {
            due: d.due,
            appointment_date: d.appointment_date,
            legal_due: d.legal_due,
            effective_start: d.effective_start,
            waiting_working_seconds: d.waiting_working_seconds,
            agency_dues: d.agency_dues.clone(),
        }
    }
}

/// A supplement request (yêu cầu bổ sung, form 02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    pub requested_at: Timestamp,
    pub requested_by: i64,
    pub missing_items: Vec<String>,
    /// When the complete file arrived; `None` while waiting.
    pub resumed_at: Option<Timestamp>,
}

/// The apology letter with a new appointment (form 04); at most one per file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apology {
    pub issued_at: Timestamp,
    pub issued_by: i64,
    pub reason: String,
    pub previous_due: Timestamp,
    pub new_date: Date,
}

/// One inter-agency leg (liên thông): the file sent to another unit with its
/// own share of the deadline, printed on the transfer slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    pub unit_id: i64,
    pub sent_at: Timestamp,
    pub due: Timestamp,
    pub returned_at: Option<Timestamp>,
    /// Closed without a return because the file ended (withdrawn, stopped,
    /// cancelled) while the leg was open.
    #[serde(default)]
    pub abandoned: bool,
}

impl Leg {
    pub fn is_open(&self) -> bool {
        self.returned_at.is_none()
    }
}

/// A file as the workflow sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Incremented by every applied action; the store updates
    /// `WHERE version = old` so two officers cannot both win.
    pub version: i64,
    pub state: FileState,
    pub channel: Channel,
    pub rules: FileRules,
    pub terms: ProcedureTerms,
    pub receiving_unit_id: i64,
    /// The unit that holds the file now (the lead agency during legs).
    pub current_unit_id: i64,
    pub assignee_id: Option<i64>,
    /// Online files: the last complete submission.
    pub submitted_at: Option<Timestamp>,
    /// The receipt moment the deadline counts from.
    pub received_at: Option<Timestamp>,
    pub deadline: Option<DeadlineSummary>,
    /// Online submissions sent back for completion before receipt: they are
    /// contacts the applicant needed too (indicator 3).
    pub completion_returns: u32,
    pub supplement_requests: Vec<SupplementRequest>,
    pub apology: Option<Apology>,
    pub legs: Vec<Leg>,
    /// Result ready at the counter, or refusal: what timeliness is judged on.
    pub processing_finished_at: Option<Timestamp>,
    pub handed_over_at: Option<Timestamp>,
    pub handover_method: Option<HandoverMethod>,
    /// When the file reached an end state.
    pub ended_at: Option<Timestamp>,
    /// Archived: no action is accepted any more.
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub last_changed_at: Timestamp,
}

impl FileRecord {
    pub fn supplement_request_count(&self) -> usize {
        self.supplement_requests.len()
    }

    pub fn apology_count(&self) -> usize {
        usize::from(self.apology.is_some())
    }

    pub fn open_supplement(&self) -> Option<&SupplementRequest> {
        self.supplement_requests
            .last()
            .filter(|r| r.resumed_at.is_none())
    }

    pub fn open_legs(&self) -> impl Iterator<Item = &Leg> {
        self.legs.iter().filter(|l| l.is_open())
    }

    /// Units that took part through legs, each once however many times the
    /// file went there: a unit's totals must never count a file twice.
    pub fn participating_units(&self) -> Vec<i64> {
        let mut units: Vec<i64> = self.legs.iter().map(|l| l.unit_id).collect();
        units.sort_unstable();
        units.dedup();
        units
    }

    /// Completed supplement waits, as the deadline engine takes them.
    pub fn pauses(&self) -> Vec<Pause> {
        self.supplement_requests
            .iter()
            .filter_map(|r| {
                r.resumed_at.map(|resumed_at| Pause {
                    requested_at: r.requested_at,
                    resumed_at,
                })
            })
            .collect()
    }

    /// Early / on time / late against the legal deadline, for a file whose
    /// processing finished with a result or a refusal. An apology does not
    /// make a late file on time: the share of late files with an apology is
    /// itself a reported rate.
    pub fn resolution(&self) -> Option<Resolution> {
        let finished = self.processing_finished_at?;
        Some(resolution(self.deadline.as_ref()?.legal_due, finished))
    }

    /// The same against the appointment (after an apology's new date).
    pub fn resolution_against_appointment(&self) -> Option<Resolution> {
        let finished = self.processing_finished_at?;
        Some(resolution(self.deadline.as_ref()?.due, finished))
    }

    /// In time / due soon / overdue for a file being processed; `None`
    /// before receipt, after processing finished, and while waiting for the
    /// applicant (the clock is stopped).
    pub fn open_status(
        &self,
        cal: &WorkingCalendar,
        now: Timestamp,
        warning_working_seconds: i64,
    ) -> Option<OpenStatus> {
        let running = (self.state.is_in_processing()
            && self.state != FileState::AwaitingSupplement)
            || self.state == FileState::Approved;
        if !running {
            return None;
        }
        let due = self.deadline.as_ref()?.due;
        Some(open_status(cal, now, due, warning_working_seconds))
    }

    /// Checks that the record could have been produced by the workflow; the
    /// store may call it on load, and [`super::apply`] refuses a record that
    /// fails it instead of building on broken data. Returns the broken rule.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let st = self.state;
        if self.version < 0 {
            return Err("negative_version");
        }
        if st.is_before_receipt() {
            if self.received_at.is_some() || self.deadline.is_some() {
                return Err("received_before_receipt");
            }
            if self.submitted_at.is_none() || self.channel != Channel::Online {
                return Err("submission_without_online_submission");
            }
        } else if self.received_at.is_some() != self.deadline.is_some() {
            return Err("received_without_receipt_or_deadline");
        } else if self.received_at.is_none()
            && !matches!(st, FileState::Withdrawn | FileState::Cancelled)
        {
            // Only a submission can end without ever being received.
            return Err("received_without_receipt_or_deadline");
        }
        // A request never answered stays open when the file ends while waiting.
        let open_wait_allowed = st == FileState::AwaitingSupplement
            || matches!(
                st,
                FileState::Refused
                    | FileState::Withdrawn
                    | FileState::Stopped
                    | FileState::Cancelled
            );
        let waiting = self.open_supplement().is_some();
        if (st == FileState::AwaitingSupplement && !waiting) || (waiting && !open_wait_allowed) {
            return Err("supplement_wait_mismatch");
        }
        let n = self.supplement_requests.len();
        if self
            .supplement_requests
            .iter()
            .take(n.saturating_sub(1))
            .any(|r| r.resumed_at.is_none())
        {
            return Err("earlier_supplement_still_open");
        }
        if self
            .supplement_requests
            .iter()
            .any(|r| r.missing_items.is_empty() || r.resumed_at.is_some_and(|b| b < r.requested_at))
        {
            return Err("bad_supplement_request");
        }
        if self
            .supplement_requests
            .windows(2)
            .any(|w| w[0].resumed_at.is_none_or(|b| w[1].requested_at < b))
        {
            return Err("supplement_requests_out_of_order");
        }
        if (st == FileState::AtOtherAgency) != self.open_legs().next().is_some() {
            return Err("leg_state_mismatch");
        }
        let mut open: Vec<i64> = self.open_legs().map(|l| l.unit_id).collect();
        let count = open.len();
        open.sort_unstable();
        open.dedup();
        if open.len() != count {
            return Err("two_open_legs_for_one_unit");
        }
        if self
            .legs
            .iter()
            .any(|l| l.returned_at.is_some_and(|r| r < l.sent_at) || l.due < l.sent_at)
        {
            return Err("bad_leg");
        }
        let finished_expected = st.is_decided();
        if finished_expected != self.processing_finished_at.is_some() {
            return Err("processing_finished_mismatch");
        }
        if (st == FileState::HandedOver)
            != (self.handed_over_at.is_some() && self.handover_method.is_some())
        {
            return Err("handover_mismatch");
        }
        if st.is_end() != self.ended_at.is_some() {
            return Err("ended_mismatch");
        }
        if self.closed_at.is_some() && !st.is_end() {
            return Err("closed_while_open");
        }
        if let Some(d) = &self.deadline
            && d.due < d.legal_due
        {
            return Err("due_before_legal_due");
        }
        if self.apology.is_some() && st.is_before_receipt() {
            return Err("apology_before_receipt");
        }
        if self.last_changed_at < self.created_at {
            return Err("changed_before_created");
        }
        Ok(())
    }
}
