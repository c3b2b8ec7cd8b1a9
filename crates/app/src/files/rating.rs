//! The applicant rates a finished file on the indicators of Circular 01/2018: the system scores
//! what it measured (total time, each agency's time, contacts needed), the applicant answers the
//! rest, once. Without an account the code and secret of the receipt identify the applicant.

use super::read::verify_secret;
use super::row::record_of;
use crate::audit::{self, Change};
use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use motcua_domain::file::FileRecord;
use motcua_domain::file::evaluation::{
    Evaluation, EvaluationError, IndicatorScore, IndicatorSet, IndicatorSource, evaluate,
};
use motcua_store::commit;
use motcua_store::files::{self as store, EvaluationRow, FileRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who rates: the signed-in owner, or whoever holds the receipt's code and secret.
pub enum Rater<'a> {
    Owner {
        actor: &'a Actor,
        file_id: i64,
    },
    Receipt {
        tenant_id: i64,
        code: &'a str,
        secret: &'a str,
    },
}

/// An indicator the applicant answers, with its levels.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub number: u8,
    pub name: String,
    /// (points, wording), best first.
    pub levels: Vec<(u8, String)>,
}

/// One indicator's result as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreView {
    pub number: u8,
    pub name: String,
    /// `system`, `applicant` or `unit`.
    pub by: String,
    pub points: Option<u8>,
    pub max: u8,
}

/// A file's evaluation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rating {
    pub set_name: String,
    pub total: u32,
    pub scored_max: u32,
    pub max: u32,
    pub scores: Vec<ScoreView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Indicator number → points (2, 1 or 0), for the indicators the applicant answers.
    pub answers: BTreeMap<u8, u8>,
}

fn set_for(row: &FileRow) -> Result<&'static IndicatorSet> {
    set_for_received_at(row.received_at)
}

fn set_for_received_at(received_at: Option<i64>) -> Result<&'static IndicatorSet> {
    let date = received_at
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_zoned(utc7()).date())
        .ok_or_else(not_finished)?;
    IndicatorSet::in_force_at(date)
        .ok_or_else(|| AppError::Internal(format!("no evaluation indicators in force on {date}")))
}

fn not_finished() -> AppError {
    AppError::Rule {
        code: "evaluation.file_not_finished",
        message: "the file can be rated once its result or refusal is issued".into(),
        message_vi: "Hồ sơ chỉ được đánh giá sau khi đã có kết quả giải quyết.".into(),
        conflict: true,
    }
}

/// The questions the applicant answers for this file's indicator set.
pub fn questions(set: &IndicatorSet) -> Vec<Question> {
    set.indicators
        .iter()
        .filter(|i| i.source == IndicatorSource::Applicant)
        .map(|i| {
            let mut levels: Vec<(u8, String)> = i
                .levels
                .iter()
                .map(|l| (l.points, l.text.clone()))
                .collect();
            levels.sort_by_key(|l| std::cmp::Reverse(l.0));
            Question {
                number: i.number,
                name: i.name.clone(),
                levels,
            }
        })
        .collect()
}

fn view(set: &IndicatorSet, total: u32, scored_max: u32, scores: &[IndicatorScore]) -> Rating {
    Rating {
        set_name: set.name.clone(),
        total,
        scored_max,
        max: set.max_points(),
        scores: scores
            .iter()
            .map(|s| ScoreView {
                number: s.number,
                name: set
                    .indicators
                    .iter()
                    .find(|i| i.number == s.number)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                by: match s.source {
                    IndicatorSource::System(_) => "system",
                    IndicatorSource::Applicant => "applicant",
                    IndicatorSource::Unit => "unit",
                }
                .into(),
                points: s.points,
                max: s.max,
            })
            .collect(),
    }
}

/// What the rater may see and do: the stored rating, or the questions if it may be rated now.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RatingState {
    pub rating: Option<Rating>,
    /// Empty unless the file is finished and not rated yet.
    pub questions: Vec<Question>,
}

/// A stored evaluation's figures, as the lookup reads them beside the file.
pub(crate) struct StoredRating<'a> {
    pub scores_json: &'a str,
    pub total: i64,
    pub scored_max: i64,
}

/// The rating state of a file received at `received_at`, from its record and its stored
/// evaluation (read by the caller, in the same statement as the file).
pub(crate) fn rating_state(
    received_at: Option<i64>,
    rec: &FileRecord,
    stored: Option<StoredRating<'_>>,
) -> Result<RatingState> {
    let finished = motcua_domain::file::evaluation::file_facts(rec).is_some();
    let Ok(set) = set_for_received_at(received_at) else {
        return Ok(RatingState::default());
    };
    Ok(match stored {
        Some(e) => {
            let scores: Vec<IndicatorScore> = serde_json::from_str(e.scores_json)
                .map_err(|e| AppError::Internal(format!("stored evaluation: {e}")))?;
            RatingState {
                rating: Some(view(
                    set,
                    u32::try_from(e.total).unwrap_or(0),
                    u32::try_from(e.scored_max).unwrap_or(0),
                    &scores,
                )),
                questions: Vec::new(),
            }
        }
        None if finished => RatingState {
            rating: None,
            questions: questions(set),
        },
        None => RatingState::default(),
    })
}

/// Rates a finished file, once.
pub async fn rate(app: &App, rater: Rater<'_>, input: &RatingInput) -> Result<Rating> {
    let (tenant_id, row, by) = match rater {
        Rater::Owner { actor, file_id } => {
            let mut conn = app.db.read_conn().await?;
            let row = store::file_by_id(&mut conn, actor.tenant_id, file_id)
                .await?
                .filter(|r| r.owner_user_id == Some(actor.user_id))
                .ok_or(AppError::NotFound("file"))?;
            (actor.tenant_id, row, Some(actor.user_id))
        }
        Rater::Receipt {
            tenant_id,
            code,
            secret,
        } => (
            tenant_id,
            verify_secret(app, tenant_id, code, secret).await?,
            None,
        ),
    };
    let rec = record_of(&row)?;
    let set = set_for(&row)?;
    let asked = questions(set);
    if input.answers.is_empty() || asked.iter().any(|q| !input.answers.contains_key(&q.number)) {
        return Err(AppError::invalid(
            "answers",
            "answer every question of the rating form",
        ));
    }
    let evaluation: Evaluation = evaluate(set, &rec, &input.answers).map_err(|e| match e {
        EvaluationError::FileNotFinished => not_finished(),
        other => AppError::invalid("answers", other.to_string()),
    })?;
    let now = app.now_secs();
    let stored = EvaluationRow {
        file_id: row.id,
        set_id: evaluation.set_id.clone(),
        answers_json: serde_json::to_string(&input.answers)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        scores_json: serde_json::to_string(&evaluation.scores)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        total: i64::from(evaluation.total),
        scored_max: i64::from(evaluation.scored_max),
        max_points: i64::from(evaluation.max),
        rated_at: now,
    };
    let mut tx = app.db.begin().await?;
    if !store::insert_evaluation(&mut tx, tenant_id, &stored, by).await? {
        return Err(AppError::Conflict {
            code: "already_rated",
            message: "this file was already rated".into(),
        });
    }
    audit::record(
        &mut tx,
        tenant_id,
        by,
        now,
        Change {
            action: "file.rated",
            entity_type: "file",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "set": evaluation.set_id, "total": evaluation.total, "scored_max": evaluation.scored_max,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(view(
        set,
        evaluation.total,
        evaluation.scored_max,
        &evaluation.scores,
    ))
}
