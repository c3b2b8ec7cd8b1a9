//! Survey campaigns (khảo sát): the reform office writes a questionnaire, publishes it, anyone
//! answers it anonymously on the portal (check question + rate limit, nothing personal stored),
//! and the office reads the results as JSON, an XLSX workbook or a page with bars.

use crate::audit::{self, Change};
use crate::calendar::utc7;
use crate::feedback::ChallengeAnswer;
use crate::{Actor, App, AppError, Result, public_form};
use motcua_domain::permission::Action;
use motcua_domain::survey::{
    Questionnaire, SurveyAnswer, SurveyQuestionResult, SurveyState, accepting, check_response,
    tally,
};
use motcua_store::surveys::{self as store, NewSurvey, SurveyRow};
use motcua_store::units::Unit;
use motcua_store::{Conn, commit, units};
use serde::{Deserialize, Serialize};

/// A new survey: the questionnaire and the unit that runs it (by default the province).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSurveyInput {
    pub unit_code: Option<String>,
    pub questionnaire: Questionnaire,
}

/// A survey as shown to staff and, once published, to respondents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub state: SurveyState,
    pub state_label: String,
    /// Answers are taken today.
    pub accepting: bool,
    /// Why not, in Vietnamese, when answers are not taken today.
    pub not_open_vi: Option<String>,
    pub questionnaire: Questionnaire,
    pub version: i64,
}

/// A line of the staff list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveySummary {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub state: SurveyState,
    pub state_label: String,
}

/// An anonymous response.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyResponseInput {
    pub answers: Vec<SurveyAnswer>,
    /// The check question of `GET /api/v1/feedback/challenge`, answered.
    pub challenge: Option<ChallengeAnswer>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyResponseReceipt {
    pub survey_id: i64,
    pub message: String,
}

/// Results: counts per option, means of scales, free-text answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub survey: SurveyView,
    pub responses: u64,
    pub questions: Vec<SurveyQuestionResult>,
}

fn questionnaire_of(row: &SurveyRow) -> Result<Questionnaire> {
    serde_json::from_str(&row.questionnaire_json)
        .map_err(|e| AppError::Internal(format!("survey {}: {e}", row.id)))
}

fn state_of(row: &SurveyRow) -> SurveyState {
    SurveyState::parse(&row.state).unwrap_or(SurveyState::Draft)
}

fn today(app: &App) -> jiff::civil::Date {
    app.now().to_zoned(utc7()).date()
}

fn view(app: &App, row: &SurveyRow, unit: &Unit) -> Result<SurveyView> {
    let q = questionnaire_of(row)?;
    let state = state_of(row);
    let open = accepting(state, &q, today(app));
    Ok(SurveyView {
        id: row.id,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        state,
        state_label: state.label_vi().into(),
        accepting: open.is_ok(),
        not_open_vi: open.err().map(|why| why.message_vi().to_owned()),
        questionnaire: q,
        version: row.version,
    })
}

/// The survey and its unit, or 404.
async fn load(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<(SurveyRow, Unit)> {
    let row = store::by_id(conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("survey"))?;
    let unit = units::by_id(conn, tenant_id, row.unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    Ok((row, unit))
}

/// Loads a survey the actor manages; another unit's survey is 404 (its existence is not told).
async fn managed(conn: &mut Conn, actor: &Actor, id: i64) -> Result<(SurveyRow, Unit)> {
    actor.require(Action::ManageSurveys)?;
    let (row, unit) = load(conn, actor.tenant_id, id).await?;
    actor
        .require_at(Action::ManageSurveys, &unit.path)
        .map_err(|_| AppError::NotFound("survey"))?;
    Ok((row, unit))
}

/// The named unit, or the root of the tenant's tree.
pub(crate) async fn unit_or_root(
    conn: &mut Conn,
    tenant_id: i64,
    code: Option<&str>,
) -> Result<Unit> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => units::by_code(conn, tenant_id, code)
            .await?
            .ok_or_else(|| AppError::invalid("unit_code", "no such unit")),
        None => units::list(conn, tenant_id)
            .await?
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .ok_or(AppError::NotFound("unit")),
    }
}

