//! The deadline engine. Working-time arithmetic runs on the calendar's
//! prefix sums of working seconds: "add N working hours" is a binary search,
//! so a deadline costs the same whether it is 1 hour or 10 years away.

use jiff::Timestamp;

use super::explain::{ExplanationStep, StartReason, skipped_days};
use super::{
    AgencyDue, Channel, Deadline, DeadlineError, DeadlineInput, ProcessingTime, ShareAmount,
};
use crate::calendar::WorkingCalendar;
use crate::calendar::day::{DayNumber, SECONDS_PER_DAY, local_seconds, timestamp_of_local};
use crate::calendar::hours::seconds_of;
use crate::rules::{CalendarDayEnd, OnlinePolicy, SupplementMode};

/// Computes a file's deadline, with its explanation.
pub fn compute_deadline(
    cal: &WorkingCalendar,
    input: &DeadlineInput,
) -> Result<Deadline, DeadlineError> {
    input.processing_time.check()?;
    let engine = Engine { cal, input };
    engine.run()
}

struct Engine<'a> {
    cal: &'a WorkingCalendar,
    input: &'a DeadlineInput,
}

struct Start {
    local: i64,
    reason: StartReason,
}

fn out_of_range(local: i64) -> DeadlineError {
    DeadlineError::OutOfRange(timestamp_of_local(local).unwrap_or(Timestamp::MAX))
}

fn day_of(local: i64) -> DayNumber {
    local
        .div_euclid(SECONDS_PER_DAY)
        .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as DayNumber
}

