//! Survey campaigns (khảo sát): a questionnaire as the reform office writes it, the checks an
//! anonymous response must pass against it, and the results (counts per option, mean of 1–5
//! scales, free-text answers). Pure: no IO, the date passed in.

use crate::catalogue::{FieldError, check_text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_PURPOSE_CHARS: usize = 2000;
pub const MAX_QUESTIONS: usize = 50;
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_OPTION_CHARS: usize = 200;
pub const MAX_ANSWER_CHARS: usize = 2000;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options.
    SingleChoice,
    /// Any number of the options (at least one when required).
    MultipleChoice,
    /// 1 (very poor) to 5 (very good).
    Scale,
    /// Free text.
    FreeText,
}

impl QuestionKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            QuestionKind::SingleChoice => "Chọn một",
            QuestionKind::MultipleChoice => "Chọn nhiều",
            QuestionKind::Scale => "Thang điểm 1–5",
            QuestionKind::FreeText => "Trả lời tự do",
        }
    }

    fn has_options(self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyQuestion {
    pub text: String,
    pub kind: QuestionKind,
    /// The choices of a single- or multiple-choice question (2 to 20); empty otherwise.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// A questionnaire as written by the reform office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub title: String,
    /// Why the survey is made; shown to respondents.
    pub purpose: String,
    /// First day answers are taken (local date).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub opens_on: Date,
    /// Last day answers are taken (local date).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub closes_on: Date,
    pub questions: Vec<SurveyQuestion>,
}

impl Questionnaire {
    /// Every problem at once, named by field (`questions.2.options`).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_text(&mut errors, "title", &self.title, true, MAX_TITLE_CHARS);
        check_text(
            &mut errors,
            "purpose",
            &self.purpose,
            true,
            MAX_PURPOSE_CHARS,
        );
        if self.closes_on < self.opens_on {
            errors.push(FieldError::new(
                "closes_on",
                "the survey cannot close before it opens",
            ));
        }
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            errors.push(FieldError::new(
                "questions",
                format!("give 1 to {MAX_QUESTIONS} questions"),
            ));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let field = format!("questions.{i}");
            check_text(&mut errors, &field, &q.text, true, MAX_QUESTION_CHARS);
            let opts = format!("questions.{i}.options");
            if q.kind.has_options() {
                if q.options.len() < 2 || q.options.len() > MAX_OPTIONS {
                    errors.push(FieldError::new(
                        &opts,
                        format!("give 2 to {MAX_OPTIONS} options"),
                    ));
                }
                for (j, o) in q.options.iter().enumerate() {
                    check_text(&mut errors, &opts, o, true, MAX_OPTION_CHARS);
                    if q.options[..j].iter().any(|p| p.trim() == o.trim()) {
                        errors.push(FieldError::new(&opts, "options must differ"));
                    }
                }
            } else if !q.options.is_empty() {
                errors.push(FieldError::new(&opts, "only choice questions have options"));
            }
        }
        errors
    }

    /// Trimmed copy, as stored.
    pub fn normalised(&self) -> Questionnaire {
        Questionnaire {
            title: self.title.trim().to_owned(),
            purpose: self.purpose.trim().to_owned(),
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            questions: self
                .questions
                .iter()
                .map(|q| SurveyQuestion {
                    text: q.text.trim().to_owned(),
                    kind: q.kind,
                    options: q.options.iter().map(|o| o.trim().to_owned()).collect(),
                    required: q.required,
                })
                .collect(),
        }
    }
}

/// Where a survey is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SurveyState {
    Draft,
    Published,
    Closed,
}

impl SurveyState {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyState::Draft => "draft",
            SurveyState::Published => "published",
            SurveyState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<SurveyState> {
        match s {
            "draft" => Some(SurveyState::Draft),
            "published" => Some(SurveyState::Published),
            "closed" => Some(SurveyState::Closed),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            SurveyState::Draft => "Bản nháp",
            SurveyState::Published => "Đã công bố",
            SurveyState::Closed => "Đã kết thúc",
        }
    }
}

