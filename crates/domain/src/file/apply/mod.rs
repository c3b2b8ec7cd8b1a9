//! Applying an action to a file: the guard (the transition table), then the
//! handler of the action, then the bookkeeping every event shares (version,
//! history entry, end moment). Pure: the clock and calendar come in the
//! context, and the input record is never modified, so a refused action
//! leaves nothing to undo.

mod ending;
mod intake;
mod processing;

use jiff::Timestamp;

use super::action::{Action, ActionKind};
use super::error::FileError;
use super::event::{Effect, Flag, FormKind, HistoryEvent, Notice, Transition};
use super::record::FileRecord;
use super::state::FileState;
use crate::calendar::WorkingCalendar;

pub use intake::{NewFile, open};

/// Longest reason, note or item accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most missing items or refusal reasons in one action.
pub const MAX_ITEMS: usize = 50;

/// Who acts, when, and with which calendar (the file's unit's calendar).
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    pub actor_id: i64,
    /// Server clock, at the moment of the request.
    pub now: Timestamp,
    pub calendar: &'a WorkingCalendar,
    /// The version the user saw (If-Match); `None` skips the check, the
    /// store's `WHERE version = …` still guards concurrent writes.
    pub expected_version: Option<i64>,
    pub note: Option<&'a str>,
}

impl<'a> ActionContext<'a> {
    pub fn new(actor_id: i64, now: Timestamp, calendar: &'a WorkingCalendar) -> Self {
        ActionContext {
            actor_id,
            now,
            calendar,
            expected_version: None,
            note: None,
        }
    }

    /// The history keeps instants to the second (the store's precision), so
    /// the record built here is exactly the one read back.
    pub(super) fn to_whole_second(self) -> ActionContext<'a> {
        ActionContext {
            now: Timestamp::from_second(self.now.as_second()).unwrap_or(self.now),
            ..self
        }
    }
}

/// Whether `kind` is possible from `state` at all (the transition table;
/// content checks come after).
fn allowed_from(kind: ActionKind, st: FileState) -> bool {
    use ActionKind as K;
    use FileState as S;
    match kind {
        K::Open | K::Import => false,
        K::Receive | K::ReturnForCompletion => st == S::Submitted,
        K::Resubmit => st == S::ReturnedForCompletion,
        K::Transfer => st == S::Received,
        K::Assign => matches!(st, S::Received | S::AtAgency),
        K::Reassign => matches!(
            st,
            S::Assigned
                | S::UnderExamination
                | S::AwaitingSupplement
                | S::AtOtherAgency
                | S::AwaitingApproval
        ),
        K::StartExamination => st == S::Assigned,
        K::RequestSupplement => matches!(
            st,
            S::AtAgency | S::Assigned | S::UnderExamination | S::AwaitingApproval
        ),
        K::SupplementReceived => st == S::AwaitingSupplement,
        K::SendToAgency => matches!(st, S::UnderExamination | S::AtOtherAgency),
        K::ReceiveFromAgency => st == S::AtOtherAgency,
        K::SubmitForApproval => st == S::UnderExamination,
        K::SendBack | K::Approve => st == S::AwaitingApproval,
        // Open legs must come back first: the other agency's part decides.
        K::Refuse => st.is_in_processing() && st != S::AtOtherAgency,
        K::StopProcessing => st.is_in_processing(),
        K::Withdraw | K::Cancel => st.is_before_receipt() || st.is_in_processing(),
        // While waiting for the applicant the clock is stopped: nothing to
        // apologise for.
        K::Apologize => (st.is_in_processing() && st != S::AwaitingSupplement) || st == S::Approved,
        K::MarkResultReady => st == S::Approved,
        K::HandOver => st == S::ResultReady,
        K::Close => st.is_end(),
    }
}

/// Checks that `kind` may be applied to `record` now, with the specific
/// error otherwise. Pages use it to show only the buttons that work.
pub fn check_allowed(record: &FileRecord, kind: ActionKind) -> Result<(), FileError> {
    if record.closed_at.is_some() {
        return Err(FileError::Closed);
    }
    let st = record.state;
    if allowed_from(kind, st) {
        if kind == ActionKind::StopProcessing && !record.rules.allows_stop() {
            return Err(FileError::StopNotInRuleVersion {
                rule_version: record.rules.rule_version_id.clone(),
            });
        }
        return Ok(());
    }
    use ActionKind as K;
    if st.is_end() {
        return Err(FileError::Finished { state: st });
    }
    if st.is_result_issued()
        && matches!(
            kind,
            K::Withdraw | K::StopProcessing | K::Cancel | K::Refuse
        )
    {
        return Err(FileError::ResultAlreadyIssued);
    }
    if kind == K::HandOver {
        return Err(FileError::ResultNotReady);
    }
    Err(FileError::WrongState {
        action: kind,
        state: st,
    })
}

/// The actions possible on `record` now (content checks aside).
pub fn available_actions(record: &FileRecord) -> Vec<ActionKind> {
    ActionKind::APPLICABLE
        .into_iter()
        .filter(|k| check_allowed(record, *k).is_ok())
        .collect()
}

/// Work in progress on the next record.
pub(super) struct Step<'a> {
    pub rec: FileRecord,
    pub ctx: &'a ActionContext<'a>,
    pub effects: Vec<Effect>,
    pub flags: Vec<Flag>,
}

