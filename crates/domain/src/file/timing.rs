//! The bridge between a file record and the deadline engine: the record
//! keeps only what the deadline depends on (receipt moment, channel,
//! processing time, completed waits, the apology's new date), and every
//! change recomputes it with [`compute_deadline`], so a stored deadline can
//! always be re-derived and explained.

use jiff::Timestamp;

use super::error::FileError;
use super::record::{DeadlineSummary, FileRecord};
use crate::calendar::WorkingCalendar;
use crate::calendar::day::{local_seconds, timestamp_of_local};
use crate::calendar::deadline::{
    Deadline, DeadlineError, DeadlineInput, Extension, MAX_DAYS, Pause, ShareAmount,
    compute_deadline,
};

/// The engine's input for `record` received at `received_at`, with extra
/// pauses (e.g. a wait still open) and optionally the apology's extension.
fn input_for(
    record: &FileRecord,
    received_at: Timestamp,
    extra_pause: Option<Pause>,
    with_extension: bool,
) -> DeadlineInput {
    let mut pauses = record.pauses();
    pauses.extend(extra_pause);
    DeadlineInput {
        received_at,
        channel: record.channel,
        processing_time: record.terms.processing_time,
        rules: record.rules.deadline,
        same_day_cutoff: record.terms.same_day_cutoff,
        pauses,
        extension: record
            .apology
            .as_ref()
            .filter(|_| with_extension)
            .map(|a| Extension {
                issued_at: a.issued_at,
                new_date: a.new_date,
            }),
        shares: record.terms.shares.clone(),
    }
}

fn compute(
    cal: &WorkingCalendar,
    record: &FileRecord,
    received_at: Timestamp,
    extra_pause: Option<Pause>,
) -> Result<Deadline, FileError> {
    match compute_deadline(cal, &input_for(record, received_at, extra_pause, true)) {
        // A restart after the apology can carry the legal deadline past the
        // apology's new date; the later legal deadline then governs.
        Err(DeadlineError::ExtensionBeforeDeadline(_)) => Ok(compute_deadline(
            cal,
            &input_for(record, received_at, extra_pause, false),
        )?),
        other => Ok(other?),
    }
}

/// The deadline of a received file from what its record holds.
pub fn recompute_deadline(
    cal: &WorkingCalendar,
    record: &FileRecord,
) -> Result<Deadline, FileError> {
    let received_at = record.received_at.ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    compute(cal, record, received_at, None)
}

/// The deadline as it would stand if a pending supplement arrived at `now`
/// (used to judge a refusal or a stop while waiting, when the stored
/// deadline is stale because the clock is stopped).
pub fn deadline_as_of(
    cal: &WorkingCalendar,
    record: &FileRecord,
    now: Timestamp,
) -> Result<DeadlineSummary, FileError> {
    let received_at = record.received_at.ok_or(FileError::Inconsistent(
        "received_without_receipt_or_deadline",
    ))?;
    let open = record.open_supplement().map(|r| Pause {
        requested_at: r.requested_at,
        resumed_at: now.max(r.requested_at),
    });
    match (open, &record.deadline) {
        (None, Some(d)) => Ok(d.clone()),
        _ => Ok(DeadlineSummary::from(&compute(
            cal,
            record,
            received_at,
            open,
        )?)),
    }
}

/// Working seconds of a leg's share of the deadline.
pub(crate) fn share_seconds(record: &FileRecord, share: ShareAmount) -> Result<i64, FileError> {
    match share {
        ShareAmount::WorkingHours(h) if h > 0 && h <= MAX_DAYS * 8 => Ok(i64::from(h) * 3600),
        ShareAmount::WorkingHours(_) => Err(FileError::InvalidShare),
        ShareAmount::Fraction { num, den } if num > 0 && num <= den => {
            let total = record
                .terms
                .processing_time
                .working_seconds()
                .ok_or(FileError::InvalidShare)?;
            let secs = i128::from(total) * i128::from(num) / i128::from(den);
            i64::try_from(secs)
                .ok()
                .filter(|s| *s > 0)
                .ok_or(FileError::InvalidShare)
        }
        ShareAmount::Fraction { .. } => Err(FileError::InvalidShare),
    }
}

/// The due moment of `work` working seconds counted from `from` (counting
/// starts at the next working moment if `from` is outside hours).
pub(crate) fn after_working_seconds(
    cal: &WorkingCalendar,
    from: Timestamp,
    work: i64,
) -> Result<Timestamp, FileError> {
    let out = || FileError::Deadline(DeadlineError::OutOfRange(from));
    let start = cal.work_before(local_seconds(from)).ok_or_else(out)?;
    let local = cal
        .moment_after_work(start.saturating_add(work))
        .ok_or_else(out)?;
    timestamp_of_local(local).ok_or_else(out)
}

/// Working seconds between two moments (0 if `to` is not after `from`).
pub(crate) fn working_seconds_between(
    cal: &WorkingCalendar,
    from: Timestamp,
    to: Timestamp,
) -> Option<i64> {
    let a = cal.work_before(local_seconds(from))?;
    let b = cal.work_before(local_seconds(to))?;
    Some((b - a).max(0))
}