/// Why a survey takes no answers now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOpen {
    /// Not published yet, or before its first day.
    NotYet,
    /// Closed by the office, or past its last day.
    Closed,
}

impl NotOpen {
    pub fn code(self) -> &'static str {
        match self {
            NotOpen::NotYet => "survey.not_open",
            NotOpen::Closed => "survey.closed",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            NotOpen::NotYet => "the survey is not open yet",
            NotOpen::Closed => "the survey is closed",
        }
    }

    pub fn message_vi(self) -> &'static str {
        match self {
            NotOpen::NotYet => "Cuộc khảo sát chưa mở; chưa thể gửi câu trả lời.",
            NotOpen::Closed => "Cuộc khảo sát đã kết thúc; không nhận thêm câu trả lời.",
        }
    }
}

/// Whether answers are taken on `today` (local date).
pub fn accepting(state: SurveyState, q: &Questionnaire, today: Date) -> Result<(), NotOpen> {
    match state {
        SurveyState::Draft => Err(NotOpen::NotYet),
        SurveyState::Closed => Err(NotOpen::Closed),
        SurveyState::Published if today < q.opens_on => Err(NotOpen::NotYet),
        SurveyState::Published if today > q.closes_on => Err(NotOpen::Closed),
        SurveyState::Published => Ok(()),
    }
}

/// One answer of a response, to the question at index `question`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    /// 0-based index of the question.
    pub question: usize,
    /// Indexes of the chosen options (choice questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<usize>,
    /// 1 to 5 (scale questions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    /// Free-text questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl SurveyAnswer {
    fn is_empty(&self) -> bool {
        self.choices.is_empty()
            && self.scale.is_none()
            && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
    }
}