impl Step<'_> {
    fn now(&self) -> Timestamp {
        self.ctx.now
    }

    fn print(&mut self, form: FormKind) {
        let forms = &self.rec.rules.forms;
        let number = match form {
            FormKind::Receipt => &forms.receipt,
            FormKind::SupplementRequest => &forms.supplement_request,
            FormKind::Refusal => &forms.refusal,
            FormKind::Apology => &forms.apology,
            FormKind::StopNotice => &forms.stop_notice,
        };
        if let Some(number) = number.clone() {
            self.effects.push(Effect::PrintForm { form, number });
        }
    }

    fn notify(&mut self, notice: Notice) {
        self.effects.push(Effect::NotifyApplicant { notice });
    }
}

/// A required reason, trimmed.
pub(super) fn clean_reason(reason: &str) -> Result<String, FileError> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(FileError::ReasonRequired);
    }
    check_len(r)?;
    Ok(r.to_owned())
}

fn check_len(text: &str) -> Result<(), FileError> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(FileError::TextTooLong {
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

/// A required, non-empty list (missing items, refusal reasons), trimmed and
/// without blank entries; `empty` is the error for an empty list.
pub(super) fn clean_items(items: &[String], empty: FileError) -> Result<Vec<String>, FileError> {
    if items.len() > MAX_ITEMS {
        return Err(FileError::TooManyItems { max: MAX_ITEMS });
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let t = item.trim();
        if !t.is_empty() {
            check_len(t)?;
            out.push(t.to_owned());
        }
    }
    if out.is_empty() {
        return Err(empty);
    }
    Ok(out)
}

/// Applies `action` to `record`: the new record, its history entry and the
/// effects, or the reason it is not allowed.
pub fn apply(
    record: &FileRecord,
    action: &Action,
    ctx: &ActionContext,
) -> Result<Transition, FileError> {
    if let Some(expected) = ctx.expected_version
        && expected != record.version
    {
        return Err(FileError::VersionConflict {
            expected,
            actual: record.version,
        });
    }
    record.check_invariants().map_err(FileError::Inconsistent)?;
    let ctx = &ctx.to_whole_second();
    if ctx.now < record.last_changed_at {
        return Err(FileError::TimeBeforeLastChange);
    }
    let note = ctx.note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        check_len(n)?;
    }
    let kind = action.kind();
    check_allowed(record, kind)?;

    let mut step = Step {
        rec: record.clone(),
        ctx,
        effects: Vec::new(),
        flags: Vec::new(),
    };
    let to = match action {
        Action::Receive => intake::receive(&mut step)?,
        Action::ReturnForCompletion { missing_items } => {
            intake::return_for_completion(&mut step, missing_items)?
        }
        Action::Resubmit => intake::resubmit(&mut step),
        Action::Transfer { unit_id } => intake::transfer(&mut step, *unit_id),
        Action::Assign {
            unit_id,
            assignee_id,
        } => intake::assign(&mut step, *unit_id, *assignee_id),
        Action::Reassign {
            unit_id,
            assignee_id,
            reason,
        } => intake::reassign(&mut step, *unit_id, *assignee_id, reason)?,
        Action::StartExamination => FileState::UnderExamination,
        Action::RequestSupplement { missing_items } => {
            processing::request_supplement(&mut step, missing_items)?
        }
        Action::SupplementReceived => processing::supplement_received(&mut step)?,
        Action::SendToAgency { unit_id, share } => {
            processing::send_to_agency(&mut step, *unit_id, *share)?
        }
        Action::ReceiveFromAgency { unit_id } => {
            processing::receive_from_agency(&mut step, *unit_id)?
        }
        Action::SubmitForApproval => FileState::AwaitingApproval,
        Action::SendBack { reason } => {
            clean_reason(reason)?;
            FileState::UnderExamination
        }
        Action::Approve => FileState::Approved,
        Action::Refuse { reasons } => ending::refuse(&mut step, reasons)?,
        Action::StopProcessing { reason } => ending::stop(&mut step, reason)?,
        Action::Withdraw { reason } => ending::withdraw(&mut step, reason.as_deref())?,
        Action::Cancel { reason } => ending::cancel(&mut step, reason)?,
        Action::Apologize { reason, new_date } => ending::apologize(&mut step, reason, *new_date)?,
        Action::MarkResultReady => ending::result_ready(&mut step)?,
        Action::HandOver { method } => ending::hand_over(&mut step, *method),
        Action::Close => ending::close(&mut step),
    };
    finish(
        step,
        Some(record.state),
        to,
        kind,
        Some(action.clone()),
        action.reason(),
    )
}

/// Bookkeeping shared by every event.
pub(super) fn finish(
    step: Step,
    from: Option<FileState>,
    to: FileState,
    kind: ActionKind,
    action: Option<Action>,
    reason: Option<String>,
) -> Result<Transition, FileError> {
    let Step {
        mut rec,
        ctx,
        effects,
        flags,
    } = step;
    let now = ctx.now;
    rec.state = to;
    if to.is_end() && rec.ended_at.is_none() {
        rec.ended_at = Some(now);
    }
    rec.version = match from {
        None => 0,
        Some(_) => rec
            .version
            .checked_add(1)
            .ok_or(FileError::Inconsistent("version_overflow"))?,
    };
    rec.last_changed_at = now;
    // Defensive: a handler bug must surface as an error, never as a stored
    // impossible state.
    rec.check_invariants().map_err(FileError::Inconsistent)?;
    let event = HistoryEvent {
        kind,
        action,
        actor_id: ctx.actor_id,
        at: now,
        from,
        to,
        reason: reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
        note: ctx
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        flags,
        version: rec.version,
    };
    Ok(Transition {
        record: rec,
        event,
        effects,
    })
}
