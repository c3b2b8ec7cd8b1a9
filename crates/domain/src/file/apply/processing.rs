//! Supplements and inter-agency legs: the two side paths that move the
//! deadline or split it.

use super::{Step, clean_items};
use crate::calendar::deadline::ShareAmount;
use crate::file::error::FileError;
use crate::file::event::{DeadlineChange, Effect, Flag, FormKind, Notice};
use crate::file::record::{DeadlineSummary, Leg, SupplementRequest};
use crate::file::state::FileState;
use crate::file::timing::{
    after_working_seconds, recompute_deadline, share_seconds, working_seconds_between,
};
use crate::rules::SupplementMode;

/// The applicant is told once and in full what is missing. A second request
/// is possible (the law cannot stop an officer finding something new) but is
/// a fault that Decision 766 scoring counts, so it is flagged.
pub(super) fn request_supplement(
    step: &mut Step,
    missing_items: &[String],
) -> Result<FileState, FileError> {
    let items = clean_items(missing_items, FileError::MissingItemsRequired)?;
    let now = step.now();
    let received_at = step.rec.received_at.ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    step.rec.supplement_requests.push(SupplementRequest {
        requested_at: now,
        requested_by: step.ctx.actor_id,
        missing_items: items.clone(),
        resumed_at: None,
    });
    let count = u32::try_from(step.rec.supplement_requests.len()).unwrap_or(u32::MAX);
    if count >= 2 {
        step.flags.push(Flag::RepeatedSupplementRequest { count });
    }
    let limit = i64::from(step.rec.rules.supplement_notice_working_days) * 8 * 3600;
    if working_seconds_between(step.ctx.calendar, received_at, now).is_some_and(|w| w > limit) {
        step.flags.push(Flag::SupplementRequestedLate);
    }
    step.effects.push(Effect::SupplementRequested {
        number: count,
        missing_items: items,
    });
    step.print(FormKind::SupplementRequest);
    step.notify(Notice::SupplementRequested);
    Ok(FileState::AwaitingSupplement)
}

/// The complete file arrived: the wait is recorded in both modes, and the
/// deadline restarts from zero or resumes, as the file's rule version says.
pub(super) fn supplement_received(step: &mut Step) -> Result<FileState, FileError> {
    let now = step.now();
    let request = step
        .rec
        .supplement_requests
        .last_mut()
        .filter(|r| r.resumed_at.is_none())
        .ok_or(FileError::Inconsistent("supplement_wait_mismatch"))?;
    request.resumed_at = Some(now);
    let requested_at = request.requested_at;
    let previous = step.rec.deadline.clone().ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    let d = recompute_deadline(step.ctx.calendar, &step.rec)?;
    let waited = working_seconds_between(step.ctx.calendar, requested_at, now).unwrap_or(0);
    step.effects.push(Effect::SupplementWait {
        waiting_working_seconds: waited,
    });
    let cause = match step.rec.rules.deadline.supplement_mode {
        SupplementMode::Restart => DeadlineChange::SupplementRestart,
        SupplementMode::Pause => DeadlineChange::SupplementPause,
    };
    step.effects.push(Effect::DeadlineChanged {
        cause,
        previous_due: previous.due,
        due: d.due,
        appointment_date: d.appointment_date,
        legal_due: d.legal_due,
    });
    step.rec.deadline = Some(DeadlineSummary::from(&d));
    Ok(FileState::UnderExamination)
}

/// Opens a leg: the unit gets its share of the deadline counted from now,
/// the due moment printed on the transfer slip. Several units may hold legs
/// at once; one unit holds at most one open leg.
pub(super) fn send_to_agency(
    step: &mut Step,
    unit_id: i64,
    share: ShareAmount,
) -> Result<FileState, FileError> {
    if unit_id == step.rec.current_unit_id {
        return Err(FileError::LegToOwnUnit);
    }
    if step.rec.open_legs().any(|l| l.unit_id == unit_id) {
        return Err(FileError::LegAlreadyOpen { unit_id });
    }
    let seconds = share_seconds(&step.rec, share)?;
    let now = step.now();
    let due = after_working_seconds(step.ctx.calendar, now, seconds)?;
    step.rec.legs.push(Leg {
        unit_id,
        sent_at: now,
        due,
        returned_at: None,
        abandoned: false,
    });
    step.effects.push(Effect::LegOpened { unit_id, due });
    Ok(FileState::AtOtherAgency)
}

pub(super) fn receive_from_agency(step: &mut Step, unit_id: i64) -> Result<FileState, FileError> {
    let now = step.now();
    let leg = step
        .rec
        .legs
        .iter_mut()
        .find(|l| l.unit_id == unit_id && l.is_open())
        .ok_or(FileError::NoOpenLeg { unit_id })?;
    leg.returned_at = Some(now);
    let late = now > leg.due;
    if late {
        step.flags.push(Flag::LegReturnedLate { unit_id });
    }
    step.effects.push(Effect::LegClosed { unit_id, late });
    Ok(if step.rec.open_legs().next().is_some() {
        FileState::AtOtherAgency
    } else {
        FileState::UnderExamination
    })
}