/// Checks a response against the questionnaire; returns it normalised (one answer per answered
/// question, in question order, texts trimmed, empty answers dropped). Errors are named
/// `answers.<question index>`.
pub fn check_response(
    q: &Questionnaire,
    answers: &[SurveyAnswer],
) -> Result<Vec<SurveyAnswer>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut by_question: Vec<Option<&SurveyAnswer>> = vec![None; q.questions.len()];
    for a in answers {
        let field = format!("answers.{}", a.question);
        match by_question.get_mut(a.question) {
            None => errors.push(FieldError::new(&field, "no such question")),
            Some(Some(_)) => errors.push(FieldError::new(&field, "answered twice")),
            Some(slot) => *slot = Some(a).filter(|a| !a.is_empty()),
        }
    }
    let mut out = Vec::new();
    for (i, (question, answer)) in q.questions.iter().zip(&by_question).enumerate() {
        let field = format!("answers.{i}");
        let Some(a) = answer else {
            if question.required {
                errors.push(FieldError::new(&field, "this question must be answered"));
            }
            continue;
        };
        let wrong_parts = match question.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                a.scale.is_some() || a.text.is_some()
            }
            QuestionKind::Scale => !a.choices.is_empty() || a.text.is_some(),
            QuestionKind::FreeText => !a.choices.is_empty() || a.scale.is_some(),
        };
        if wrong_parts {
            errors.push(FieldError::new(&field, "answer does not fit the question"));
            continue;
        }
        let mut clean = SurveyAnswer {
            question: i,
            choices: Vec::new(),
            scale: None,
            text: None,
        };
        match question.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                let mut choices = a.choices.clone();
                choices.sort_unstable();
                choices.dedup();
                if choices.len() != a.choices.len() {
                    errors.push(FieldError::new(&field, "an option is chosen twice"));
                } else if choices.iter().any(|&c| c >= question.options.len()) {
                    errors.push(FieldError::new(&field, "no such option"));
                } else if question.kind == QuestionKind::SingleChoice && choices.len() != 1 {
                    errors.push(FieldError::new(&field, "choose exactly one option"));
                }
                clean.choices = choices;
            }
            QuestionKind::Scale => match a.scale {
                Some(v @ 1..=5) => clean.scale = Some(v),
                _ => errors.push(FieldError::new(&field, "give a value from 1 to 5")),
            },
            QuestionKind::FreeText => {
                let text = a.text.as_deref().unwrap_or("").trim();
                let before = errors.len();
                check_text(&mut errors, &field, text, true, MAX_ANSWER_CHARS);
                if errors.len() == before {
                    clean.text = Some(text.to_owned());
                }
            }
        }
        out.push(clean);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Results of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyQuestionResult {
    pub index: usize,
    pub text: String,
    pub kind: QuestionKind,
    /// Responses that answered this question.
    pub answered: u64,
    /// Per option (choice questions) or per value 1..5 (scales): label and count.
    pub counts: Vec<SurveyOptionCount>,
    /// Mean of a scale question, when anyone answered it.
    pub mean: Option<f64>,
    /// Free-text answers, oldest first.
    pub texts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyOptionCount {
    pub label: String,
    pub count: u64,
    /// Share of the responses that answered the question, in percent.
    pub percent: f64,
}

/// Adds up responses (each as checked by [`check_response`]).
pub fn tally(q: &Questionnaire, responses: &[Vec<SurveyAnswer>]) -> Vec<SurveyQuestionResult> {
    let mut results: Vec<SurveyQuestionResult> = q
        .questions
        .iter()
        .enumerate()
        .map(|(i, question)| SurveyQuestionResult {
            index: i,
            text: question.text.clone(),
            kind: question.kind,
            answered: 0,
            counts: match question.kind {
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice => question
                    .options
                    .iter()
                    .map(|o| SurveyOptionCount {
                        label: o.clone(),
                        count: 0,
                        percent: 0.0,
                    })
                    .collect(),
                QuestionKind::Scale => (1..=5)
                    .map(|v| SurveyOptionCount {
                        label: v.to_string(),
                        count: 0,
                        percent: 0.0,
                    })
                    .collect(),
                QuestionKind::FreeText => Vec::new(),
            },
            mean: None,
            texts: Vec::new(),
        })
        .collect();
    let mut sums = vec![0i64; results.len()];
    for response in responses {
        for a in response {
            let Some(r) = results.get_mut(a.question) else {
                continue;
            };
            r.answered += 1;
            for &c in &a.choices {
                if let Some(slot) = r.counts.get_mut(c) {
                    slot.count += 1;
                }
            }
            if let Some(v) = a.scale
                && let Some(slot) = r.counts.get_mut((v - 1).max(0) as usize)
            {
                slot.count += 1;
                sums[a.question] += v;
            }
            if let Some(t) = &a.text {
                r.texts.push(t.clone());
            }
        }
    }
    for (r, sum) in results.iter_mut().zip(sums) {
        if r.answered > 0 {
            for c in &mut r.counts {
                c.percent = (c.count as f64 * 1000.0 / r.answered as f64).round() / 10.0;
            }
            if r.kind == QuestionKind::Scale {
                r.mean = Some((sum as f64 * 100.0 / r.answered as f64).round() / 100.0);
            }
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn questionnaire() -> Questionnaire {
        Questionnaire {
            title: "Mức độ hài lòng".into(),
            purpose: "Đo mức độ hài lòng".into(),
            opens_on: date(2026, 1, 1),
            closes_on: date(2026, 1, 31),
            questions: vec![
                SurveyQuestion {
                    text: "Kênh nộp hồ sơ".into(),
                    kind: QuestionKind::SingleChoice,
                    options: vec!["Trực tiếp".into(), "Trực tuyến".into()],
                    required: true,
                },
                SurveyQuestion {
                    text: "Thông tin đã tìm".into(),
                    kind: QuestionKind::MultipleChoice,
                    options: vec!["Phí".into(), "Thời hạn".into(), "Hồ sơ".into()],
                    required: false,
                },
                SurveyQuestion {
                    text: "Thái độ cán bộ".into(),
                    kind: QuestionKind::Scale,
                    options: vec![],
                    required: true,
                },
                SurveyQuestion {
                    text: "Góp ý".into(),
                    kind: QuestionKind::FreeText,
                    options: vec![],
                    required: false,
                },
            ],
        }
    }

    fn scale(question: usize, v: i64) -> SurveyAnswer {
        SurveyAnswer {
            question,
            choices: vec![],
            scale: Some(v),
            text: None,
        }
    }

    fn choose(question: usize, choices: Vec<usize>) -> SurveyAnswer {
        SurveyAnswer {
            question,
            choices,
            scale: None,
            text: None,
        }
    }

    #[test]
    fn a_good_questionnaire_passes_and_a_bad_one_names_each_problem() {
        assert!(questionnaire().validate().is_empty());
        let mut q = questionnaire();
        q.closes_on = date(2025, 12, 1);
        q.questions[0].options.pop();
        q.questions[2].options.push("x".into());
        let fields: Vec<String> = q.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["closes_on", "questions.0.options", "questions.2.options"]
        );
    }

    #[test]
    fn responses_must_fit_the_questions() {
        let q = questionnaire();
        let ok = check_response(&q, &[choose(0, vec![1]), scale(2, 4)]).unwrap();
        assert_eq!(ok.len(), 2);
        let fields = |answers: &[SurveyAnswer]| -> Vec<String> {
            check_response(&q, answers)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(&[choose(0, vec![1])]), ["answers.2"]);
        assert_eq!(fields(&[choose(0, vec![0, 1]), scale(2, 3)]), ["answers.0"]);
        assert_eq!(fields(&[choose(0, vec![2]), scale(2, 3)]), ["answers.0"]);
        assert_eq!(fields(&[choose(0, vec![0]), scale(2, 6)]), ["answers.2"]);
        assert_eq!(
            fields(&[choose(0, vec![0]), scale(2, 1), scale(9, 1)]),
            ["answers.9"]
        );
        assert_eq!(
            fields(&[choose(0, vec![0]), scale(0, 1), scale(2, 1)]),
            ["answers.0"]
        );
    }

    #[test]
    fn results_count_options_and_average_scales() {
        let q = questionnaire();
        let responses = vec![
            vec![choose(0, vec![0]), choose(1, vec![0, 2]), scale(2, 5)],
            vec![choose(0, vec![1]), scale(2, 4)],
            vec![
                choose(0, vec![1]),
                scale(2, 4),
                SurveyAnswer {
                    question: 3,
                    choices: vec![],
                    scale: None,
                    text: Some("Nhanh".into()),
                },
            ],
        ];
        let r = tally(&q, &responses);
        assert_eq!(r[0].counts[1].count, 2);
        assert_eq!(r[0].counts[1].percent, 66.7);
        assert_eq!(r[1].answered, 1);
        assert_eq!(r[2].mean, Some(4.33));
        assert_eq!(r[2].counts[3].count, 2);
        assert_eq!(r[3].texts, ["Nhanh"]);
    }

    #[test]
    fn answers_are_taken_only_while_published_and_between_the_dates() {
        let q = questionnaire();
        assert_eq!(
            accepting(SurveyState::Draft, &q, date(2026, 1, 5)),
            Err(NotOpen::NotYet)
        );
        assert_eq!(
            accepting(SurveyState::Published, &q, date(2025, 12, 31)),
            Err(NotOpen::NotYet)
        );
        assert!(accepting(SurveyState::Published, &q, date(2026, 1, 31)).is_ok());
        assert_eq!(
            accepting(SurveyState::Published, &q, date(2026, 2, 1)),
            Err(NotOpen::Closed)
        );
    }
}
