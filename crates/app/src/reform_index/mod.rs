//! Administrative-reform index (Chỉ số CCHC): criteria sets (this file), a unit's
//! self-assessment and the council's appraisal (`assess`), results and ranking (`results`),
//! import and export of sets (`transfer`). The rules live in `motcua_domain::reform_index`;
//! here are permissions, transactions, audit records and the system's figures.
//!
//! Who does what: a unit's leader (`Action::AssessReform` at the unit) scores the unit and
//! explains; the reform office (`Action::AppraiseReform`, the council's secretariat) keeps the
//! sets, appraises, enters survey results, finalises and publishes.

mod assess;
mod evidence;
pub mod plan;
mod results;
mod survey;
mod transfer;

pub use assess::{
    AssessmentView, CriterionRow, ScoreInput, appraise, assessment, explain, finalise, self_score,
    send_for_explanation, submit,
};
pub use evidence::{Evidence, attach_evidence, download_evidence};
pub use results::{Results, public_results, publish, results, results_pdf, results_xlsx};
pub use survey::import_survey;
pub use transfer::{export_csv, export_xlsx, import_csv, import_xlsx};

use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::catalogue::FieldError;
use motcua_domain::permission::Action;
use motcua_domain::reform_index::{CriteriaSet, SetProblem, StageError};
use motcua_store::reform_index::{self as store, NewSet, SetRow};
use motcua_store::{Conn, commit, units};
use serde::{Deserialize, Serialize};

impl From<StageError> for AppError {
    fn from(err: StageError) -> Self {
        AppError::Rule {
            code: err.code(),
            message: err.to_string(),
            message_vi: err.message_vi(),
            conflict: err.is_conflict(),
        }
    }
}

pub(crate) fn set_problems(problems: Vec<SetProblem>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|p| FieldError::new(&p.at, p.message))
            .collect(),
    )
}

/// A set as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SetSummary {
    pub id: i64,
    pub year: i64,
    pub unit_kind: String,
    pub name: String,
    /// Last day of self-assessment, `YYYY-MM-DD`.
    pub self_deadline: String,
    pub published: bool,
    pub example: bool,
}

/// A set with its criteria.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SetView {
    #[serde(flatten)]
    pub summary: SetSummary,
    #[schema(value_type = Object)]
    pub definition: CriteriaSet,
}

/// A new set: the criteria and the self-assessment deadline.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetInput {
    #[schema(value_type = Object)]
    pub definition: CriteriaSet,
    /// `YYYY-MM-DD`.
    pub self_deadline: String,
}

/// Copy of an earlier set as a starting point for a new year.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyInput {
    pub year: i16,
    pub self_deadline: String,
}

pub(crate) fn parse_set(row: &SetRow) -> Result<CriteriaSet> {
    serde_json::from_str(&row.definition_json)
        .map_err(|e| AppError::Internal(format!("reform set {} unreadable: {e}", row.id)))
}

fn summary(row: &SetRow, set: &CriteriaSet) -> SetSummary {
    SetSummary {
        id: row.id,
        year: row.year,
        unit_kind: row.unit_kind.clone(),
        name: row.name.clone(),
        self_deadline: row.self_deadline.clone(),
        published: row.published_at.is_some(),
        example: set.example,
    }
}

pub(crate) fn view(row: &SetRow) -> Result<SetView> {
    let definition = parse_set(row)?;
    Ok(SetView {
        summary: summary(row, &definition),
        definition,
    })
}

