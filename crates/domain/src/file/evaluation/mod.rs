//! Evaluation of a finished file on the nine indicators of Circular 01/2018
//! (art. 13–14), each worth 2, 1 or 0 points. The indicators are versioned
//! data (`tt01_2018.json`): which are computed from the file's own record,
//! which the applicant answers, and which are scored per unit. The system
//! never lets an answer override what it measured itself.
//!
//! Not confirmed against the official text (see the data's comment): the
//! levels of indicators 4–9 and who answers them; the set's start date.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::record::FileRecord;
use crate::calendar::timeliness::{Resolution, resolution};

/// Measures the system computes from a file record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemMeasure {
    /// Processing finished vs the legal deadline (early 2, on time 1, late 0).
    TotalTime,
    /// Each inter-agency leg vs its own share; the worst counts. A file with
    /// no legs was processed by one agency, whose time is the total.
    AgencyTimes,
    /// Contacts needed to complete the file: returns for completion before
    /// receipt plus supplement requests (0 → 2, 1 → 1, more → 0).
    CompletionContacts,
}

/// Who provides an indicator's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorSource {
    System(SystemMeasure),
    /// The applicant's answer on the rating form.
    Applicant,
    /// Scored per unit (publicity, feedback handling, online service), given
    /// to each of the unit's files.
    Unit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub points: u8,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub number: u8,
    pub name: String,
    pub source: IndicatorSource,
    /// False where the levels' wording was not checked against the legal text.
    pub wording_confirmed: bool,
    pub levels: Vec<Level>,
}

impl Indicator {
    pub fn max_points(&self) -> u8 {
        self.levels.iter().map(|l| l.points).max().unwrap_or(0)
    }
}

/// A versioned set of indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorSet {
    pub id: String,
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub indicators: Vec<Indicator>,
}

#[derive(Deserialize)]
struct SetsFile {
    indicator_sets: Vec<IndicatorSet>,
}

const SETS_JSON: &str = include_str!("tt01_2018.json");

impl IndicatorSet {
    /// The shipped sets, oldest first.
    pub fn builtin() -> &'static [IndicatorSet] {
        static SETS: OnceLock<Vec<IndicatorSet>> = OnceLock::new();
        SETS.get_or_init(|| {
            serde_json::from_str::<SetsFile>(SETS_JSON)
                .map(|f| f.indicator_sets)
                .unwrap_or_default()
        })
    }

    /// The shipped set in force on `date` (a file is evaluated with the set
    /// in force at its receipt).
    pub fn in_force_at(date: Date) -> Option<&'static IndicatorSet> {
        Self::builtin()
            .iter()
            .rev()
            .find(|s| date >= s.valid_from && s.valid_to.is_none_or(|to| date <= to))
    }

    pub fn max_points(&self) -> u32 {
        self.indicators
            .iter()
            .map(|i| u32::from(i.max_points()))
            .sum()
    }
}

/// Why a file could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error("processing of the file has not finished with a result or a refusal")]
    FileNotFinished,
    #[error("no indicator number {0} in this set")]
    UnknownIndicator(u8),
    #[error("indicator {0} is computed by the system, not answered")]
    AnswerForSystemIndicator(u8),
    #[error("{points} is not a level of indicator {number}")]
    InvalidPoints { number: u8, points: u8 },
}

impl EvaluationError {
    pub fn code(&self) -> &'static str {
        match self {
            EvaluationError::FileNotFinished => "evaluation.file_not_finished",
            EvaluationError::UnknownIndicator(_) => "evaluation.unknown_indicator",
            EvaluationError::AnswerForSystemIndicator(_) => {
                "evaluation.answer_for_system_indicator"
            }
            EvaluationError::InvalidPoints { .. } => "evaluation.invalid_points",
        }
    }
}

/// One indicator's result; `points` is `None` when nobody answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub number: u8,
    pub source: IndicatorSource,
    pub points: Option<u8>,
    pub max: u8,
}

/// A file's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub set_id: String,
    pub scores: Vec<IndicatorScore>,
    /// Sum of the points given.
    pub total: u32,
    /// Sum of the maxima of the indicators that have points.
    pub scored_max: u32,
    /// Sum of all maxima (18 for Circular 01/2018).
    pub max: u32,
}

