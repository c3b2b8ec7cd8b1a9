//! Opening a file, receiving it, and moving it to the person who processes it.

use super::{ActionContext, Step, check_len, clean_items, clean_reason, finish};
use crate::calendar::day::{SECONDS_PER_DAY, date_of, local_seconds};
use crate::calendar::deadline::Channel;
use crate::file::action::ActionKind;
use crate::file::error::FileError;
use crate::file::event::{Effect, FormKind, Notice, Transition};
use crate::file::record::{DeadlineSummary, FileRecord, ProcedureTerms};
use crate::file::rules::{FileRules, OnlineReceiptMoment, in_force};
use crate::file::state::FileState;
use crate::file::timing::recompute_deadline;
use crate::rules::RuleSet;

/// A file arriving: at the counter or by post it is received at once; online
/// it is a submission the one-stop unit still has to accept.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    pub channel: Channel,
    /// The version in force today (`RuleSet::find_in` on the tenant's copy).
    pub rule_set: &'a RuleSet,
    pub terms: &'a ProcedureTerms,
    pub receiving_unit_id: i64,
}

/// Creates a file (version 0). The rule version must be in force on the
/// local date of `ctx.now`; its parameters are copied into the record.
pub fn open(new: &NewFile, ctx: &ActionContext) -> Result<Transition, FileError> {
    let ctx = &ctx.to_whole_second();
    let now = ctx.now;
    let date = date_of(
        i32::try_from(local_seconds(now).div_euclid(SECONDS_PER_DAY))
            .map_err(|_| FileError::Inconsistent("clock_out_of_range"))?,
    )
    .ok_or(FileError::Inconsistent("clock_out_of_range"))?;
    if !in_force(new.rule_set, date) {
        return Err(FileError::RuleVersionNotInForce {
            rule_version: new.rule_set.id.clone(),
            date,
        });
    }
    if let Some(n) = ctx.note {
        check_len(n.trim())?;
    }
    let online = new.channel == Channel::Online;
    let mut rec = FileRecord {
        version: 0,
        state: FileState::Submitted,
        channel: new.channel,
        rules: FileRules::from_rule_set(new.rule_set),
        terms: new.terms.clone(),
        receiving_unit_id: new.receiving_unit_id,
        current_unit_id: new.receiving_unit_id,
        assignee_id: None,
        submitted_at: online.then_some(now),
        received_at: None,
        deadline: None,
        completion_returns: 0,
        supplement_requests: Vec::new(),
        apology: None,
        legs: Vec::new(),
        processing_finished_at: None,
        handed_over_at: None,
        handover_method: None,
        ended_at: None,
        closed_at: None,
        created_at: now,
        last_changed_at: now,
    };
    // Computing the deadline also validates the procedure's terms, so a bad
    // procedure fails at submission rather than at receipt.
    let probe = FileRecord {
        received_at: Some(now),
        ..rec.clone()
    };
    let deadline = recompute_deadline(ctx.calendar, &probe)?;
    if !online {
        rec.received_at = Some(now);
        rec.deadline = Some(DeadlineSummary::from(&deadline));
    }
    let mut step = Step {
        rec,
        ctx,
        effects: Vec::new(),
        flags: Vec::new(),
    };
    let to = if online {
        FileState::Submitted
    } else {
        received_effects(&mut step);
        FileState::Received
    };
    finish(step, None, to, ActionKind::Open, None, None)
}

fn received_effects(step: &mut Step) {
    if let Some(d) = &step.rec.deadline {
        step.effects.push(Effect::DeadlineSet {
            due: d.due,
            appointment_date: d.appointment_date,
        });
    }
    step.effects.push(Effect::AllocateFileCode);
    step.print(FormKind::Receipt);
    step.notify(Notice::Received);
}

/// Accepts an online submission.
pub(super) fn receive(step: &mut Step) -> Result<FileState, FileError> {
    let received_at = match step.rec.rules.online_receipt_moment {
        OnlineReceiptMoment::Submission => step.rec.submitted_at.ok_or(FileError::Inconsistent(
            "submission_without_online_submission",
        ))?,
        OnlineReceiptMoment::Acceptance => step.now(),
    };
    step.rec.received_at = Some(received_at);
    let d = recompute_deadline(step.ctx.calendar, &step.rec)?;
    step.rec.deadline = Some(DeadlineSummary::from(&d));
    received_effects(step);
    Ok(FileState::Received)
}

pub(super) fn return_for_completion(
    step: &mut Step,
    missing_items: &[String],
) -> Result<FileState, FileError> {
    clean_items(missing_items, FileError::MissingItemsRequired)?;
    step.rec.completion_returns = step.rec.completion_returns.saturating_add(1);
    step.print(FormKind::SupplementRequest);
    step.notify(Notice::ReturnedForCompletion);
    Ok(FileState::ReturnedForCompletion)
}

pub(super) fn resubmit(step: &mut Step) -> FileState {
    step.rec.submitted_at = Some(step.now());
    FileState::Submitted
}

pub(super) fn transfer(step: &mut Step, unit_id: i64) -> FileState {
    step.rec.current_unit_id = unit_id;
    FileState::AtAgency
}

pub(super) fn assign(step: &mut Step, unit_id: i64, assignee_id: i64) -> FileState {
    step.rec.current_unit_id = unit_id;
    step.rec.assignee_id = Some(assignee_id);
    FileState::Assigned
}

/// Reassigning keeps the state: the new specialist continues where the
/// file stands (examination, waiting, legs, approval).
pub(super) fn reassign(
    step: &mut Step,
    unit_id: i64,
    assignee_id: i64,
    reason: &str,
) -> Result<FileState, FileError> {
    if step.rec.current_unit_id == unit_id && step.rec.assignee_id == Some(assignee_id) {
        return Err(FileError::SameAssignee);
    }
    clean_reason(reason)?;
    step.rec.current_unit_id = unit_id;
    step.rec.assignee_id = Some(assignee_id);
    Ok(step.rec.state)
}
