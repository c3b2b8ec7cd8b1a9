//! One unit's assessment against a set: the unit's own scores with explanations, the system's
//! rates, the council's adjustments and comments, the unit's one explanation, the final score.

use super::{CriteriaSet, Method, band_points, round2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Where an assessment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The unit is scoring itself.
    Draft,
    /// Sent to the council; the council reviews and adjusts.
    Submitted,
    /// The council sent its adjustments back; the unit may explain once.
    Appraised,
    /// The unit explained; the council decides.
    Explained,
    /// The council's scores are final.
    Finalised,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Appraised => "appraised",
            Stage::Explained => "explained",
            Stage::Finalised => "finalised",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        [
            Stage::Draft,
            Stage::Submitted,
            Stage::Appraised,
            Stage::Explained,
            Stage::Finalised,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Stage::Draft => "Đang tự chấm",
            Stage::Submitted => "Đã nộp, chờ thẩm định",
            Stage::Appraised => "Đã thẩm định, chờ đơn vị giải trình",
            Stage::Explained => "Đơn vị đã giải trình",
            Stage::Finalised => "Đã chốt kết quả",
        }
    }
}

/// Why a change to an assessment is refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StageError {
    #[error("the self-assessment deadline {deadline} has passed")]
    PastDeadline { deadline: String },
    #[error("the assessment is {0:?}: this change is not possible now")]
    WrongStage(Stage),
    #[error("the results are final")]
    Finalised,
    #[error("no criterion `{0}` in the set")]
    UnknownCriterion(String),
    #[error("criterion `{code}`: {message}")]
    BadScore { code: String, message: String },
}

impl StageError {
    pub fn code(&self) -> &'static str {
        match self {
            StageError::PastDeadline { .. } => "assessment_past_deadline",
            StageError::WrongStage(_) => "assessment_wrong_stage",
            StageError::Finalised => "assessment_finalised",
            StageError::UnknownCriterion(_) => "unknown_criterion",
            StageError::BadScore { .. } => "bad_score",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            StageError::PastDeadline { deadline } => {
                format!("Đã hết hạn tự chấm điểm (hạn chót {deadline}); không thể sửa hoặc nộp.")
            }
            StageError::WrongStage(stage) => format!(
                "Bản chấm điểm đang ở bước «{}»; không thực hiện được thao tác này.",
                stage.label_vi()
            ),
            StageError::Finalised => "Kết quả đã được chốt; không thể sửa.".into(),
            StageError::UnknownCriterion(code) => {
                format!("Không có tiêu chí «{code}» trong bộ tiêu chí.")
            }
            StageError::BadScore { code, message } => {
                format!("Điểm của tiêu chí {code} không hợp lệ: {message}.")
            }
        }
    }

    /// Whether it is a conflict with the current state (409) rather than bad input (422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            StageError::PastDeadline { .. } | StageError::WrongStage(_) | StageError::Finalised
        )
    }
}

/// What is known about one scored criterion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// The unit's own points (manual criteria).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_points: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub self_note: String,
    /// The rate (percent) from the system or the survey; `None`: no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// The council's points, when it changed the unit's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council_points: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub council_note: String,
    /// The unit's explanation after the appraisal.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

/// The scores of one unit for one set, keyed by criterion code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub stage: Stage,
    pub entries: BTreeMap<String, Entry>,
}

/// A score as it must be: from 0 to the maximum, at most two decimals.
fn check_points(set: &CriteriaSet, code: &str, points: f64) -> Result<(), StageError> {
    let c = set
        .find(code)
        .ok_or_else(|| StageError::UnknownCriterion(code.chars().take(20).collect()))?;
    let bad = |message: String| StageError::BadScore {
        code: code.to_owned(),
        message,
    };
    if !c.is_leaf() {
        return Err(bad("chỉ chấm ở tiêu chí thành phần".into()));
    }
    if !points.is_finite() || points < 0.0 {
        return Err(bad("điểm không được âm".into()));
    }
    if points > c.max_points + 1e-9 {
        return Err(bad(format!(
            "vượt điểm tối đa {}",
            super::fmt_num(c.max_points)
        )));
    }
    if ((points * 100.0) - (points * 100.0).round()).abs() > 1e-6 {
        return Err(bad("tối đa hai chữ số thập phân".into()));
    }
    Ok(())
}

