//! A unit's assessment: self-scoring with notes and evidence, the system's figures filled in,
//! submission by the deadline; the council's appraisal, the unit's one explanation, the final
//! scores (evidence files: `evidence`; survey imports: `survey`). Each change is one transaction
//! with its audit record, guarded by the assessment's version.

use super::evidence::Evidence;
use super::evidence::evidence_view;
use super::{load_set, parse_set};
use crate::audit::{self, Change};
use crate::org::By;
use crate::reports::{self, GroupBy, HandlingInput};
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_domain::reform_index::{
    Assessment, CriteriaSet, Entry, Method, Source, Stage, StageError,
};
use motcua_store::reform_index::{self as store, AssessmentRow, EvidenceRow};
use motcua_store::units::{self, Unit};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points (or, for a survey criterion appraised by the council, a percentage) and a note.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    /// Criterion code, e.g. `1.1.2`.
    pub code: String,
    /// `null` clears the points (for the council: keeps the unit's).
    pub points: Option<f64>,
    #[serde(default)]
    pub note: String,
}

/// One line of the criteria tree with what is known about it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CriterionRow {
    pub code: String,
    pub name: String,
    /// 1 = field, 2 = criterion, 3 = sub-criterion.
    pub depth: usize,
    pub max_points: f64,
    pub scored: bool,
    /// `manual`, `computed` or `survey`.
    pub method: String,
    /// The method and formula in words.
    pub method_vi: String,
    pub guidance: String,
    pub evidence_required: String,
    pub self_points: Option<f64>,
    pub self_note: String,
    /// The system's rate or the survey result, in percent; `None`: no data (chưa có dữ liệu).
    pub percent: Option<f64>,
    pub council_points: Option<f64>,
    pub council_note: String,
    pub explanation: String,
    /// Points as they stand (for a field or criterion: the sum of its scored parts).
    pub points: Option<f64>,
}

/// A unit's assessment as its leader or the council sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub set_id: i64,
    pub year: i64,
    pub set_name: String,
    pub unit_code: String,
    pub unit_name: String,
    pub stage: Stage,
    pub stage_vi: String,
    pub version: i64,
    pub self_deadline: String,
    pub past_deadline: bool,
    pub rows: Vec<CriterionRow>,
    /// (field code, field name, points, max) in the set's order.
    pub per_field: Vec<(String, String, f64, f64)>,
    pub total: f64,
    pub self_total: f64,
    pub max_total: f64,
    pub grade: Option<String>,
    pub evidence: Vec<Evidence>,
    /// What the viewer may do now.
    pub may_self_score: bool,
    pub may_appraise: bool,
    pub may_send_back: bool,
    pub may_explain: bool,
    pub may_finalise: bool,
}

/// The system's rates for a unit over a year (percent), for computed criteria.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SystemRates {
    on_time: Option<f64>,
    online: Option<f64>,
    apology: Option<f64>,
    satisfaction: Option<f64>,
}

impl SystemRates {
    pub(crate) fn get(&self, source: Source) -> Option<f64> {
        match source {
            Source::OnTimeRate => self.on_time,
            Source::OnlineShare => self.online,
            Source::LateWithApology => self.apology,
            Source::Satisfaction => self.satisfaction,
            // No feedback (PAKN) data in the system yet.
            Source::FeedbackOnTime => None,
        }
    }
}

/// The rates from the handling report (Biểu 06) of the year and the applicants' evaluations.
pub(crate) async fn system_rates(
    app: &App,
    tenant_id: i64,
    year: i64,
    unit: &Unit,
) -> Result<SystemRates> {
    let input = HandlingInput {
        from: format!("{year:04}-01-01"),
        to: format!("{year:04}-12-31"),
        unit: Some(unit.code.clone()),
        include_subunits: true,
        field: None,
        group_by: GroupBy::None,
    };
    let report = reports::handling(app, By::System { tenant_id }, &input).await?;
    let rates = report.overall_rates;
    let period = reports::period(&input.from, &input.to)?;
    let mut conn = app.db.read_conn().await?;
    let (given, possible) =
        store::evaluation_points(&mut conn, tenant_id, unit.id, period.start, period.end).await?;
    let pct = |x: Option<f64>| x.map(|v| v * 100.0);
    Ok(SystemRates {
        on_time: pct(rates.on_time_rate),
        online: pct(rates.online_share),
        apology: pct(rates.late_with_apology_share),
        satisfaction: (possible > 0).then(|| given as f64 * 100.0 / possible as f64),
    })
}

