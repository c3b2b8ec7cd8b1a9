//! Each step's due moment and the step a file is at.
//!
//! The steps share the working time between the moment the deadline counts from and the due
//! moment, in proportion to their shares (percent, or working hours: with hours that add up to
//! the processing time, each step gets exactly its hours). The last step is due exactly when the
//! file is, so the steps always add up to the deadline, whatever supplements restarted it or an
//! apology moved it.

use jiff::Timestamp;

use super::{ProcessDefinition, ProcessStep, StepKind};
use crate::calendar::WorkingCalendar;
use crate::calendar::day::{local_seconds, timestamp_of_local};
use crate::file::FileState;

/// A step with its due moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledStep {
    pub step: ProcessStep,
    pub due: Timestamp,
    /// The file is at this step now.
    pub current: bool,
}

/// The steps of `process` with their due moments for a file whose deadline counts from
/// `start` and falls at `due`, and the step a file in `state` is at (`open_leg_units`: the
/// codes of the units the file is at on inter-agency legs). `None` if a moment falls outside
/// the calendar's range.
pub fn schedule(
    cal: &WorkingCalendar,
    process: &ProcessDefinition,
    start: Timestamp,
    due: Timestamp,
    state: FileState,
    open_leg_units: &[&str],
) -> Option<Vec<ScheduledStep>> {
    let steps = &process.steps;
    let base = cal.work_before(local_seconds(start))?;
    let end = cal.work_before(local_seconds(due))?;
    let window = i128::from((end - base).max(0));
    let total: u64 = steps.iter().map(|s| u64::from(s.weight())).sum();
    let current = current_step(process, state, open_leg_units);
    let mut done: u64 = 0;
    let mut out = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        done += u64::from(step.weight());
        let at = if i + 1 == steps.len() {
            due
        } else {
            let offset = if total == 0 {
                0
            } else {
                (window * i128::from(done) / i128::from(total)) as i64
            };
            if offset == 0 {
                start
            } else {
                timestamp_of_local(cal.moment_after_work(base + offset)?)?.min(due)
            }
        };
        out.push(ScheduledStep {
            step: step.clone(),
            due: at,
            current: current == Some(i),
        });
    }
    Some(out)
}

/// Index of the step a file in `state` is at: the first step of the kind the state belongs to
/// or, if the process has none, the last earlier step. `None` before receipt and once
/// processing is over (handed over, refused, withdrawn, stopped, cancelled).
pub fn current_step(
    process: &ProcessDefinition,
    state: FileState,
    open_leg_units: &[&str],
) -> Option<usize> {
    use FileState as S;
    let phase = match state {
        S::Received => StepKind::Receive,
        S::AtAgency | S::Assigned | S::UnderExamination | S::AwaitingSupplement => {
            StepKind::Examine
        }
        S::AtOtherAgency => StepKind::InterAgency,
        S::AwaitingApproval | S::Approved => StepKind::Approve,
        S::ResultReady => StepKind::Return,
        S::Submitted
        | S::ReturnedForCompletion
        | S::HandedOver
        | S::Refused
        | S::Withdrawn
        | S::Stopped
        | S::Cancelled => return None,
    };
    let steps = &process.steps;
    if phase == StepKind::InterAgency
        && let Some(i) = steps.iter().position(|s| {
            s.kind == StepKind::InterAgency
                && s.unit_code
                    .as_deref()
                    .is_some_and(|c| open_leg_units.contains(&c))
        })
    {
        return Some(i);
    }
    if let Some(i) = steps.iter().position(|s| s.kind == phase) {
        return Some(i);
    }
    // The process skips this kind of step: the file is still at the last step before it.
    let rank = |k: StepKind| match k {
        StepKind::Receive => 0,
        StepKind::Examine => 1,
        StepKind::InterAgency => 2,
        StepKind::Approve => 3,
        StepKind::Return => 4,
    };
    steps.iter().rposition(|s| rank(s.kind) < rank(phase))
}
