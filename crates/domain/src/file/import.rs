//! Files migrated from an older system: a record that could have been produced by the
//! workflow, built from the few facts an old system keeps (receipt, deadline, when
//! processing finished, hand-over, outcome, apology). Pure, like [`super::apply`]: the app
//! layer reads the CSV, looks codes up, and stores what this returns.

use jiff::Timestamp;
use jiff::civil::Date;

use super::action::{ActionKind, HandoverMethod};
use super::apply::{ActionContext, Step, finish};
use super::error::FileError;
use super::event::Transition;
use super::record::{Apology, DeadlineSummary, FileRecord, ProcedureTerms};
use super::rules::{FileRules, in_force};
use super::state::FileState;
use super::timing::recompute_deadline;
use crate::calendar::day::{SECONDS_PER_DAY, date_of, local_seconds};
use crate::calendar::deadline::Channel;
use crate::rules::RuleSet;

/// How an imported file ended, or that it is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoricalOutcome {
    /// A result was issued at `finished`; handed over at `returned` if known.
    Resolved {
        finished: Timestamp,
        returned: Option<Timestamp>,
    },
    Refused {
        finished: Timestamp,
    },
    Withdrawn {
        at: Timestamp,
    },
    /// Still being processed: it arrives as a received file at its receiving unit.
    Pending,
}

/// The facts of one file from the old system.
#[derive(Debug, Clone, Copy)]
pub struct HistoricalFile<'a> {
    pub channel: Channel,
    pub terms: &'a ProcedureTerms,
    pub receiving_unit_id: i64,
    pub received_at: Timestamp,
    /// The legal due moment as the old system had it; `None`: computed from the
    /// procedure's processing time with the calendar, as intake does.
    pub due_at: Option<Timestamp>,
    pub outcome: HistoricalOutcome,
    pub apology_at: Option<Timestamp>,
}

