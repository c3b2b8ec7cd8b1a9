//! The handling report (Biểu số 06/VPCP/KSTT, Circular 01/2020/TT-VPCP): which file counts in
//! which column for a period, and the invariants every row must satisfy (DOMAIN §5).
//!
//! The rule for each column, stated once (the store's SQL computes the same, and tests prove
//! the two agree file by file). A period is the local dates `[from, to]` in Asia/Ho_Chi_Minh,
//! i.e. the instants `[start, end)` with `start` = `from` 00:00 and `end` = the day after `to`
//! 00:00. A file's *close* is the moment processing finished (`finished_at`: result ready at
//! the counter, or refusal; not the hand-over) or, for a file ended without a decision
//! (withdrawn, stopped, cancelled), the moment it ended (`ended_at`).
//!
//! - Files never received (online submissions not yet accepted, or ended before receipt) are
//!   not counted at all.
//! - A file is *in* the period if it was received before `end` and was not closed before
//!   `start`.
//! - **received**: every file in the period; **new** if received at or after `start` (split by
//!   channel: online; counter or post), **carried over** if received before `start`.
//! - **resolved**: processing finished in the period (result or refusal), judged on the legal
//!   deadline (`legal_due_at`; an apology's new date does not make a late file on time):
//!   **early** if finished on a local date before the deadline's date, **on time** if finished
//!   on that date by the due moment, **late** if after it (`calendar::timeliness::resolution`).
//!   **refused** is the part of resolved that was a refusal.
//! - **withdrawn**: ended in the period without a decision (withdrawn by the applicant,
//!   stopped at the applicant's request, cancelled by the agency). The official form has no
//!   such column; it is shown separately so it is never hidden inside "resolved".
//! - **pending**: not closed by `end`. Judged at `end` (or now, for a period not over yet)
//!   against the file's current appointment (`due_at`, after an apology) like an open file on
//!   the work list: **overdue** if that moment is past due, else **in time**; a file waiting for
//!   the applicant's supplement now is in time (its clock is stopped). For a past period a file
//!   whose deadline moved later (restart after a supplement, apology) is judged against the
//!   deadline it holds now.
//! - **apologies**: apology letters issued in the period; **late with apology**: resolved late
//!   files that carry an apology.
//! - **supplement requests** and **files with more than one request**: over the files closed
//!   in the period (resolved or withdrawn), so each file's requests are counted once, when it
//!   closes.
//!
//! Hence, per row: received = carried over + new; received = resolved + pending + withdrawn;
//! and the carried over of a period is the pending at the end of the previous one.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::day::{LOCAL_OFFSET_SECONDS, SECONDS_PER_DAY};
use crate::calendar::timeliness::{Resolution, resolution};
use crate::file::FileState;

/// A reporting period: local dates `[from, to]`, as instants `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    pub start: i64,
    pub end: i64,
}

/// Why a period cannot be reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("`from` is after `to`")]
    Reversed,
    #[error("dates must lie between 1970 and 2199")]
    OutOfRange,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if from > to {
            return Err(PeriodError::Reversed);
        }
        if from.year() < 1970 || to.year() > 2199 {
            return Err(PeriodError::OutOfRange);
        }
        let start = local_midnight(from);
        let end = local_midnight(to) + SECONDS_PER_DAY;
        Ok(Period {
            from,
            to,
            start,
            end,
        })
    }

    /// The moment open files are judged at: the end of the period, or `now` if earlier.
    pub fn judged_at(&self, now: i64) -> i64 {
        self.end.min(now)
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        let days = (self.end - self.start) / SECONDS_PER_DAY;
        let to = self.from.yesterday().unwrap_or(self.from);
        let from = to
            .checked_sub(jiff::Span::new().days(days - 1))
            .unwrap_or(to);
        Period {
            from,
            to,
            start: self.start - days * SECONDS_PER_DAY,
            end: self.start,
        }
    }
}

/// Unix seconds of 00:00 Asia/Ho_Chi_Minh (UTC+7 since 1975) on `date`.
fn local_midnight(date: Date) -> i64 {
    let days = (date - Date::constant(1970, 1, 1)).get_days();
    i64::from(days) * SECONDS_PER_DAY - LOCAL_OFFSET_SECONDS
}

