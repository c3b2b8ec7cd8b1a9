//! The administrative-reform index (Chỉ số CCHC): criteria sets per year and kind of unit
//! (fields → criteria → sub-criteria with maximum points, guidance, required evidence and a
//! scoring method), the scoring rules as data (bands of a system rate → points), grades, and
//! the life of one unit's assessment (self-assessment → appraisal → explanation → final).
//! Pure: sets are JSON data validated here; the application fills in system rates.

mod assessment;
pub mod plan;

pub use assessment::{Assessment, Entry, Stage, StageError, UnitResult, rank};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The example set shipped with the product (shaped like a provincial decision; not a legal text).
pub const EXAMPLE_COMMUNE_SET: &str = include_str!("../../data/reform_index_example_commune.json");

/// A criteria set (bộ tiêu chí) for one year and one kind of unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CriteriaSet {
    pub year: i16,
    /// `department`, `commune`… (the unit kinds of the organisation tree).
    pub unit_kind: String,
    pub name: String,
    /// The decision that issued the set, or a note that it is an example.
    #[serde(default)]
    pub source: String,
    /// True for the shipped example: shown with a warning that it is not a legal text.
    #[serde(default)]
    pub example: bool,
    /// Fields (lĩnh vực) → criteria (tiêu chí) → sub-criteria (tiêu chí thành phần).
    pub fields: Vec<Criterion>,
    /// Grades by total points, best first (xuất sắc, tốt, khá, trung bình, yếu).
    pub grades: Vec<Grade>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Numbering as in the decision: `1`, `1.2`, `1.2.3`.
    pub code: String,
    pub name: String,
    pub max_points: f64,
    /// How to score (hướng dẫn chấm điểm).
    #[serde(default)]
    pub guidance: String,
    /// Evidence the unit must attach (tài liệu kiểm chứng).
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub method: Method,
    #[serde(default)]
    pub children: Vec<Criterion>,
}

/// How a scored (leaf) criterion gets its points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// The unit enters points; the council appraises them.
    #[default]
    Manual,
    /// Computed from the system's data over the year: a rate in percent, then bands.
    Computed { source: Source, bands: Vec<Band> },
    /// A survey result in percent (sự hài lòng), entered or imported by the council, then bands.
    Survey { bands: Vec<Band> },
}

/// A rate the system computes for a unit over the set's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// (early + on time) / resolved files (Biểu 06).
    OnTimeRate,
    /// New files received online / new files.
    OnlineShare,
    /// Late files with an apology letter / late files.
    LateWithApology,
    /// Points given / points possible in the applicants' evaluations (9 indicators).
    Satisfaction,
    /// Feedback (PAKN) answered on time / feedback due: no data source in the system yet.
    FeedbackOnTime,
}

impl Source {
    pub fn label_vi(self) -> &'static str {
        match self {
            Source::OnTimeRate => "Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
            Source::OnlineShare => "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
            Source::LateWithApology => "Tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi",
            Source::Satisfaction => "Mức độ hài lòng theo đánh giá của người dân",
            Source::FeedbackOnTime => "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        }
    }

    /// The formula, as shown beside the criterion.
    pub fn formula_vi(self) -> &'static str {
        match self {
            Source::OnTimeRate => {
                "(số hồ sơ giải quyết trước hạn + đúng hạn) / số hồ sơ đã giải quyết trong năm × 100%"
            }
            Source::OnlineShare => {
                "số hồ sơ tiếp nhận mới trực tuyến / tổng số hồ sơ tiếp nhận mới trong năm × 100%"
            }
            Source::LateWithApology => {
                "số hồ sơ trễ hạn có văn bản xin lỗi / số hồ sơ giải quyết trễ hạn × 100%"
            }
            Source::Satisfaction => {
                "tổng điểm đánh giá của người dân / tổng điểm tối đa của các chỉ số được đánh giá × 100%"
            }
            Source::FeedbackOnTime => {
                "số phản ánh, kiến nghị xử lý đúng hạn / số phản ánh, kiến nghị phải xử lý × 100%"
            }
        }
    }
}

