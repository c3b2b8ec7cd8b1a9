//! The service-quality index (Decision 766/QĐ-TTg, 2022): five groups of sub-indicators, each
//! scored from a ratio the system computes from its own records (the same figures as the
//! handling report). The definitions are versioned data (`data/service_index_766.json`); they
//! have NOT been checked against the official text, and say so (`verified: false`).
//!
//! An indicator scores `max_points × min(1, value / full_at)`, in hundredths of a point, so a
//! group is exactly the sum of its indicators and the index exactly the sum of its groups.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The figure an indicator is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceIndexMeasure))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Resolved late files carrying an apology letter / resolved late files.
    LateWithApology,
    /// Feedback answers published within their step deadline / answers published.
    FeedbackPublishedOnTime,
    /// (Early + on time) / resolved.
    OnTime,
    /// Pending files in time / pending files at the end of the period.
    PendingInTime,
    /// Closed files with at most one supplement request / closed files.
    SingleSupplement,
    /// Procedures of the catalogue offered fully online / procedures.
    ProceduresFullyOnline,
    /// New files submitted online / new files.
    OnlineShare,
    /// Procedures accepting online payment / procedures.
    ProceduresOnlinePayment,
    /// Feedback steps finished within their deadline / steps finished.
    FeedbackOnTime,
    /// Points given by applicants' evaluations / the most they could give.
    EvaluationScore,
    /// Resolved files not late / resolved files.
    ResolvedNotLate,
    /// New files with a digitised document attached / new files.
    DigitisedFiles,
    /// Resolved files with an electronic result attached / resolved files.
    ElectronicResults,
    /// The system holds no data for it.
    NotMeasured,
}

/// What to do with an indicator whose base is zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IfNoBase {
    /// Full marks: nothing could go wrong (no late file needed an apology).
    Full,
    /// Not scored and left out of the points available.
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    pub code: String,
    pub name: String,
    pub measure: Measure,
    pub max_points: f64,
    /// The value at and above which the indicator gets full marks.
    pub full_at: f64,
    pub if_no_base: IfNoBase,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDef {
    pub code: String,
    pub name: String,
    pub max_points: f64,
    pub indicators: Vec<IndicatorDef>,
}

/// One version of the index definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDefinition {
    pub id: String,
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// Whether the definitions were checked against the official text.
    pub verified: bool,
    pub groups: Vec<GroupDef>,
}

#[derive(Deserialize)]
struct DefinitionsFile {
    versions: Vec<IndexDefinition>,
}

const DEFINITIONS_JSON: &str = include_str!("../data/service_index_766.json");

/// Why a definition is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("group {0}: its indicators' points do not add up to the group's maximum")]
    GroupSum(String),
    #[error("indicator {0}: points and full_at must be positive")]
    BadIndicator(String),
    #[error("the groups' points do not add up to 100")]
    TotalNot100,
}

impl IndexDefinition {
    /// The shipped versions, oldest first.
    pub fn builtin() -> &'static [IndexDefinition] {
        static VERSIONS: OnceLock<Vec<IndexDefinition>> = OnceLock::new();
        VERSIONS.get_or_init(|| {
            serde_json::from_str::<DefinitionsFile>(DEFINITIONS_JSON)
                .map(|f| f.versions)
                .unwrap_or_default()
        })
    }

    /// The version in force on `date`.
    pub fn in_force_at(date: Date) -> Option<&'static IndexDefinition> {
        Self::builtin()
            .iter()
            .rev()
            .find(|v| date >= v.valid_from && v.valid_to.is_none_or(|to| date <= to))
    }

    pub fn validate(&self) -> Result<(), DefinitionError> {
        let mut total = 0.0;
        for g in &self.groups {
            let mut sum = 0.0;
            for i in &g.indicators {
                if i.max_points <= 0.0 || i.full_at <= 0.0 || i.full_at > 1.0 {
                    return Err(DefinitionError::BadIndicator(i.code.clone()));
                }
                sum += i.max_points;
            }
            if (sum - g.max_points).abs() > 1e-9 {
                return Err(DefinitionError::GroupSum(g.code.clone()));
            }
            total += g.max_points;
        }
        if (total - 100.0).abs() > 1e-9 {
            return Err(DefinitionError::TotalNot100);
        }
        Ok(())
    }

    /// Scores one unit's observations.
    pub fn score(&self, observed: &Observations) -> IndexScore {
        let mut groups = Vec::with_capacity(self.groups.len());
        let (mut total, mut available, mut max) = (0i64, 0i64, 0i64);
        for g in &self.groups {
            let mut indicators = Vec::with_capacity(g.indicators.len());
            let mut group_points = 0i64;
            for i in &g.indicators {
                let max_c = hundredths(i.max_points);
                let ratio = observed.0.get(&i.measure).copied();
                let (status, value, points) = match (i.measure, ratio) {
                    (Measure::NotMeasured, _) | (_, None) => {
                        (IndicatorStatus::NotMeasured, None, 0)
                    }
                    (_, Some(r)) if r.denominator <= 0 => match i.if_no_base {
                        IfNoBase::Full => (IndicatorStatus::NoBaseFull, None, max_c),
                        IfNoBase::Skip => (IndicatorStatus::NoBase, None, 0),
                    },
                    (_, Some(r)) => {
                        let value = r.numerator as f64 / r.denominator as f64;
                        let share = (value / i.full_at).clamp(0.0, 1.0);
                        let points = ((max_c as f64) * share).round() as i64;
                        (IndicatorStatus::Scored, Some(value), points.clamp(0, max_c))
                    }
                };
                if matches!(
                    status,
                    IndicatorStatus::Scored | IndicatorStatus::NoBaseFull
                ) {
                    available += max_c;
                }
                group_points += points;
                indicators.push(IndicatorScore {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    measure: i.measure,
                    max_points: i.max_points,
                    full_at: i.full_at,
                    numerator: ratio.map(|r| r.numerator),
                    denominator: ratio.map(|r| r.denominator),
                    value,
                    points: points as f64 / 100.0,
                    status,
                });
            }
            total += group_points;
            max += hundredths(g.max_points);
            groups.push(GroupScore {
                code: g.code.clone(),
                name: g.name.clone(),
                max_points: g.max_points,
                points: group_points as f64 / 100.0,
                indicators,
            });
        }
        IndexScore {
            definition_id: self.id.clone(),
            definition_name: self.name.clone(),
            verified: self.verified,
            score: total as f64 / 100.0,
            max_points: max as f64 / 100.0,
            max_available: available as f64 / 100.0,
            groups,
        }
    }
}