/// Whether the actor takes part in the index at all (a unit's leader or the council).
fn may_read(actor: &Actor) -> Result<()> {
    if actor.can(Action::AssessReform) || actor.can(Action::AppraiseReform) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sets apply province-wide: keeping them needs the council's role at the top unit.
pub(crate) async fn require_council(conn: &mut Conn, actor: &Actor) -> Result<()> {
    let all = units::list(conn, actor.tenant_id).await?;
    let root = all
        .iter()
        .find(|u| u.parent_id.is_none())
        .ok_or(AppError::Forbidden)?;
    actor.require_at(Action::AppraiseReform, &root.path)
}

pub(crate) async fn load_set(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<SetRow> {
    store::set(conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("criteria set"))
}

pub async fn list_sets(app: &App, actor: &Actor) -> Result<Vec<SetSummary>> {
    may_read(actor)?;
    let mut conn = app.db.read_conn().await?;
    store::sets(&mut conn, actor.tenant_id)
        .await?
        .iter()
        .map(|r| Ok(summary(r, &parse_set(r)?)))
        .collect()
}

pub async fn get_set(app: &App, actor: &Actor, id: i64) -> Result<SetView> {
    may_read(actor)?;
    let mut conn = app.db.read_conn().await?;
    view(&load_set(&mut conn, actor.tenant_id, id).await?)
}

fn check_deadline(s: &str) -> Result<String> {
    s.trim()
        .parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| AppError::invalid("self_deadline", "a date YYYY-MM-DD"))
}

/// Creates a set (validated) for its year and kind of unit; one set per year and kind.
pub async fn create_set(app: &App, actor: &Actor, input: SetInput) -> Result<SetView> {
    input.definition.validate().map_err(set_problems)?;
    let deadline = check_deadline(&input.self_deadline)?;
    insert(
        app,
        Some(actor),
        actor.tenant_id,
        &input.definition,
        &deadline,
    )
    .await
}

/// The same for the demo and the command line.
pub async fn create_set_as_system(
    app: &App,
    tenant_id: i64,
    set: &CriteriaSet,
    self_deadline: &str,
) -> Result<SetView> {
    set.validate().map_err(set_problems)?;
    let deadline = check_deadline(self_deadline)?;
    insert(app, None, tenant_id, set, &deadline).await
}

async fn insert(
    app: &App,
    actor: Option<&Actor>,
    tenant_id: i64,
    set: &CriteriaSet,
    deadline: &str,
) -> Result<SetView> {
    let now = app.now_secs();
    let json = serde_json::to_string(set).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.db.begin().await?;
    if let Some(actor) = actor {
        require_council(&mut tx, actor).await?;
    }
    let id = store::insert_set(
        &mut tx,
        tenant_id,
        NewSet {
            year: i64::from(set.year),
            unit_kind: &set.unit_kind,
            name: set.name.trim(),
            definition_json: &json,
            self_deadline: deadline,
        },
        now,
    )
    .await
    .map_err(AppError::duplicate_as(
        "duplicate_criteria_set",
        format!(
            "a criteria set for {} units in {} already exists",
            set.unit_kind, set.year
        ),
    ))?;
    audit::record(
        &mut tx,
        tenant_id,
        actor.map(|a| a.user_id),
        now,
        Change {
            action: "reform_set.created",
            entity_type: "reform_set",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "year": set.year, "unit_kind": set.unit_kind, "name": set.name,
                "self_deadline": deadline, "criteria": set.walk().len(),
            })),
        },
    )
    .await?;
    let row = load_set(&mut tx, tenant_id, id).await?;
    commit(tx).await?;
    view(&row)
}

/// Starts a new year's set from an existing one (same criteria and rules, new year).
pub async fn copy_set(app: &App, actor: &Actor, id: i64, input: CopyInput) -> Result<SetView> {
    may_read(actor)?;
    let mut conn = app.db.read_conn().await?;
    let row = load_set(&mut conn, actor.tenant_id, id).await?;
    drop(conn);
    let mut set = parse_set(&row)?;
    set.year = input.year;
    set.name = set
        .name
        .replace(&row.year.to_string(), &input.year.to_string());
    create_set(
        app,
        actor,
        SetInput {
            definition: set,
            self_deadline: input.self_deadline,
        },
    )
    .await
}