/// At or above `min_percent`, the criterion earns `points`. Bands are listed best first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min_percent: f64,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// `xuat_sac`, `tot`, `kha`, `trung_binh`, `yeu`.
    pub code: String,
    pub name: String,
    pub min_total: f64,
}

/// A problem found in a set, with where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetProblem {
    /// The criterion code, or `set` / `grades`.
    pub at: String,
    pub message: String,
}

/// Rounds points to hundredths, as scores are printed.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn has_more_than_two_decimals(x: f64) -> bool {
    (x * 100.0 - (x * 100.0).round()).abs() > 1e-6
}

/// Points of a rate under bands: the first band the rate reaches, or 0.
pub fn band_points(bands: &[Band], percent: f64) -> f64 {
    bands
        .iter()
        .find(|b| percent + 1e-9 >= b.min_percent)
        .map_or(0.0, |b| b.points)
}

/// The bands as text: "≥ 98%: 2 điểm; ≥ 95%: 1 điểm; thấp hơn: 0 điểm".
pub fn bands_vi(bands: &[Band]) -> String {
    let mut parts: Vec<String> = bands
        .iter()
        .map(|b| format!("≥ {}%: {} điểm", fmt_num(b.min_percent), fmt_num(b.points)))
        .collect();
    parts.push("thấp hơn: 0 điểm".into());
    parts.join("; ")
}