/// Today's date in Vietnam.
fn today(app: &App) -> jiff::civil::Date {
    app.now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7)))
        .date()
}

fn dmy(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()))
        .unwrap_or_else(|_| iso.to_owned())
}

/// `Some(deadline as dd/mm/yyyy)` when the self-assessment deadline has passed.
pub(super) fn past_deadline(app: &App, deadline: &str) -> Option<String> {
    let d = deadline.parse::<jiff::civil::Date>().ok()?;
    (today(app) > d).then(|| dmy(deadline))
}

pub(crate) fn parse_assessment(row: &AssessmentRow) -> Result<Assessment> {
    let entries: BTreeMap<String, Entry> = serde_json::from_str(&row.entries_json)
        .map_err(|e| AppError::Internal(format!("assessment {} unreadable: {e}", row.id)))?;
    let stage = Stage::parse(&row.stage)
        .ok_or_else(|| AppError::Internal(format!("assessment {} stage", row.id)))?;
    Ok(Assessment { stage, entries })
}

/// Who the actor is for this unit's assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Unit,
    Council,
}

pub(super) fn sides(actor: &Actor, unit: &Unit) -> (bool, bool) {
    (
        actor.require_at(Action::AssessReform, &unit.path).is_ok(),
        actor.require_at(Action::AppraiseReform, &unit.path).is_ok(),
    )
}

pub(super) async fn unit_for(
    conn: &mut Conn,
    tenant_id: i64,
    set: &CriteriaSet,
    code: &str,
) -> Result<Unit> {
    let unit = units::by_code(conn, tenant_id, code.trim())
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    if unit.kind != set.unit_kind {
        return Err(AppError::invalid(
            "unit_code",
            format!("the set is for {} units, not {}", set.unit_kind, unit.kind),
        ));
    }
    Ok(unit)
}

/// The assessment of `unit_code` under set `set_id` (an empty draft if the unit has not
/// started), for the unit's leader or the council.
pub async fn assessment(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
) -> Result<AssessmentView> {
    let mut conn = app.db.read_conn().await?;
    let set_row = load_set(&mut conn, actor.tenant_id, set_id).await?;
    let set = parse_set(&set_row)?;
    let unit = unit_for(&mut conn, actor.tenant_id, &set, unit_code).await?;
    let (is_unit, is_council) = sides(actor, &unit);
    if !is_unit && !is_council {
        return Err(AppError::Forbidden);
    }
    let row = store::assessment(&mut conn, actor.tenant_id, set_id, unit.id).await?;
    let (mut a, version, evidence) = match &row {
        Some(r) => (
            parse_assessment(r)?,
            r.version,
            store::evidence(&mut conn, actor.tenant_id, r.id).await?,
        ),
        None => (Assessment::new(), 0, Vec::new()),
    };
    drop(conn);
    if a.stage == Stage::Draft {
        // While the unit is scoring, show today's figures; they are fixed at submission.
        let rates = system_rates(app, actor.tenant_id, set_row.year, &unit).await?;
        a.fill_computed(&set, |s| rates.get(s));
    }
    let past = past_deadline(app, &set_row.self_deadline);
    Ok(build_view(
        &set_row,
        &set,
        &unit,
        &a,
        version,
        evidence,
        past.is_some(),
        is_unit,
        is_council,
    ))
}