/// The report columns of a file, as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// `counter`, `post` or `online`.
    pub channel: String,
    pub state: FileState,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub legal_due_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub apology_at: Option<i64>,
    pub supplement_count: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Received {
    pub total: i64,
    pub new_online: i64,
    /// New at the counter or by public post.
    pub new_offline: i64,
    /// The part of `new_offline` that came by public post (bưu chính công ích).
    pub new_post: i64,
    pub carried_over: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolved {
    pub total: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    /// Refusals (a part of `total`).
    pub refused: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pending {
    pub total: i64,
    pub in_time: i64,
    pub overdue: i64,
}

/// The counts of one report row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub received: Received,
    pub resolved: Resolved,
    pub pending: Pending,
    /// Withdrawn, stopped or cancelled in the period.
    pub withdrawn: i64,
    /// Apology letters issued in the period.
    pub apologies: i64,
    /// Resolved late files that carry an apology.
    pub late_with_apology: i64,
    /// Supplement requests of the files closed in the period.
    pub supplement_requests: i64,
    /// Files closed in the period with more than one supplement request.
    pub files_with_repeated_supplements: i64,
}

/// The rates the reform office watches, `None` when the base is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rates {
    /// (early + on time) / resolved.
    pub on_time_rate: Option<f64>,
    /// New online / new.
    pub online_share: Option<f64>,
    /// (New online + new by post) / new.
    pub online_or_post_share: Option<f64>,
    /// Late files with an apology / late files.
    pub late_with_apology_share: Option<f64>,
}

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Rounds a rate to 4 decimals, as reports print it.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Figures {
    /// What one file adds to a row for `period`, open files judged at `judged_at`.
    pub fn of_file(f: &FileFacts, period: &Period, judged_at: i64) -> Figures {
        let mut out = Figures::default();
        let Some(received_at) = f.received_at else {
            return out;
        };
        let close = f.finished_at.or(f.ended_at);
        if received_at >= period.end || close.is_some_and(|c| c < period.start) {
            return out;
        }
        out.received.total = 1;
        if received_at < period.start {
            out.received.carried_over = 1;
        } else if f.channel == "online" {
            out.received.new_online = 1;
        } else {
            out.received.new_offline = 1;
            out.received.new_post = i64::from(f.channel == "post");
        }
        let closed_in_period = close.is_some_and(|c| c < period.end);
        if let Some(finished) = f.finished_at.filter(|t| *t < period.end) {
            out.resolved.total = 1;
            out.resolved.refused = i64::from(f.state == FileState::Refused);
            let due = f.legal_due_at.unwrap_or(i64::MAX);
            let verdict = match (
                Timestamp::from_second(due),
                Timestamp::from_second(finished),
            ) {
                (Ok(due), Ok(finished)) => resolution(due, finished),
                _ => Resolution::Late,
            };
            match verdict {
                Resolution::Early => out.resolved.early = 1,
                Resolution::OnTime => out.resolved.on_time = 1,
                Resolution::Late => {
                    out.resolved.late = 1;
                    out.late_with_apology = i64::from(f.apology_at.is_some());
                }
            }
        } else if closed_in_period {
            out.withdrawn = 1;
        } else {
            out.pending.total = 1;
            let waiting = f.state == FileState::AwaitingSupplement;
            if !waiting && f.due_at.is_some_and(|due| judged_at > due) {
                out.pending.overdue = 1;
            } else {
                out.pending.in_time = 1;
            }
        }
        if f.apology_at
            .is_some_and(|a| a >= period.start && a < period.end)
        {
            out.apologies = 1;
        }
        if closed_in_period {
            out.supplement_requests = f.supplement_count;
            out.files_with_repeated_supplements = i64::from(f.supplement_count > 1);
        }
        out
    }

    /// Adds another row's counts (the totals row is the sum of the rows).
    pub fn add(&mut self, o: &Figures) {
        let (r, s, p) = (&mut self.received, &mut self.resolved, &mut self.pending);
        r.total += o.received.total;
        r.new_online += o.received.new_online;
        r.new_offline += o.received.new_offline;
        r.new_post += o.received.new_post;
        r.carried_over += o.received.carried_over;
        s.total += o.resolved.total;
        s.early += o.resolved.early;
        s.on_time += o.resolved.on_time;
        s.late += o.resolved.late;
        s.refused += o.resolved.refused;
        p.total += o.pending.total;
        p.in_time += o.pending.in_time;
        p.overdue += o.pending.overdue;
        self.withdrawn += o.withdrawn;
        self.apologies += o.apologies;
        self.late_with_apology += o.late_with_apology;
        self.supplement_requests += o.supplement_requests;
        self.files_with_repeated_supplements += o.files_with_repeated_supplements;
    }

    /// `self − o`, column by column (an adjustment: figures now minus figures locked).
    pub fn minus(&self, o: &Figures) -> Figures {
        let mut neg = Figures::default();
        let (r, s, p) = (&mut neg.received, &mut neg.resolved, &mut neg.pending);
        r.total = -o.received.total;
        r.new_online = -o.received.new_online;
        r.new_offline = -o.received.new_offline;
        r.new_post = -o.received.new_post;
        r.carried_over = -o.received.carried_over;
        s.total = -o.resolved.total;
        s.early = -o.resolved.early;
        s.on_time = -o.resolved.on_time;
        s.late = -o.resolved.late;
        s.refused = -o.resolved.refused;
        p.total = -o.pending.total;
        p.in_time = -o.pending.in_time;
        p.overdue = -o.pending.overdue;
        neg.withdrawn = -o.withdrawn;
        neg.apologies = -o.apologies;
        neg.late_with_apology = -o.late_with_apology;
        neg.supplement_requests = -o.supplement_requests;
        neg.files_with_repeated_supplements = -o.files_with_repeated_supplements;
        let mut out = *self;
        out.add(&neg);
        out
    }

    pub fn new_total(&self) -> i64 {
        self.received.new_online + self.received.new_offline
    }

    pub fn rates(&self) -> Rates {
        let new = self.new_total();
        Rates {
            on_time_rate: ratio(
                self.resolved.early + self.resolved.on_time,
                self.resolved.total,
            ),
            online_share: ratio(self.received.new_online, new),
            online_or_post_share: ratio(self.received.new_online + self.received.new_post, new),
            late_with_apology_share: ratio(self.late_with_apology, self.resolved.late),
        }
    }

    /// The invariants every row satisfies; returns the first broken one.
    pub fn check(&self) -> Result<(), &'static str> {
        let (r, s, p) = (&self.received, &self.resolved, &self.pending);
        if r.total != r.carried_over + r.new_online + r.new_offline {
            return Err("received = carried over + new");
        }
        if r.total != s.total + p.total + self.withdrawn {
            return Err("received = resolved + pending + withdrawn");
        }
        if s.total != s.early + s.on_time + s.late {
            return Err("resolved = early + on time + late");
        }
        if p.total != p.in_time + p.overdue {
            return Err("pending = in time + overdue");
        }
        if s.refused > s.total || r.new_post > r.new_offline {
            return Err("a part exceeds its whole");
        }
        if self.late_with_apology > s.late {
            return Err("late with apology ≤ late");
        }
        if self.files_with_repeated_supplements > s.total + self.withdrawn {
            return Err("repeated supplements ≤ closed files");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(s: &str) -> i64 {
        format!("{s}+07:00")
            .parse::<Timestamp>()
            .unwrap()
            .as_second()
    }

    fn file(received: &str, state: FileState) -> FileFacts {
        FileFacts {
            channel: "counter".into(),
            state,
            received_at: Some(at(received)),
            due_at: Some(at("2021-03-10T17:00")),
            legal_due_at: Some(at("2021-03-10T17:00")),
            finished_at: None,
            ended_at: None,
            apology_at: None,
            supplement_count: 0,
        }
    }

    #[test]
    fn a_period_is_local_dates_inclusive() {
        let p = Period::new(date(2021, 3, 1), date(2021, 3, 31)).unwrap();
        assert_eq!(p.start, at("2021-03-01T00:00"));
        assert_eq!(p.end, at("2021-04-01T00:00"));
        let prev = p.previous();
        assert_eq!(prev.end, p.start);
        assert_eq!((prev.from, prev.to), (date(2021, 1, 29), date(2021, 2, 28)));
        assert_eq!(
            Period::new(date(2021, 3, 2), date(2021, 3, 1)),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::new(date(1969, 3, 2), date(2021, 3, 1)),
            Err(PeriodError::OutOfRange)
        );
    }

    #[test]
    fn each_file_lands_in_exactly_the_columns_its_rule_says() {
        let p = Period::new(date(2021, 3, 1), date(2021, 3, 31)).unwrap();
        let judged = p.end;
        // Received 31 March 23:59:59 local: new in March, pending, overdue at the end.
        let late_night = file("2021-03-31T23:59:59", FileState::Received);
        let f = Figures::of_file(&late_night, &p, judged);
        assert_eq!((f.received.total, f.received.new_offline), (1, 1));
        assert_eq!((f.pending.total, f.pending.overdue), (1, 1));
        // Received 1 April 00:00: not in March.
        let april = file("2021-04-01T00:00", FileState::Received);
        assert_eq!(Figures::of_file(&april, &p, judged), Figures::default());
        // Finished on the deadline's day before the due moment: on time; a day before: early.
        let mut on_time = file("2021-02-20T09:00", FileState::HandedOver);
        on_time.finished_at = Some(at("2021-03-10T16:00"));
        on_time.ended_at = Some(at("2021-04-02T08:00"));
        let f = Figures::of_file(&on_time, &p, judged);
        assert_eq!(
            (
                f.received.carried_over,
                f.resolved.on_time,
                f.supplement_requests
            ),
            (1, 1, 0)
        );
        let mut early = on_time.clone();
        early.finished_at = Some(at("2021-03-09T16:00"));
        assert_eq!(Figures::of_file(&early, &p, judged).resolved.early, 1);
        // A late refusal with an apology and two supplement requests.
        let mut refused = file("2021-03-02T09:00", FileState::Refused);
        refused.finished_at = Some(at("2021-03-11T08:00"));
        refused.ended_at = refused.finished_at;
        refused.apology_at = Some(at("2021-03-08T08:00"));
        refused.due_at = Some(at("2021-03-15T17:00"));
        refused.supplement_count = 2;
        let f = Figures::of_file(&refused, &p, judged);
        assert_eq!(
            (
                f.resolved.late,
                f.resolved.refused,
                f.late_with_apology,
                f.apologies
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            (f.supplement_requests, f.files_with_repeated_supplements),
            (2, 1)
        );
        // Withdrawn in March; never received; closed before March.
        let mut withdrawn = file("2021-02-25T09:00", FileState::Withdrawn);
        withdrawn.ended_at = Some(at("2021-03-03T09:00"));
        assert_eq!(Figures::of_file(&withdrawn, &p, judged).withdrawn, 1);
        let mut submitted = file("2021-03-02T09:00", FileState::Submitted);
        submitted.received_at = None;
        assert_eq!(Figures::of_file(&submitted, &p, judged), Figures::default());
        let mut old = on_time.clone();
        old.finished_at = Some(at("2021-02-26T09:00"));
        assert_eq!(Figures::of_file(&old, &p, judged), Figures::default());
        // Waiting for the applicant past the old due moment: in time, the clock is stopped.
        let waiting = file("2021-03-02T09:00", FileState::AwaitingSupplement);
        assert_eq!(Figures::of_file(&waiting, &p, judged).pending.in_time, 1);

        let mut total = Figures::default();
        for f in [
            &late_night,
            &april,
            &on_time,
            &refused,
            &withdrawn,
            &waiting,
        ] {
            let one = Figures::of_file(f, &p, judged);
            assert_eq!(one.check(), Ok(()));
            total.add(&one);
        }
        assert_eq!(total.check(), Ok(()));
        assert_eq!(total.received.total, 5);
        let rates = total.rates();
        assert_eq!(rates.on_time_rate, Some(0.5));
        assert_eq!(rates.late_with_apology_share, Some(1.0));
        assert_eq!(Figures::default().rates().on_time_rate, None);
        assert_eq!(round4(11_808.0 / 12_018.0), 0.9825);
    }
}