/// Writes a new survey as a draft.
pub async fn create(app: &App, actor: &Actor, input: NewSurveyInput) -> Result<SurveyView> {
    actor.require(Action::ManageSurveys)?;
    let errors = input.questionnaire.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let q = input.questionnaire.normalised();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let unit = unit_or_root(&mut tx, actor.tenant_id, input.unit_code.as_deref()).await?;
    actor.require_at(Action::ManageSurveys, &unit.path)?;
    let json = serde_json::to_string(&q).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = store::insert(
        &mut tx,
        actor.tenant_id,
        &NewSurvey {
            unit_id: unit.id,
            title: &q.title,
            questionnaire_json: &json,
            opens_on: &q.opens_on.to_string(),
            closes_on: &q.closes_on.to_string(),
            created_by: actor.user_id,
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "survey.created",
            entity_type: "survey",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "unit_id": unit.id, "title": q.title, "questions": q.questions.len(),
                "opens_on": q.opens_on.to_string(), "closes_on": q.closes_on.to_string(),
            })),
        },
    )
    .await?;
    let (row, unit) = load(&mut tx, actor.tenant_id, id).await?;
    commit(tx).await?;
    view(app, &row, &unit)
}

async fn change_state(
    app: &App,
    actor: &Actor,
    id: i64,
    from: SurveyState,
    to: SurveyState,
) -> Result<SurveyView> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let (row, _) = managed(&mut tx, actor, id).await?;
    let state = state_of(&row);
    if state != from {
        let (code, message, message_vi) = match to {
            SurveyState::Published => (
                "survey.not_draft",
                "only a draft can be published",
                "Chỉ công bố được cuộc khảo sát đang là bản nháp.",
            ),
            _ => (
                "survey.not_published",
                "only a published survey can be closed",
                "Chỉ kết thúc được cuộc khảo sát đã công bố.",
            ),
        };
        return Err(AppError::Rule {
            code,
            message: message.into(),
            message_vi: message_vi.into(),
            conflict: true,
        });
    }
    store::set_state(&mut tx, actor.tenant_id, id, row.version, to.as_str(), now).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: match to {
                SurveyState::Published => "survey.published",
                _ => "survey.closed",
            },
            entity_type: "survey",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "state": from.as_str() })),
            after: Some(serde_json::json!({ "state": to.as_str() })),
        },
    )
    .await?;
    let (row, unit) = load(&mut tx, actor.tenant_id, id).await?;
    commit(tx).await?;
    view(app, &row, &unit)
}

/// Opens a draft to answers (from its first day).
pub async fn publish(app: &App, actor: &Actor, id: i64) -> Result<SurveyView> {
    change_state(app, actor, id, SurveyState::Draft, SurveyState::Published).await
}

/// Stops taking answers before the last day.
pub async fn close(app: &App, actor: &Actor, id: i64) -> Result<SurveyView> {
    change_state(app, actor, id, SurveyState::Published, SurveyState::Closed).await
}

/// The surveys of the units the actor manages, newest first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<SurveySummary>> {
    actor.require(Action::ManageSurveys)?;
    let mut conn = app.db.read_conn().await?;
    let rows = store::list(&mut conn, actor.tenant_id).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, path)| actor.require_at(Action::ManageSurveys, path).is_ok())
        .map(|(r, _)| {
            let state = state_of(&r);
            SurveySummary {
                id: r.id,
                title: r.title,
                unit_id: r.unit_id,
                opens_on: r.opens_on,
                closes_on: r.closes_on,
                state,
                state_label: state.label_vi().into(),
            }
        })
        .collect())
}

/// A survey: published or closed ones for anyone, drafts only for those who manage them.
pub async fn get(app: &App, tenant_id: i64, actor: Option<&Actor>, id: i64) -> Result<SurveyView> {
    let mut conn = app.db.read_conn().await?;
    let (row, unit) = load(&mut conn, tenant_id, id).await?;
    let manages = actor.is_some_and(|a| a.require_at(Action::ManageSurveys, &unit.path).is_ok());
    if state_of(&row) == SurveyState::Draft && !manages {
        return Err(AppError::NotFound("survey"));
    }
    view(app, &row, &unit)
}