impl Default for Assessment {
    fn default() -> Self {
        Assessment::new()
    }
}

impl Assessment {
    pub fn new() -> Assessment {
        Assessment {
            stage: Stage::Draft,
            entries: BTreeMap::new(),
        }
    }

    /// The unit enters its own points and notes (draft only, by the deadline). Computed and
    /// survey criteria take no points from the unit, only a note.
    pub fn self_score(
        &mut self,
        set: &CriteriaSet,
        scores: &[(String, Option<f64>, String)],
        past_deadline: Option<String>,
    ) -> Result<(), StageError> {
        self.editable_by_unit(past_deadline)?;
        for (code, points, note) in scores {
            let c = set
                .find(code)
                .ok_or_else(|| StageError::UnknownCriterion(code.chars().take(20).collect()))?;
            if let Some(p) = points {
                if c.method != Method::Manual {
                    return Err(StageError::BadScore {
                        code: code.clone(),
                        message: "điểm được tính tự động, đơn vị không tự nhập".into(),
                    });
                }
                check_points(set, code, *p)?;
            } else if !c.is_leaf() {
                continue;
            }
            let e = self.entries.entry(code.clone()).or_default();
            e.self_points = points.map(round2);
            e.self_note = note.trim().chars().take(2000).collect();
        }
        Ok(())
    }

    fn editable_by_unit(&self, past_deadline: Option<String>) -> Result<(), StageError> {
        match self.stage {
            Stage::Finalised => Err(StageError::Finalised),
            Stage::Draft => match past_deadline {
                Some(deadline) => Err(StageError::PastDeadline { deadline }),
                None => Ok(()),
            },
            s => Err(StageError::WrongStage(s)),
        }
    }

    /// Fills the system's rates in (percent per computed criterion; `None` where no data).
    pub fn fill_computed(
        &mut self,
        set: &CriteriaSet,
        rate: impl Fn(super::Source) -> Option<f64>,
    ) {
        for c in set.leaves() {
            if let Method::Computed { source, .. } = &c.method {
                self.entries.entry(c.code.clone()).or_default().percent = rate(*source).map(round2);
            }
        }
    }

    /// The unit sends its scores to the council.
    pub fn submit(&mut self, past_deadline: Option<String>) -> Result<(), StageError> {
        self.editable_by_unit(past_deadline)?;
        self.stage = Stage::Submitted;
        Ok(())
    }

    /// The council adjusts points (`None` keeps the unit's) with comments, or enters a survey
    /// result in percent for survey criteria. Allowed until final.
    pub fn appraise(
        &mut self,
        set: &CriteriaSet,
        scores: &[(String, Option<f64>, String)],
    ) -> Result<(), StageError> {
        match self.stage {
            Stage::Finalised => return Err(StageError::Finalised),
            Stage::Draft => return Err(StageError::WrongStage(Stage::Draft)),
            _ => {}
        }
        for (code, points, note) in scores {
            let c = set
                .find(code)
                .ok_or_else(|| StageError::UnknownCriterion(code.chars().take(20).collect()))?;
            if !c.is_leaf() {
                continue;
            }
            let e = self.entries.entry(code.clone()).or_default();
            match (&c.method, points) {
                (Method::Survey { .. }, Some(p)) => {
                    if !(0.0..=100.0).contains(p) {
                        return Err(StageError::BadScore {
                            code: code.clone(),
                            message: "tỷ lệ hài lòng phải từ 0 đến 100%".into(),
                        });
                    }
                    e.percent = Some(round2(*p));
                }
                (_, Some(p)) => {
                    check_points(set, code, *p)?;
                    e.council_points = Some(round2(*p));
                }
                (_, None) => e.council_points = None,
            }
            e.council_note = note.trim().chars().take(2000).collect();
        }
        Ok(())
    }