/// Why an imported file cannot be accepted, with a message for the person fixing the CSV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{field} is in the future")]
    InFuture { field: &'static str },
    #[error("{field} is before received_at")]
    BeforeReceipt { field: &'static str },
    #[error("returned_at is before finished_at")]
    ReturnedBeforeFinished,
    #[error("apology_at is after finished_at")]
    ApologyAfterFinished,
    #[error("no one-stop rule version was in force on {date} (the earliest starts {earliest})")]
    NoRuleVersion { date: Date, earliest: Date },
    #[error("cannot compute the deadline: {0}")]
    Deadline(String),
    #[error("the imported record is inconsistent: {0}")]
    Inconsistent(&'static str),
}

/// When the old system gave no reason and no new date for an apology.
pub const IMPORTED_APOLOGY_REASON: &str = "Nhập từ hệ thống cũ (không có nội dung phiếu xin lỗi)";

fn local_date(t: Timestamp) -> Option<Date> {
    date_of(i32::try_from(local_seconds(t).div_euclid(SECONDS_PER_DAY)).ok()?)
}

/// The rule version in force on `date` among `versions`.
pub fn rule_version_at(versions: &[RuleSet], date: Date) -> Result<&RuleSet, ImportError> {
    versions
        .iter()
        .find(|rs| in_force(rs, date))
        .ok_or_else(|| ImportError::NoRuleVersion {
            date,
            earliest: versions
                .iter()
                .map(|rs| rs.valid_from)
                .min()
                .unwrap_or(date),
        })
}

/// Builds the record of an imported file and its one history entry (`import`, dated
/// `ctx.now`, the moment of the import). The rule version is the one in force on the local
/// date of receipt; the deadline is `due_at` if given (legal deadline = appointment), else
/// computed. Timeliness then follows from the record as for any other file.
pub fn import(
    file: &HistoricalFile,
    versions: &[RuleSet],
    ctx: &ActionContext,
) -> Result<Transition, ImportError> {
    let ctx = &ctx.to_whole_second();
    let now = ctx.now;
    let whole = |t: Timestamp| Timestamp::from_second(t.as_second()).unwrap_or(t);
    let received = whole(file.received_at);
    let later = |field: &'static str, t: Timestamp| -> Result<Timestamp, ImportError> {
        let t = whole(t);
        if t > now {
            Err(ImportError::InFuture { field })
        } else if t < received {
            Err(ImportError::BeforeReceipt { field })
        } else {
            Ok(t)
        }
    };
    if received > now {
        return Err(ImportError::InFuture {
            field: "received_at",
        });
    }
    let date = local_date(received).ok_or(ImportError::Inconsistent("clock_out_of_range"))?;
    let rule_set = rule_version_at(versions, date)?;
    let mut rec = FileRecord {
        version: 0,
        state: FileState::Received,
        channel: file.channel,
        rules: FileRules::from_rule_set(rule_set),
        terms: file.terms.clone(),
        receiving_unit_id: file.receiving_unit_id,
        current_unit_id: file.receiving_unit_id,
        assignee_id: None,
        submitted_at: (file.channel == Channel::Online).then_some(received),
        received_at: Some(received),
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
        created_at: received,
        last_changed_at: now,
    };
    let deadline = match file.due_at {
        Some(due) => {
            let due = whole(due);
            if due <= received {
                return Err(ImportError::BeforeReceipt { field: "due_at" });
            }
            DeadlineSummary {
                due,
                appointment_date: local_date(due)
                    .ok_or(ImportError::Inconsistent("clock_out_of_range"))?,
                legal_due: due,
                effective_start: received,
                waiting_working_seconds: 0,
                agency_dues: Vec::new(),
            }
        }
        None => DeadlineSummary::from(
            &recompute_deadline(ctx.calendar, &rec)
                .map_err(|e: FileError| ImportError::Deadline(e.to_string()))?,
        ),
    };
    let to = match file.outcome {
        HistoricalOutcome::Pending => FileState::Received,
        HistoricalOutcome::Resolved { finished, returned } => {
            let finished = later("finished_at", finished)?;
            rec.processing_finished_at = Some(finished);
            match returned {
                Some(returned) => {
                    let returned = later("returned_at", returned)?;
                    if returned < finished {
                        return Err(ImportError::ReturnedBeforeFinished);
                    }
                    rec.handed_over_at = Some(returned);
                    // The old system does not say how; the channel it came by is the
                    // usual way back.
                    rec.handover_method = Some(match file.channel {
                        Channel::Counter => HandoverMethod::Counter,
                        Channel::Post => HandoverMethod::Post,
                        Channel::Online => HandoverMethod::Electronic,
                    });
                    rec.ended_at = Some(returned);
                    FileState::HandedOver
                }
                None => FileState::ResultReady,
            }
        }
        HistoricalOutcome::Refused { finished } => {
            let finished = later("finished_at", finished)?;
            rec.processing_finished_at = Some(finished);
            rec.ended_at = Some(finished);
            FileState::Refused
        }
        HistoricalOutcome::Withdrawn { at } => {
            rec.ended_at = Some(later("finished_at", at)?);
            FileState::Withdrawn
        }
    };
    if let Some(at) = file.apology_at {
        let at = later("apology_at", at)?;
        if rec
            .ended_at
            .or(rec.processing_finished_at)
            .is_some_and(|end| at > end)
        {
            return Err(ImportError::ApologyAfterFinished);
        }
        // The old system keeps the letter's date, not its new appointment: the
        // deadline stays as it was and timeliness is judged on it anyway.
        rec.apology = Some(Apology {
            issued_at: at,
            issued_by: 0,
            reason: IMPORTED_APOLOGY_REASON.to_owned(),
            previous_due: deadline.due,
            new_date: deadline.appointment_date,
        });
    }
    rec.deadline = Some(deadline);
    let step = Step {
        rec,
        ctx,
        effects: Vec::new(),
        flags: Vec::new(),
    };
    finish(step, None, to, ActionKind::Import, None, None).map_err(|e| match e {
        FileError::Inconsistent(what) => ImportError::Inconsistent(what),
        other => ImportError::Deadline(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::deadline::ProcessingTime;
    use crate::calendar::timeliness::Resolution;
    use crate::calendar::{CalendarConfig, WorkingCalendar};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn run(
        outcome: HistoricalOutcome,
        due: Option<&str>,
        apology: Option<&str>,
    ) -> Result<Transition, ImportError> {
        let cal = WorkingCalendar::new(&CalendarConfig::builtin()).unwrap();
        let terms = ProcedureTerms::new(ProcessingTime::WorkingDays(3));
        let file = HistoricalFile {
            channel: Channel::Counter,
            terms: &terms,
            receiving_unit_id: 7,
            // Monday 2 March 2026, 09:00 local.
            received_at: ts("2026-03-02T02:00:00Z"),
            due_at: due.map(ts),
            outcome,
            apology_at: apology.map(ts),
        };
        let ctx = ActionContext::new(0, ts("2026-04-01T00:00:00Z"), &cal);
        import(&file, RuleSet::builtin(), &ctx)
    }

    #[test]
    fn a_resolved_file_is_judged_on_its_computed_deadline() {
        let t = run(
            HistoricalOutcome::Resolved {
                finished: ts("2026-03-10T02:00:00Z"),
                returned: Some(ts("2026-03-11T02:00:00Z")),
            },
            None,
            Some("2026-03-03T02:00:00Z"),
        )
        .unwrap();
        let r = &t.record;
        assert_eq!(r.state, FileState::HandedOver);
        assert_eq!(r.rules.rule_version_id, "nd118-2025");
        // Three working days from Monday 09:00: Thursday 09:00.
        assert_eq!(
            r.deadline.as_ref().unwrap().legal_due,
            ts("2026-03-05T02:00:00Z")
        );
        assert_eq!(r.resolution(), Some(Resolution::Late));
        assert!(r.apology.is_some());
        assert_eq!(t.event.kind, ActionKind::Import);
        assert_eq!(t.event.from, None);
        assert_eq!(r.check_invariants(), Ok(()));
    }

    #[test]
    fn given_deadlines_and_every_outcome_make_valid_records() {
        let due = "2026-03-20T10:00:00Z";
        for (outcome, state) in [
            (HistoricalOutcome::Pending, FileState::Received),
            (
                HistoricalOutcome::Resolved {
                    finished: ts("2026-03-04T02:00:00Z"),
                    returned: None,
                },
                FileState::ResultReady,
            ),
            (
                HistoricalOutcome::Refused {
                    finished: ts("2026-03-04T02:00:00Z"),
                },
                FileState::Refused,
            ),
            (
                HistoricalOutcome::Withdrawn {
                    at: ts("2026-03-04T02:00:00Z"),
                },
                FileState::Withdrawn,
            ),
        ] {
            let t = run(outcome, Some(due), None).unwrap();
            assert_eq!(t.record.state, state);
            assert_eq!(t.record.deadline.as_ref().unwrap().due, ts(due));
        }
        let early = run(
            HistoricalOutcome::Resolved {
                finished: ts("2026-03-04T02:00:00Z"),
                returned: None,
            },
            Some(due),
            None,
        )
        .unwrap();
        assert_eq!(early.record.resolution(), Some(Resolution::Early));
    }

    #[test]
    fn impossible_histories_are_refused() {
        let finished_before = HistoricalOutcome::Refused {
            finished: ts("2026-03-01T02:00:00Z"),
        };
        assert_eq!(
            run(finished_before, None, None).unwrap_err(),
            ImportError::BeforeReceipt {
                field: "finished_at"
            }
        );
        let returned_before = HistoricalOutcome::Resolved {
            finished: ts("2026-03-04T02:00:00Z"),
            returned: Some(ts("2026-03-03T02:00:00Z")),
        };
        assert_eq!(
            run(returned_before, None, None).unwrap_err(),
            ImportError::ReturnedBeforeFinished
        );
        let future = HistoricalOutcome::Withdrawn {
            at: ts("2027-03-04T02:00:00Z"),
        };
        assert_eq!(
            run(future, None, None).unwrap_err(),
            ImportError::InFuture {
                field: "finished_at"
            }
        );
        assert_eq!(
            run(
                HistoricalOutcome::Pending,
                Some("2026-03-01T00:00:00Z"),
                None
            )
            .unwrap_err(),
            ImportError::BeforeReceipt { field: "due_at" }
        );
        let after = HistoricalOutcome::Refused {
            finished: ts("2026-03-04T02:00:00Z"),
        };
        assert_eq!(
            run(after, None, Some("2026-03-05T02:00:00Z")).unwrap_err(),
            ImportError::ApologyAfterFinished
        );
    }
}