#[allow(clippy::too_many_arguments)]
fn build_view(
    set_row: &store::SetRow,
    set: &CriteriaSet,
    unit: &Unit,
    a: &Assessment,
    version: i64,
    evidence: Vec<EvidenceRow>,
    past: bool,
    is_unit: bool,
    is_council: bool,
) -> AssessmentView {
    let rows = set
        .walk()
        .into_iter()
        .map(|(depth, c)| {
            let e = a.entries.get(&c.code).cloned().unwrap_or_default();
            let points = if c.is_leaf() {
                a.points(set, &c.code)
            } else {
                let mut sum = 0.0;
                let mut any = false;
                let mut stack = vec![c];
                while let Some(x) = stack.pop() {
                    if x.is_leaf() {
                        if let Some(p) = a.points(set, &x.code) {
                            sum += p;
                            any = true;
                        }
                    } else {
                        stack.extend(x.children.iter());
                    }
                }
                any.then(|| motcua_domain::reform_index::round2(sum))
            };
            CriterionRow {
                code: c.code.clone(),
                name: c.name.clone(),
                depth,
                max_points: c.max_points,
                scored: c.is_leaf(),
                method: match c.method {
                    Method::Manual => "manual",
                    Method::Computed { .. } => "computed",
                    Method::Survey { .. } => "survey",
                }
                .into(),
                method_vi: if c.is_leaf() {
                    c.method.describe_vi()
                } else {
                    String::new()
                },
                guidance: c.guidance.clone(),
                evidence_required: c.evidence.clone(),
                self_points: e.self_points,
                self_note: e.self_note,
                percent: e.percent,
                council_points: e.council_points,
                council_note: e.council_note,
                explanation: e.explanation,
                points,
            }
        })
        .collect();
    let (per_field, total) = a.totals(set);
    let stage = a.stage;
    AssessmentView {
        set_id: set_row.id,
        year: set_row.year,
        set_name: set_row.name.clone(),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        stage,
        stage_vi: stage.label_vi().into(),
        version,
        self_deadline: set_row.self_deadline.clone(),
        past_deadline: past,
        rows,
        per_field: set
            .fields
            .iter()
            .zip(per_field)
            .map(|(f, p)| (f.code.clone(), f.name.clone(), p, f.max_points))
            .collect(),
        total,
        self_total: a.self_total(set),
        max_total: set.max_total(),
        grade: set.grade_of(total).map(|g| g.name.clone()),
        evidence: evidence.into_iter().map(evidence_view).collect(),
        may_self_score: is_unit && stage == Stage::Draft && !past,
        may_appraise: is_council && matches!(stage, Stage::Submitted | Stage::Explained),
        may_send_back: is_council && stage == Stage::Submitted,
        may_explain: is_unit && stage == Stage::Appraised,
        may_finalise: is_council
            && matches!(
                stage,
                Stage::Submitted | Stage::Appraised | Stage::Explained
            ),
    }
}