    /// The council sends its appraisal to the unit for an explanation.
    pub fn send_for_explanation(&mut self) -> Result<(), StageError> {
        match self.stage {
            Stage::Submitted => {
                self.stage = Stage::Appraised;
                Ok(())
            }
            Stage::Finalised => Err(StageError::Finalised),
            s => Err(StageError::WrongStage(s)),
        }
    }

    /// The unit explains, once.
    pub fn explain(
        &mut self,
        set: &CriteriaSet,
        notes: &[(String, String)],
    ) -> Result<(), StageError> {
        match self.stage {
            Stage::Appraised => {}
            Stage::Finalised => return Err(StageError::Finalised),
            s => return Err(StageError::WrongStage(s)),
        }
        for (code, text) in notes {
            if set.find(code).is_none() {
                return Err(StageError::UnknownCriterion(
                    code.chars().take(20).collect(),
                ));
            }
            let text: String = text.trim().chars().take(2000).collect();
            if !text.is_empty() {
                self.entries.entry(code.clone()).or_default().explanation = text;
            }
        }
        self.stage = Stage::Explained;
        Ok(())
    }

    /// The council makes the scores final.
    pub fn finalise(&mut self) -> Result<(), StageError> {
        match self.stage {
            Stage::Submitted | Stage::Appraised | Stage::Explained => {
                self.stage = Stage::Finalised;
                Ok(())
            }
            Stage::Finalised => Err(StageError::Finalised),
            s => Err(StageError::WrongStage(s)),
        }
    }

    /// Points of one scored criterion as they stand: the council's, else the unit's for
    /// manual criteria; the bands applied to the rate for computed and survey criteria
    /// (`None` when there is nothing to score yet).
    pub fn points(&self, set: &CriteriaSet, code: &str) -> Option<f64> {
        let c = set.find(code)?;
        let e = self.entries.get(code);
        if let Some(p) = e.and_then(|e| e.council_points) {
            return Some(p);
        }
        match &c.method {
            Method::Manual => e.and_then(|e| e.self_points),
            Method::Computed { bands, .. } | Method::Survey { bands } => {
                e.and_then(|e| e.percent).map(|p| band_points(bands, p))
            }
        }
    }

    /// The unit's own total (manual self points + computed), for comparison with the final.
    pub fn self_total(&self, set: &CriteriaSet) -> f64 {
        round2(
            set.leaves()
                .iter()
                .map(|c| match &c.method {
                    Method::Manual => self
                        .entries
                        .get(&c.code)
                        .and_then(|e| e.self_points)
                        .unwrap_or(0.0),
                    _ => {
                        let mut without = self.clone();
                        if let Some(e) = without.entries.get_mut(&c.code) {
                            e.council_points = None;
                        }
                        without.points(set, &c.code).unwrap_or(0.0)
                    }
                })
                .sum(),
        )
    }

    /// Points per field (in the set's order) and the total.
    pub fn totals(&self, set: &CriteriaSet) -> (Vec<f64>, f64) {
        let per_field: Vec<f64> = set
            .fields
            .iter()
            .map(|f| {
                let mut sum = 0.0;
                let mut stack = vec![f];
                while let Some(c) = stack.pop() {
                    if c.is_leaf() {
                        sum += self.points(set, &c.code).unwrap_or(0.0);
                    } else {
                        stack.extend(c.children.iter());
                    }
                }
                round2(sum)
            })
            .collect();
        let total = round2(per_field.iter().sum());
        (per_field, total)
    }
}

/// One unit's line in the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitResult {
    pub unit_code: String,
    pub unit_name: String,
    pub per_field: Vec<f64>,
    pub total: f64,
    /// 1 = best; equal totals share a rank.
    pub rank: u32,
    pub grade: String,
    /// The total of the previous year's set of the same kind, if the unit had one.
    pub previous_total: Option<f64>,
}