/// What the system knows about how a finished file went: the inputs of the
/// system indicators and of the rates the reform office watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub against_legal_deadline: Resolution,
    pub against_appointment: Resolution,
    /// Worst inter-agency leg (returned legs only), if any.
    pub worst_leg: Option<Resolution>,
    pub completion_contacts: u32,
    /// More than one supplement request: Decision 766 counts the file as late.
    pub repeated_supplement: bool,
    pub apology_issued: bool,
    pub waiting_working_seconds: i64,
}

/// The facts of a file whose processing finished (result or refusal).
pub fn file_facts(record: &FileRecord) -> Option<FileFacts> {
    let deadline = record.deadline.as_ref()?;
    let worst_leg = record
        .legs
        .iter()
        .filter(|l| !l.abandoned)
        .filter_map(|l| Some(resolution(l.due, l.returned_at?)))
        .max_by_key(|r| rank(*r));
    let supplements = u32::try_from(record.supplement_requests.len()).unwrap_or(u32::MAX);
    Some(FileFacts {
        against_legal_deadline: record.resolution()?,
        against_appointment: record.resolution_against_appointment()?,
        worst_leg,
        completion_contacts: record.completion_returns.saturating_add(supplements),
        repeated_supplement: supplements > 1,
        apology_issued: record.apology.is_some(),
        waiting_working_seconds: deadline.waiting_working_seconds,
    })
}

/// 0 for the best outcome, 2 for the worst.
fn rank(r: Resolution) -> u8 {
    match r {
        Resolution::Early => 0,
        Resolution::OnTime => 1,
        Resolution::Late => 2,
    }
}

fn points_of(r: Resolution) -> u8 {
    2 - rank(r)
}

fn measure(m: SystemMeasure, facts: &FileFacts) -> u8 {
    match m {
        SystemMeasure::TotalTime => points_of(facts.against_legal_deadline),
        SystemMeasure::AgencyTimes => {
            points_of(facts.worst_leg.unwrap_or(facts.against_legal_deadline))
        }
        SystemMeasure::CompletionContacts => match facts.completion_contacts {
            0 => 2,
            1 => 1,
            _ => 0,
        },
    }
}

/// Scores a finished file: system indicators from its record, the others
/// from `answers` (indicator number → points, applicant or unit).
pub fn evaluate(
    set: &IndicatorSet,
    record: &FileRecord,
    answers: &BTreeMap<u8, u8>,
) -> Result<Evaluation, EvaluationError> {
    let facts = file_facts(record).ok_or(EvaluationError::FileNotFinished)?;
    for (&number, &points) in answers {
        let ind = set
            .indicators
            .iter()
            .find(|i| i.number == number)
            .ok_or(EvaluationError::UnknownIndicator(number))?;
        if matches!(ind.source, IndicatorSource::System(_)) {
            return Err(EvaluationError::AnswerForSystemIndicator(number));
        }
        if !ind.levels.iter().any(|l| l.points == points) {
            return Err(EvaluationError::InvalidPoints { number, points });
        }
    }
    let scores: Vec<IndicatorScore> = set
        .indicators
        .iter()
        .map(|ind| IndicatorScore {
            number: ind.number,
            source: ind.source,
            points: match ind.source {
                IndicatorSource::System(m) => Some(measure(m, &facts)),
                _ => answers.get(&ind.number).copied(),
            },
            max: ind.max_points(),
        })
        .collect();
    let total = scores.iter().filter_map(|s| s.points).map(u32::from).sum();
    let scored_max = scores
        .iter()
        .filter(|s| s.points.is_some())
        .map(|s| u32::from(s.max))
        .sum();
    Ok(Evaluation {
        set_id: set.id.clone(),
        scores,
        total,
        scored_max,
        max: set.max_points(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn shipped_set_has_nine_indicators_worth_eighteen_points() {
        serde_json::from_str::<SetsFile>(SETS_JSON).unwrap();
        let set = IndicatorSet::in_force_at(date(2024, 5, 1)).unwrap();
        assert_eq!(set.indicators.len(), 9);
        assert_eq!(set.max_points(), 18);
        for (i, ind) in set.indicators.iter().enumerate() {
            assert_eq!(usize::from(ind.number), i + 1);
            let mut pts: Vec<u8> = ind.levels.iter().map(|l| l.points).collect();
            pts.sort_unstable();
            assert_eq!(pts, [0, 1, 2], "indicator {}", ind.number);
        }
        let system = set
            .indicators
            .iter()
            .filter(|i| matches!(i.source, IndicatorSource::System(_)))
            .count();
        assert_eq!(system, 3);
        assert!(IndicatorSet::in_force_at(date(2018, 12, 1)).is_none());
    }
}