fn hundredths(points: f64) -> i64 {
    (points * 100.0).round() as i64
}

/// A numerator over a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
}

impl Ratio {
    pub fn new(numerator: i64, denominator: i64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }
}

/// The ratios observed for a unit; a measure missing here is not measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observations(pub BTreeMap<Measure, Ratio>);

impl Observations {
    pub fn set(&mut self, m: Measure, numerator: i64, denominator: i64) {
        self.0.insert(m, Ratio::new(numerator, denominator));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceIndexIndicatorStatus))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// Computed from the ratio.
    Scored,
    /// The base was zero and nothing could go wrong: full marks.
    NoBaseFull,
    /// The base was zero: not scored, left out of the points available.
    NoBase,
    /// The system holds no data for it: 0 points, left out of the points available.
    NotMeasured,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceIndexIndicator))]
pub struct IndicatorScore {
    pub code: String,
    pub name: String,
    pub measure: Measure,
    pub max_points: f64,
    pub full_at: f64,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// numerator / denominator.
    pub value: Option<f64>,
    pub points: f64,
    pub status: IndicatorStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceIndexGroup))]
pub struct GroupScore {
    pub code: String,
    pub name: String,
    pub max_points: f64,
    /// The sum of the indicators' points.
    pub points: f64,
    pub indicators: Vec<IndicatorScore>,
}

/// A unit's index with its breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceIndexScore))]
pub struct IndexScore {
    pub definition_id: String,
    pub definition_name: String,
    /// False: the definitions were not checked against the official text.
    pub verified: bool,
    /// The sum of the groups' points.
    pub score: f64,
    pub max_points: f64,
    /// The points of the indicators the system could score.
    pub max_available: f64,
    pub groups: Vec<GroupScore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> &'static IndexDefinition {
        IndexDefinition::in_force_at(Date::constant(2025, 1, 1)).expect("a version in force")
    }

    #[test]
    fn shipped_definitions_are_valid_and_marked_unverified() {
        assert!(!IndexDefinition::builtin().is_empty());
        for d in IndexDefinition::builtin() {
            d.validate().expect("valid");
            assert!(!d.verified, "nobody checked the official text yet");
            assert_eq!(d.groups.len(), 5);
        }
        assert!(IndexDefinition::in_force_at(Date::constant(2021, 1, 1)).is_none());
    }

    #[test]
    fn breakdown_adds_up_and_stays_within_maxima() {
        let mut o = Observations::default();
        o.set(Measure::OnTime, 98, 100);
        o.set(Measure::OnlineShare, 1, 3);
        o.set(Measure::LateWithApology, 0, 0);
        o.set(Measure::PendingInTime, 7, 9);
        o.set(Measure::SingleSupplement, 0, 0);
        o.set(Measure::ProceduresFullyOnline, 9, 10);
        o.set(Measure::EvaluationScore, 17, 18);
        let s = def().score(&o);
        let sum: f64 = s.groups.iter().map(|g| g.points).sum();
        assert!((sum - s.score).abs() < 1e-6);
        for g in &s.groups {
            let gsum: f64 = g.indicators.iter().map(|i| i.points).sum();
            assert!((gsum - g.points).abs() < 1e-6);
            assert!(g.points <= g.max_points);
            for i in &g.indicators {
                assert!(i.points >= 0.0 && i.points <= i.max_points);
            }
        }
        let on_time = &s.groups[1].indicators[0];
        assert_eq!(on_time.points, 9.8);
        // 1/3 online against a 50 % target: 8 × 2/3.
        assert_eq!(s.groups[2].indicators[1].points, 5.33);
        // 90 % of procedures fully online is above the 80 % target: full marks.
        assert_eq!(s.groups[2].indicators[0].points, 8.0);
        // No late file: the apology indicator gets full marks; no closed file: skipped.
        assert_eq!(
            s.groups[0].indicators[0].status,
            IndicatorStatus::NoBaseFull
        );
        assert_eq!(s.groups[1].indicators[2].status, IndicatorStatus::NoBase);
        assert!(s.max_available < s.max_points);
        assert_eq!(s.max_points, 100.0);
    }

    #[test]
    fn nothing_observed_scores_nothing() {
        let s = def().score(&Observations::default());
        assert_eq!(s.score, 0.0);
        assert_eq!(s.max_available, 0.0);
    }
}
