//! How a file ends — result, refusal, stop, withdrawal, cancellation — and
//! the apology that may come before a late end.

use jiff::Timestamp;
use jiff::civil::Date;

use super::{Step, check_len, clean_items, clean_reason};
use crate::calendar::day::{SECONDS_PER_DAY, local_seconds};
use crate::calendar::timeliness::resolution;
use crate::file::action::HandoverMethod;
use crate::file::error::FileError;
use crate::file::event::{DeadlineChange, Effect, Flag, FormKind, Notice};
use crate::file::record::{Apology, DeadlineSummary};
use crate::file::state::FileState;
use crate::file::timing::{deadline_as_of, recompute_deadline};

fn local_day(t: Timestamp) -> i64 {
    local_seconds(t).div_euclid(SECONDS_PER_DAY)
}

/// Records that processing finished now against `deadline`, judged on the
/// legal deadline and on the appointment.
fn processing_finished(step: &mut Step, deadline: &DeadlineSummary) {
    let now = step.now();
    step.rec.processing_finished_at = Some(now);
    let legal = resolution(deadline.legal_due, now);
    let appointment = resolution(deadline.due, now);
    step.effects.push(Effect::ProcessingFinished {
        at: now,
        against_legal_deadline: legal,
        against_appointment: appointment,
    });
}

/// Legs still open when a file ends are closed as abandoned, so that no
/// unit keeps a phantom file in its pending count.
fn abandon_legs(step: &mut Step) {
    let now = step.now();
    let mut abandoned = Vec::new();
    for leg in step.rec.legs.iter_mut().filter(|l| l.is_open()) {
        leg.returned_at = Some(now);
        leg.abandoned = true;
        abandoned.push(leg.unit_id);
    }
    for unit_id in abandoned {
        step.effects.push(Effect::LegAbandoned { unit_id });
    }
}

/// Refusal with reasons (form 03). It must come within the processing
/// deadline; after it, it is still the right thing to send, so it is
/// allowed and flagged. While waiting for a supplement the stored deadline
/// is stale (the clock is stopped), so the deadline is taken as if the wait
/// ended now.
pub(super) fn refuse(step: &mut Step, reasons: &[String]) -> Result<FileState, FileError> {
    clean_items(reasons, FileError::ReasonRequired)?;
    let d = deadline_as_of(step.ctx.calendar, &step.rec, step.now())?;
    if step.now() > d.legal_due {
        step.flags.push(Flag::RefusedAfterDeadline);
    }
    processing_finished(step, &d);
    step.rec.deadline = Some(d);
    step.print(FormKind::Refusal);
    step.notify(Notice::Refused);
    Ok(FileState::Refused)
}

/// Stop at the applicant's request (2025 rules, form 05), only before a
/// result is issued (the guard checks both).
pub(super) fn stop(step: &mut Step, reason: &str) -> Result<FileState, FileError> {
    clean_reason(reason)?;
    abandon_legs(step);
    step.print(FormKind::StopNotice);
    step.notify(Notice::Stopped);
    Ok(FileState::Stopped)
}

pub(super) fn withdraw(step: &mut Step, reason: Option<&str>) -> Result<FileState, FileError> {
    if let Some(r) = reason {
        check_len(r.trim())?;
    }
    abandon_legs(step);
    step.notify(Notice::Withdrawn);
    Ok(FileState::Withdrawn)
}

pub(super) fn cancel(step: &mut Step, reason: &str) -> Result<FileState, FileError> {
    clean_reason(reason)?;
    abandon_legs(step);
    step.notify(Notice::Cancelled);
    Ok(FileState::Cancelled)
}

/// Apology and new appointment (form 04): once per file, issued at least
/// [`crate::file::rules::APOLOGY_LEAD_CALENDAR_DAYS`] calendar day before the
/// date of the current deadline, with a new date after the old one.
pub(super) fn apologize(
    step: &mut Step,
    reason: &str,
    new_date: Date,
) -> Result<FileState, FileError> {
    if step.rec.apology.is_some() {
        return Err(FileError::ApologyAlreadyIssued);
    }
    let reason = clean_reason(reason)?;
    let now = step.now();
    let current = step.rec.deadline.clone().ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    let lead = i64::from(step.rec.rules.apology_lead_calendar_days);
    if now >= current.due || local_day(now) + lead > local_day(current.due) {
        return Err(FileError::ApologyTooLate { due: current.due });
    }
    if new_date <= current.appointment_date {
        return Err(FileError::NewAppointmentNotLater {
            new_date,
            old_date: current.appointment_date,
        });
    }
    step.rec.apology = Some(Apology {
        issued_at: now,
        issued_by: step.ctx.actor_id,
        reason,
        previous_due: current.due,
        new_date,
    });
    let d = recompute_deadline(step.ctx.calendar, &step.rec)?;
    step.effects.push(Effect::DeadlineChanged {
        cause: DeadlineChange::Apology,
        previous_due: current.due,
        due: d.due,
        appointment_date: d.appointment_date,
        legal_due: d.legal_due,
    });
    step.rec.deadline = Some(DeadlineSummary::from(&d));
    step.print(FormKind::Apology);
    step.notify(Notice::Apology);
    Ok(step.rec.state)
}

/// The result is back at the one-stop counter: the moment processing
/// finished, whatever happens at hand-over.
pub(super) fn result_ready(step: &mut Step) -> Result<FileState, FileError> {
    let d = step.rec.deadline.clone().ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    let now = step.now();
    if now > d.legal_due {
        step.flags.push(Flag::FinishedLate);
    }
    if now > d.due {
        step.flags.push(Flag::MissedAppointment);
    }
    processing_finished(step, &d);
    step.rec.current_unit_id = step.rec.receiving_unit_id;
    step.notify(Notice::ResultReady);
    Ok(FileState::ResultReady)
}

pub(super) fn hand_over(step: &mut Step, method: HandoverMethod) -> FileState {
    step.rec.handed_over_at = Some(step.now());
    step.rec.handover_method = Some(method);
    step.effects.push(Effect::HandedOver { method });
    step.notify(Notice::HandedOver);
    FileState::HandedOver
}

/// Archiving keeps the end state (reports count how the file ended) and
/// refuses every later action.
pub(super) fn close(step: &mut Step) -> FileState {
    step.rec.closed_at = Some(step.now());
    step.rec.state
}