/// Takes an anonymous response from `client` (its address, only hashed for the rate limit).
pub async fn respond(
    app: &App,
    tenant_id: i64,
    client: &str,
    id: i64,
    input: SurveyResponseInput,
) -> Result<SurveyResponseReceipt> {
    let now = app.now_secs();
    let today = today(app);
    let mut conn = app.db.read_conn().await?;
    let (row, _) = load(&mut conn, tenant_id, id).await?;
    let state = state_of(&row);
    let q = questionnaire_of(&row)?;
    if let Err(why) = accepting(state, &q, today) {
        return Err(AppError::Rule {
            code: why.code(),
            message: why.message().into(),
            message_vi: why.message_vi().into(),
            conflict: true,
        });
    }
    let answers = check_response(&q, &input.answers).map_err(AppError::Validation)?;
    let limits = &app.settings.feedback;
    let subject = public_form::subject(&format!("survey-addr:{id}"), client);
    let window = limits.window_minutes.max(1) * 60;
    public_form::check_limit(
        &mut conn,
        tenant_id,
        &subject,
        limits.max_per_address,
        window,
        now,
    )
    .await?;
    drop(conn);
    let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.db.begin().await?;
    let challenge = input
        .challenge
        .as_ref()
        .ok_or_else(|| AppError::invalid("challenge", "answer the check question"))?;
    crate::challenge::verify(app, &mut tx, tenant_id, &challenge.token, &challenge.answer).await?;
    let response_id =
        store::insert_response(&mut tx, tenant_id, id, &json, &today.to_string()).await?;
    public_form::count_use(&mut tx, tenant_id, &subject, now).await?;
    // The answers themselves stay out of the audit trail: free text may name people.
    audit::record(
        &mut tx,
        tenant_id,
        None,
        now,
        Change {
            action: "survey.answered",
            entity_type: "survey",
            entity_id: id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "response_id": response_id, "answers": answers.len() }),
            ),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(SurveyResponseReceipt {
        survey_id: id,
        message: "Cảm ơn bạn đã tham gia khảo sát. Câu trả lời đã được ghi nhận.".into(),
    })
}

/// The results of a survey the actor manages.
pub async fn results(app: &App, actor: &Actor, id: i64) -> Result<SurveyResults> {
    let mut conn = app.db.read_conn().await?;
    let (row, unit) = managed(&mut conn, actor, id).await?;
    let q = questionnaire_of(&row)?;
    let stored = store::responses(&mut conn, actor.tenant_id, id).await?;
    let responses: Vec<Vec<SurveyAnswer>> = stored
        .iter()
        .map(|s| serde_json::from_str(s))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| AppError::Internal(format!("survey {id} response: {e}")))?;
    Ok(SurveyResults {
        responses: responses.len() as u64,
        questions: tally(&q, &responses),
        survey: view(app, &row, &unit)?,
    })
}

/// The results as a workbook: one block per question (counts and shares, or the mean, or the
/// free-text answers).
pub fn results_xlsx(r: &SurveyResults) -> Result<Vec<u8>> {
    use motcua_domain::survey::QuestionKind;
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Ket qua").map_err(err)?;
    let bold = Format::new().set_bold();
    let q = &r.survey.questionnaire;
    ws.write_string_with_format(0, 0, format!("KẾT QUẢ KHẢO SÁT: {}", q.title), &bold)
        .map_err(err)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} — từ ngày {} đến ngày {}",
            r.survey.unit_name, q.opens_on, q.closes_on
        ),
    )
    .map_err(err)?;
    ws.write_string(2, 0, "Số phiếu trả lời").map_err(err)?;
    ws.write_number(2, 1, r.responses as f64).map_err(err)?;
    ws.set_column_width(0, 60).map_err(err)?;
    let mut row = 4u32;
    for qr in &r.questions {
        ws.write_string_with_format(row, 0, format!("Câu {}. {}", qr.index + 1, qr.text), &bold)
            .map_err(err)?;
        ws.write_string(row, 1, "Số lượt trả lời").map_err(err)?;
        ws.write_number(row, 2, qr.answered as f64).map_err(err)?;
        row += 1;
        match qr.kind {
            QuestionKind::FreeText => {
                for t in &qr.texts {
                    ws.write_string(row, 0, t).map_err(err)?;
                    row += 1;
                }
            }
            _ => {
                for c in &qr.counts {
                    ws.write_string(row, 0, &c.label).map_err(err)?;
                    ws.write_number(row, 1, c.count as f64).map_err(err)?;
                    ws.write_number(row, 2, c.percent).map_err(err)?;
                    row += 1;
                }
                if let Some(mean) = qr.mean {
                    ws.write_string(row, 0, "Điểm trung bình").map_err(err)?;
                    ws.write_number(row, 1, mean).map_err(err)?;
                    row += 1;
                }
            }
        }
        row += 1;
    }
    book.save_to_buffer().map_err(err)
}