/// Orders results by total (best first), then code; equal totals share a rank ("1, 2, 2, 4").
pub fn rank(results: &mut [UnitResult]) {
    results.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| a.unit_code.cmp(&b.unit_code))
    });
    let mut prev: Option<f64> = None;
    let mut current = 0;
    for (i, r) in results.iter_mut().enumerate() {
        if prev != Some(r.total) {
            current = i as u32 + 1;
            prev = Some(r.total);
        }
        r.rank = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reform_index::Source;

    fn manual_leaf(set: &CriteriaSet) -> (String, f64) {
        let c = set
            .leaves()
            .into_iter()
            .find(|c| c.method == Method::Manual)
            .unwrap();
        (c.code.clone(), c.max_points)
    }

    #[test]
    fn scores_above_the_maximum_or_negative_are_refused() {
        let set = CriteriaSet::example(2026);
        let (code, max) = manual_leaf(&set);
        let mut a = Assessment::new();
        let err = a
            .self_score(
                &set,
                &[(code.clone(), Some(max + 0.5), String::new())],
                None,
            )
            .unwrap_err();
        assert_eq!(err.code(), "bad_score");
        assert!(err.message_vi().contains("vượt điểm tối đa"));
        let err = a
            .self_score(&set, &[(code.clone(), Some(-1.0), String::new())], None)
            .unwrap_err();
        assert!(err.message_vi().contains("không được âm"));
        let err = a
            .self_score(&set, &[("99.9".into(), Some(1.0), String::new())], None)
            .unwrap_err();
        assert_eq!(err.code(), "unknown_criterion");
        a.self_score(&set, &[(code.clone(), Some(max), "Đủ".into())], None)
            .unwrap();
        assert_eq!(a.points(&set, &code), Some(max));
    }

    #[test]
    fn the_life_of_an_assessment() {
        let set = CriteriaSet::example(2026);
        let (code, max) = manual_leaf(&set);
        let mut a = Assessment::new();
        a.self_score(&set, &[(code.clone(), Some(max), String::new())], None)
            .unwrap();
        assert_eq!(
            a.submit(Some("31/01/2027".into())).unwrap_err().code(),
            "assessment_past_deadline"
        );
        a.fill_computed(&set, |s| match s {
            Source::OnTimeRate => Some(99.0),
            _ => None,
        });
        a.submit(None).unwrap();
        assert_eq!(
            a.self_score(&set, &[(code.clone(), Some(0.0), String::new())], None)
                .unwrap_err(),
            StageError::WrongStage(Stage::Submitted)
        );
        a.appraise(
            &set,
            &[(code.clone(), Some(0.0), "Thiếu kiểm chứng".into())],
        )
        .unwrap();
        a.send_for_explanation().unwrap();
        a.explain(&set, &[(code.clone(), "Bổ sung văn bản".into())])
            .unwrap();
        assert_eq!(
            a.explain(&set, &[(code.clone(), "Lần hai".into())])
                .unwrap_err(),
            StageError::WrongStage(Stage::Explained),
            "the unit explains once"
        );
        a.appraise(&set, &[(code.clone(), Some(max), "Chấp nhận".into())])
            .unwrap();
        a.finalise().unwrap();
        assert_eq!(a.finalise().unwrap_err(), StageError::Finalised);
        assert_eq!(
            a.appraise(&set, &[(code.clone(), Some(0.0), String::new())])
                .unwrap_err(),
            StageError::Finalised
        );
        assert_eq!(a.points(&set, &code), Some(max));
        let (per_field, total) = a.totals(&set);
        assert_eq!(per_field.len(), 8);
        assert!(total >= max);
    }

    #[test]
    fn equal_totals_share_a_rank() {
        let r = |code: &str, total: f64| UnitResult {
            unit_code: code.into(),
            unit_name: code.into(),
            per_field: vec![],
            total,
            rank: 0,
            grade: String::new(),
            previous_total: None,
        };
        let mut results = vec![r("c", 80.0), r("a", 90.0), r("b", 80.0), r("d", 70.0)];
        rank(&mut results);
        let ranks: Vec<(String, u32)> = results
            .iter()
            .map(|x| (x.unit_code.clone(), x.rank))
            .collect();
        assert_eq!(
            ranks,
            vec![
                ("a".into(), 1),
                ("b".into(), 2),
                ("c".into(), 2),
                ("d".into(), 4)
            ]
        );
    }
}