/// A number with at most two decimals and a decimal comma, as Vietnamese documents print it.
pub fn fmt_num(x: f64) -> String {
    let s = format!("{:.2}", round2(x));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

impl Method {
    /// The whole rule in words, for the criterion's page.
    pub fn describe_vi(&self) -> String {
        match self {
            Method::Manual => "Đơn vị tự chấm, Hội đồng thẩm định".into(),
            Method::Computed { source, bands } => format!(
                "Tự động từ dữ liệu hệ thống — {}: {}. {}",
                source.label_vi(),
                source.formula_vi(),
                bands_vi(bands)
            ),
            Method::Survey { bands } => format!(
                "Kết quả điều tra xã hội học do Hội đồng nhập (tỷ lệ hài lòng, %). {}",
                bands_vi(bands)
            ),
        }
    }

    pub fn bands(&self) -> &[Band] {
        match self {
            Method::Manual => &[],
            Method::Computed { bands, .. } | Method::Survey { bands } => bands,
        }
    }
}

impl Criterion {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

impl CriteriaSet {
    /// Parses a set from JSON and validates it.
    pub fn from_json(text: &str) -> Result<CriteriaSet, Vec<SetProblem>> {
        let set: CriteriaSet = serde_json::from_str(text).map_err(|e| {
            vec![SetProblem {
                at: "set".into(),
                message: format!("not a criteria set: {e}"),
            }]
        })?;
        set.validate()?;
        Ok(set)
    }

    /// The shipped example for communes, re-labelled for `year`.
    pub fn example(year: i16) -> CriteriaSet {
        let mut set =
            CriteriaSet::from_json(EXAMPLE_COMMUNE_SET).expect("the example set is valid");
        set.year = year;
        set
    }

    /// The sum of the fields' maximum points.
    pub fn max_total(&self) -> f64 {
        round2(self.fields.iter().map(|f| f.max_points).sum())
    }

    /// Every criterion, depth first, with its depth (1 = field).
    pub fn walk(&self) -> Vec<(usize, &Criterion)> {
        fn go<'a>(out: &mut Vec<(usize, &'a Criterion)>, depth: usize, c: &'a Criterion) {
            out.push((depth, c));
            for child in &c.children {
                go(out, depth + 1, child);
            }
        }
        let mut out = Vec::new();
        for f in &self.fields {
            go(&mut out, 1, f);
        }
        out
    }

    /// The scored criteria (leaves).
    pub fn leaves(&self) -> Vec<&Criterion> {
        self.walk()
            .into_iter()
            .filter(|(_, c)| c.is_leaf())
            .map(|(_, c)| c)
            .collect()
    }

    pub fn find(&self, code: &str) -> Option<&Criterion> {
        self.walk()
            .into_iter()
            .map(|(_, c)| c)
            .find(|c| c.code == code)
    }

    /// The field a criterion belongs to.
    pub fn field_of(&self, code: &str) -> Option<&Criterion> {
        self.fields
            .iter()
            .find(|f| f.code == code || code.starts_with(&format!("{}.", f.code)))
    }

    /// The grade of a total.
    pub fn grade_of(&self, total: f64) -> Option<&Grade> {
        self.grades.iter().find(|g| total + 1e-9 >= g.min_total)
    }

    /// Every rule a set must follow: unique codes numbered under their parent, points with at
    /// most two decimals, sub-criteria summing to their parent's maximum, bands within the
    /// maximum and best first, grades best first ending at 0.
    pub fn validate(&self) -> Result<(), Vec<SetProblem>> {
        let mut problems = Vec::new();
        let mut push = |at: &str, message: String| {
            problems.push(SetProblem {
                at: at.to_owned(),
                message,
            })
        };
        if !(2000..=2100).contains(&self.year) {
            push("set", "year must be between 2000 and 2100".into());
        }
        if self.unit_kind.parse::<crate::org::UnitKind>().is_err() {
            push("set", format!("unknown unit kind `{}`", self.unit_kind));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 300 {
            push("set", "name is required (at most 300 characters)".into());
        }
        if self.fields.is_empty() {
            push("set", "a set needs at least one field".into());
        }
        let mut codes = BTreeSet::new();
        for (depth, c) in self.walk() {
            let at = c.code.as_str();
            if c.code.is_empty()
                || c.code.len() > 20
                || !c
                    .code
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '.')
            {
                push(
                    "set",
                    format!(
                        "bad criterion code `{}`",
                        c.code.chars().take(20).collect::<String>()
                    ),
                );
                continue;
            }
            if !codes.insert(c.code.clone()) {
                push(at, "duplicate code".into());
            }
            if depth > 3 {
                push(
                    at,
                    "at most three levels: field, criterion, sub-criterion".into(),
                );
            }
            if c.name.trim().is_empty() || c.name.chars().count() > 1000 {
                push(at, "name is required (at most 1000 characters)".into());
            }
            if !(c.max_points > 0.0 && c.max_points <= 100.0)
                || has_more_than_two_decimals(c.max_points)
            {
                push(
                    at,
                    "maximum points must be above 0, at most 100, with at most two decimals".into(),
                );
            }
            for child in &c.children {
                if !child.code.starts_with(&format!("{}.", c.code)) {
                    push(
                        &child.code,
                        format!("code must start with its parent's `{}.`", c.code),
                    );
                }
            }
            if !c.is_leaf() {
                let sum: f64 = c.children.iter().map(|x| x.max_points).sum();
                if (sum - c.max_points).abs() > 1e-6 {
                    push(
                        at,
                        format!(
                            "sub-criteria add up to {} points, not the maximum {}",
                            fmt_num(sum),
                            fmt_num(c.max_points)
                        ),
                    );
                }
                if c.method != Method::Manual {
                    push(
                        at,
                        "only sub-criteria without children are scored by a method".into(),
                    );
                }
            }
            let bands = c.method.bands();
            if c.method != Method::Manual && bands.is_empty() {
                push(at, "a computed or survey criterion needs bands".into());
            }
            for (i, b) in bands.iter().enumerate() {
                if !(0.0..=100.0).contains(&b.min_percent) {
                    push(at, "band thresholds are percentages from 0 to 100".into());
                }
                if b.points < 0.0
                    || b.points > c.max_points + 1e-9
                    || has_more_than_two_decimals(b.points)
                {
                    push(
                        at,
                        "band points must be from 0 to the maximum, with at most two decimals"
                            .into(),
                    );
                }
                if i > 0
                    && !(b.min_percent < bands[i - 1].min_percent
                        && b.points <= bands[i - 1].points)
                {
                    push(
                        at,
                        "bands go from the highest threshold down, points not increasing".into(),
                    );
                }
            }
        }
        if self.grades.is_empty() {
            push("grades", "grades are required".into());
        }
        for (i, g) in self.grades.iter().enumerate() {
            if g.name.trim().is_empty() || g.code.trim().is_empty() {
                push("grades", "each grade needs a code and a name".into());
            }
            if i > 0 && g.min_total >= self.grades[i - 1].min_total {
                push("grades", "grades go from the highest threshold down".into());
            }
        }
        if self.grades.last().is_some_and(|g| g.min_total != 0.0) {
            push("grades", "the last grade must start at 0 points".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_set_is_valid_and_shaped_like_a_provincial_one() {
        let set = CriteriaSet::from_json(EXAMPLE_COMMUNE_SET).unwrap();
        assert!(set.example);
        assert_eq!(set.fields.len(), 8);
        assert_eq!(set.max_total(), 100.0);
        let criteria = set.walk().iter().filter(|(d, _)| *d == 2).count();
        assert!((25..=45).contains(&criteria), "{criteria} criteria");
        let computed: Vec<Source> = set
            .leaves()
            .iter()
            .filter_map(|c| match &c.method {
                Method::Computed { source, .. } => Some(*source),
                _ => None,
            })
            .collect();
        for s in [
            Source::OnTimeRate,
            Source::OnlineShare,
            Source::LateWithApology,
            Source::Satisfaction,
            Source::FeedbackOnTime,
        ] {
            assert!(computed.contains(&s), "{s:?} is used");
        }
        assert!(
            set.leaves()
                .iter()
                .any(|c| matches!(c.method, Method::Survey { .. }))
        );
        assert_eq!(set.grade_of(92.0).unwrap().code, "xuat_sac");
        assert_eq!(set.grade_of(49.99).unwrap().code, "yeu");
    }

    #[test]
    fn sub_criteria_must_add_up_to_their_parent() {
        let mut set = CriteriaSet::example(2026);
        set.fields[0].children[0].max_points += 0.5;
        let problems = set.validate().unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.at == set.fields[0].code && p.message.contains("add up")),
            "{problems:?}"
        );
    }

    #[test]
    fn bad_bands_codes_and_grades_are_named() {
        let mut set = CriteriaSet::example(2026);
        let leaf_code = set.leaves()[0].code.clone();
        let field = &mut set.fields[0];
        field.children.push(Criterion {
            code: "9.1".into(),
            name: "Lạc chỗ".into(),
            max_points: 0.0,
            guidance: String::new(),
            evidence: String::new(),
            method: Method::Computed {
                source: Source::OnTimeRate,
                bands: vec![
                    Band {
                        min_percent: 50.0,
                        points: 1.0,
                    },
                    Band {
                        min_percent: 90.0,
                        points: 2.0,
                    },
                ],
            },
            children: vec![],
        });
        set.grades.reverse();
        let problems = set.validate().unwrap_err();
        let text = format!("{problems:?}");
        assert!(text.contains("start with its parent"), "{text}");
        assert!(text.contains("maximum points must be above 0"), "{text}");
        assert!(text.contains("highest threshold down"), "{text}");
        assert!(problems.iter().any(|p| p.at == "grades"));
        assert!(!leaf_code.is_empty());
    }

    #[test]
    fn bands_turn_a_rate_into_points() {
        let bands = [
            Band {
                min_percent: 98.0,
                points: 2.0,
            },
            Band {
                min_percent: 95.0,
                points: 1.0,
            },
        ];
        assert_eq!(band_points(&bands, 100.0), 2.0);
        assert_eq!(band_points(&bands, 98.0), 2.0);
        assert_eq!(band_points(&bands, 97.9), 1.0);
        assert_eq!(band_points(&bands, 10.0), 0.0);
        assert_eq!(
            bands_vi(&bands),
            "≥ 98%: 2 điểm; ≥ 95%: 1 điểm; thấp hơn: 0 điểm"
        );
        assert_eq!(fmt_num(1.5), "1,5");
    }
}