impl Engine<'_> {
    fn ts(&self, local: i64) -> Result<Timestamp, DeadlineError> {
        timestamp_of_local(local).ok_or_else(|| out_of_range(local))
    }

    fn work_before(&self, local: i64) -> Result<i64, DeadlineError> {
        self.cal
            .work_before(local)
            .ok_or_else(|| out_of_range(local))
    }

    /// When counting starts for a file (or a completed supplement) arriving
    /// at `local` through the input's channel.
    fn start_at(&self, local: i64) -> Result<Start, DeadlineError> {
        let next = self
            .cal
            .next_working_moment(local)
            .ok_or_else(|| out_of_range(local))?;
        let rules = &self.input.rules;
        if self.input.channel == Channel::Online {
            return Ok(match (next == local, rules.online_outside_hours) {
                (true, _) => Start {
                    local,
                    reason: StartReason::WithinHours,
                },
                (false, OnlinePolicy::NextWorkingPeriod) => Start {
                    local: next,
                    reason: StartReason::OutsideHours,
                },
                (false, OnlinePolicy::AsReceived) => Start {
                    local,
                    reason: StartReason::AsReceived,
                },
            });
        }
        let secs = local.rem_euclid(SECONDS_PER_DAY);
        let cutoff = i64::from(seconds_of(rules.counter_cutoff));
        let working_day = self.cal.end_of_working_day(day_of(local)).is_some();
        if working_day && secs > cutoff {
            let start = self
                .cal
                .start_of_next_working_day(local)
                .ok_or_else(|| out_of_range(local))?;
            return Ok(Start {
                local: start,
                reason: StartReason::AfterCutoff {
                    cutoff: rules.counter_cutoff,
                },
            });
        }
        if next == local {
            Ok(Start {
                local,
                reason: StartReason::WithinHours,
            })
        } else {
            Ok(Start {
                local: next,
                reason: StartReason::OutsideHours,
            })
        }
    }

    /// Due moment of `work` working seconds from `start`, skipping the
    /// pauses (pause mode) that begin before the due moment.
    fn due_after_work(
        &self,
        start: i64,
        work: i64,
        pauses: &[(i64, i64)],
    ) -> Result<i64, DeadlineError> {
        if work == 0 {
            return Ok(start);
        }
        let mut pos = self.work_before(start)?;
        let mut remaining = work;
        for &(requested, resumed) in pauses {
            let at_request = self.work_before(requested)?;
            if at_request >= pos + remaining {
                break;
            }
            remaining -= (at_request - pos).max(0);
            pos = pos.max(self.work_before(resumed)?);
        }
        self.cal
            .moment_after_work(pos + remaining)
            .ok_or_else(|| out_of_range(start))
    }

    /// End of the working day `day`, or of the nearest working day in the
    /// configured direction; also returns the day if it had to move.
    fn end_of_day_or_moved(
        &self,
        day: DayNumber,
        forward: bool,
    ) -> Result<(i64, Option<DayNumber>), DeadlineError> {
        if let Some(end) = self.cal.end_of_working_day(day) {
            return Ok((end, None));
        }
        let mut d = day;
        for _ in 0..366 {
            d += if forward { 1 } else { -1 };
            if let Some(end) = self.cal.end_of_working_day(d) {
                return Ok((end, Some(day)));
            }
        }
        Err(out_of_range(i64::from(day) * SECONDS_PER_DAY))
    }

    /// The legal due moment from a start, given waiting to add (pause mode).
    fn due_from(
        &self,
        start: &Start,
        pauses: &[(i64, i64)],
    ) -> Result<(i64, Option<DayNumber>), DeadlineError> {
        let p = self.input.processing_time;
        let forward = self.input.rules.calendar_days_end == CalendarDayEnd::NextWorkingDay;
        match p {
            ProcessingTime::WorkingDays(_) | ProcessingTime::WorkingHours(_) => {
                let work = p.working_seconds().unwrap_or(0);
                Ok((self.due_after_work(start.local, work, pauses)?, None))
            }
            ProcessingTime::CalendarDays(n) => {
                let waiting_days: i64 = pauses
                    .iter()
                    .map(|&(a, b)| i64::from(day_of(b)) - i64::from(day_of(a)))
                    .sum();
                let last = i64::from(day_of(start.local)) + i64::from(n) + waiting_days;
                let last = DayNumber::try_from(last).map_err(|_| out_of_range(start.local))?;
                self.end_of_day_or_moved(last, forward)
            }
            ProcessingTime::SameDay => {
                let day = day_of(start.local);
                let secs = start.local.rem_euclid(SECONDS_PER_DAY);
                let cutoff = self.input.same_day_cutoff.map(|t| i64::from(seconds_of(t)));
                let end_today = self.cal.end_of_working_day(day);
                let late = cutoff.is_some_and(|c| secs > c)
                    || end_today.is_none_or(|end| start.local >= end);
                if late {
                    let next = self
                        .cal
                        .start_of_next_working_day(start.local)
                        .ok_or_else(|| out_of_range(start.local))?;
                    self.end_of_day_or_moved(day_of(next), true)
                } else {
                    Ok((end_today.unwrap_or(start.local), None))
                }
            }
        }
    }

    fn run(&self) -> Result<Deadline, DeadlineError> {
        let input = self.input;
        let received = local_seconds(input.received_at);
        // Same-day procedures apply their own cut-off, not the hand-over rule.
        let first = if input.processing_time == ProcessingTime::SameDay {
            Start {
                local: received,
                reason: StartReason::WithinHours,
            }
        } else {
            self.start_at(received)?
        };
        let mut steps = Vec::with_capacity(8);
        steps.push(ExplanationStep::ReceiptMoment {
            instant: input.received_at,
            channel: input.channel,
            effective_start: self.ts(first.local)?,
            reason: first.reason.clone(),
        });

        let mut pauses: Vec<(i64, i64)> = Vec::with_capacity(input.pauses.len());
        for p in &input.pauses {
            let (a, b) = (local_seconds(p.requested_at), local_seconds(p.resumed_at));
            if b < a || a < received {
                return Err(DeadlineError::InvalidPause);
            }
            pauses.push((a, b));
        }
        pauses.sort_unstable();

        let mode = input.rules.supplement_mode;
        let mut start = first;
        let mut counting_pauses: Vec<(i64, i64)> = Vec::new();
        let (mut due, mut moved) = self.due_from(&start, &counting_pauses)?;
        let mut waiting = 0i64;
        for &(a, b) in &pauses {
            let wait = (self.work_before(b)? - self.work_before(a)?).max(0);
            waiting += wait;
            let affects = a < due;
            let mut restarted_at = None;
            if affects {
                match mode {
                    SupplementMode::Restart => {
                        start = self.start_at(b)?;
                        restarted_at = Some(self.ts(start.local)?);
                    }
                    SupplementMode::Pause => counting_pauses.push((a, b)),
                }
                (due, moved) = self.due_from(&start, &counting_pauses)?;
            }
            steps.push(ExplanationStep::Pause {
                requested_at: self.ts(a)?,
                resumed_at: self.ts(b)?,
                mode,
                waiting_working_seconds: wait,
                restarted_at,
                affects_deadline: affects,
            });
        }

        let agency_dues = self.shares(start.local, &counting_pauses)?;
        let legal_due = due;
        steps.extend(skipped_days(self.cal, start.local, legal_due));
        steps.push(ExplanationStep::Due {
            due: self.ts(legal_due)?,
            processing_time: input.processing_time,
            moved_from: moved.and_then(|d| self.cal.date_at_day(d)),
        });

        if let Some(ext) = &input.extension {
            let day = crate::calendar::day::day_number(ext.new_date);
            let (new_due, _) = self.end_of_day_or_moved(day, true)?;
            if new_due < legal_due {
                return Err(DeadlineError::ExtensionBeforeDeadline(ext.new_date));
            }
            let issued = local_seconds(ext.issued_at);
            // "At least one day before": issued on an earlier date than the old deadline's.
            let issued_in_time = day_of(issued) < day_of(legal_due);
            steps.extend(skipped_days(self.cal, legal_due + 1, new_due));
            steps.push(ExplanationStep::Extension {
                issued_at: ext.issued_at,
                previous_due: self.ts(legal_due)?,
                new_due: self.ts(new_due)?,
                issued_in_time,
            });
            due = new_due;
        }

        let due_ts = self.ts(due)?;
        Ok(Deadline {
            due: due_ts,
            appointment_date: self
                .cal
                .date_at_day(day_of(due))
                .ok_or_else(|| out_of_range(due))?,
            legal_due: self.ts(legal_due)?,
            effective_start: self.ts(start.local)?,
            waiting_working_seconds: waiting,
            agency_dues,
            explanation: steps,
        })
    }

    /// Each agency's due moment: its share counted after the previous ones.
    fn shares(&self, start: i64, pauses: &[(i64, i64)]) -> Result<Vec<AgencyDue>, DeadlineError> {
        let shares = &self.input.shares;
        if shares.is_empty() {
            return Ok(Vec::new());
        }
        let total = self
            .input
            .processing_time
            .working_seconds()
            .ok_or(DeadlineError::SharesNeedWorkingTime)?;
        let mut amounts: Vec<i64> = Vec::with_capacity(shares.len());
        let all_hours = shares
            .iter()
            .all(|s| matches!(s.amount, ShareAmount::WorkingHours(_)));
        let all_fractions = shares
            .iter()
            .all(|s| matches!(s.amount, ShareAmount::Fraction { .. }));
        if all_hours {
            amounts.extend(shares.iter().map(|s| match s.amount {
                ShareAmount::WorkingHours(h) => i64::from(h) * 3600,
                ShareAmount::Fraction { .. } => 0,
            }));
        } else if all_fractions {
            // Exact rational sum: Σ num/den == 1, then proportional seconds.
            let mut sum = (0u128, 1u128);
            for s in shares {
                let ShareAmount::Fraction { num, den } = s.amount else {
                    continue;
                };
                if den == 0 {
                    return Err(DeadlineError::SharesMismatch);
                }
                let (n, d) = (u128::from(num), u128::from(den));
                sum = (sum.0 * d + n * sum.1, sum.1 * d);
                let g = gcd(sum.0, sum.1);
                sum = (sum.0 / g, sum.1 / g);
                amounts.push((i128::from(total) * i128::from(num) / i128::from(den)) as i64);
            }
            if sum.0 != sum.1 {
                return Err(DeadlineError::SharesMismatch);
            }
            // Rounding leftovers go to the last agency.
            let assigned: i64 = amounts.iter().sum();
            if let Some(last) = amounts.last_mut() {
                *last += total - assigned;
            }
        } else {
            return Err(DeadlineError::SharesMismatch);
        }
        if amounts.iter().sum::<i64>() != total {
            return Err(DeadlineError::SharesMismatch);
        }
        let mut offset = 0;
        let mut out = Vec::with_capacity(shares.len());
        for (share, amount) in shares.iter().zip(amounts) {
            offset += amount;
            let due = self.due_after_work(start, offset, pauses)?;
            out.push(AgencyDue {
                agency: share.agency.clone(),
                due: self.ts(due)?,
            });
        }
        Ok(out)
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}