/// Loads, checks the side, applies `f` through the domain, saves with the version and audits.
#[allow(clippy::too_many_arguments)]
async fn change(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    side: Side,
    expected_version: Option<i64>,
    action: &str,
    rates: Option<SystemRates>,
    f: impl FnOnce(&mut Assessment, &CriteriaSet, Option<String>) -> Result<(), StageError>,
) -> Result<AssessmentView> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let set_row = load_set(&mut tx, actor.tenant_id, set_id).await?;
    let set = parse_set(&set_row)?;
    let unit = unit_for(&mut tx, actor.tenant_id, &set, unit_code).await?;
    let (is_unit, is_council) = sides(actor, &unit);
    let allowed = match side {
        Side::Unit => is_unit,
        Side::Council => is_council,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let row =
        store::ensure_assessment(&mut tx, actor.tenant_id, set_id, unit.id, "{}", now).await?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Stale);
    }
    let mut a = parse_assessment(&row)?;
    let before = a.clone();
    let past = past_deadline(app, &set_row.self_deadline);
    f(&mut a, &set, past.clone())?;
    if let Some(rates) = rates {
        a.fill_computed(&set, |s| rates.get(s));
    }
    let json = serde_json::to_string(&a.entries).map_err(|e| AppError::Internal(e.to_string()))?;
    store::save_assessment(
        &mut tx,
        actor.tenant_id,
        row.id,
        row.version,
        a.stage.as_str(),
        &json,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action,
            entity_type: "reform_assessment",
            entity_id: row.id.to_string(),
            before: Some(serde_json::json!({ "stage": before.stage, "entries": before.entries })),
            after: Some(serde_json::json!({
                "set": set_id, "unit": unit.code, "stage": a.stage, "entries": a.entries,
            })),
        },
    )
    .await?;
    let evidence = store::evidence(&mut tx, actor.tenant_id, row.id).await?;
    commit(tx).await?;
    let mut shown = a.clone();
    if shown.stage == Stage::Draft {
        let rates = system_rates(app, actor.tenant_id, set_row.year, &unit).await?;
        shown.fill_computed(&set, |s| rates.get(s));
    }
    Ok(build_view(
        &set_row,
        &set,
        &unit,
        &shown,
        row.version + 1,
        evidence,
        past.is_some(),
        is_unit,
        is_council,
    ))
}

fn triples(scores: &[ScoreInput]) -> Vec<(String, Option<f64>, String)> {
    scores
        .iter()
        .map(|s| (s.code.trim().to_owned(), s.points, s.note.clone()))
        .collect()
}

/// The unit's leader enters points and notes (draft, by the deadline).
pub async fn self_score(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    version: Option<i64>,
    scores: &[ScoreInput],
) -> Result<AssessmentView> {
    let scores = triples(scores);
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Unit,
        version,
        "reform.self_scored",
        None,
        |a, set, past| a.self_score(set, &scores, past),
    )
    .await
}

/// The unit sends its scores to the council; the system's figures are fixed at this moment.
pub async fn submit(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
) -> Result<AssessmentView> {
    let mut conn = app.db.read_conn().await?;
    let set_row = load_set(&mut conn, actor.tenant_id, set_id).await?;
    let unit = units::by_code(&mut conn, actor.tenant_id, unit_code.trim())
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    drop(conn);
    if actor.require_at(Action::AssessReform, &unit.path).is_err() {
        return Err(AppError::Forbidden);
    }
    let rates = system_rates(app, actor.tenant_id, set_row.year, &unit).await?;
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Unit,
        None,
        "reform.submitted",
        Some(rates),
        |a, _, past| a.submit(past),
    )
    .await
}

/// The council adjusts points with comments, or enters survey results (percent).
pub async fn appraise(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    version: Option<i64>,
    scores: &[ScoreInput],
) -> Result<AssessmentView> {
    let scores = triples(scores);
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Council,
        version,
        "reform.appraised",
        None,
        |a, set, _| a.appraise(set, &scores),
    )
    .await
}

/// The council sends its appraisal to the unit, which may explain once.
pub async fn send_for_explanation(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
) -> Result<AssessmentView> {
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Council,
        None,
        "reform.sent_for_explanation",
        None,
        |a, _, _| a.send_for_explanation(),
    )
    .await
}

/// The unit's one explanation (a note per criterion it disputes).
pub async fn explain(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    notes: &[ScoreInput],
) -> Result<AssessmentView> {
    let notes: Vec<(String, String)> = notes
        .iter()
        .map(|n| (n.code.trim().to_owned(), n.note.clone()))
        .collect();
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Unit,
        None,
        "reform.explained",
        None,
        |a, set, _| a.explain(set, &notes),
    )
    .await
}

/// The council makes the unit's scores final.
pub async fn finalise(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
) -> Result<AssessmentView> {
    change(
        app,
        actor,
        set_id,
        unit_code,
        Side::Council,
        None,
        "reform.finalised",
        None,
        |a, _, _| a.finalise(),
    )
    .await
}
