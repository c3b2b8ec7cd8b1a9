//! Administrative-reform index (Chỉ số CCHC): criteria sets, units' assessments, appraisal,
//! results. Units are named by their code; sets by id.

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use motcua_app::reform_index::plan;
use motcua_app::reform_index::{
    self as reform, AssessmentView, CopyInput, Evidence, Results, ScoreInput, SetInput, SetSummary,
    SetView,
};
use serde::Deserialize;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn download(content_type: &str, name: String, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The criteria sets, newest year first.
#[utoipa::path(get, path = "/api/v1/reform-index/sets", tag = "reform-index",
    responses((status = 200, body = Vec<SetSummary>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_sets(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<SetSummary>>> {
    Ok(Json(reform::list_sets(&state.app, ctx.actor()?).await?))
}

/// Creates a criteria set (validated: sub-criteria add up to their parent, bands within the
/// maximum, grades best first). One set per year and kind of unit.
#[utoipa::path(post, path = "/api/v1/reform-index/sets", tag = "reform-index", request_body = SetInput,
    responses((status = 201, body = SetView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_set(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<SetInput>,
) -> ApiResult<(StatusCode, Json<SetView>)> {
    let view = reform::create_set(&state.app, ctx.actor()?, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Where an imported set's self-assessment deadline comes from.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Last day of self-assessment, `YYYY-MM-DD`.
    #[serde(default)]
    pub self_deadline: String,
}

/// Creates a set from its table: CSV (`text/csv`) or XLSX, in the layout of the exports.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/import", tag = "reform-index", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = SetView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn import_set(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<SetView>)> {
    let actor = ctx.actor()?;
    actor.require(motcua_domain::permission::Action::AppraiseReform)?;
    let is_xlsx = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(XLSX))
        || body.starts_with(b"PK\x03\x04");
    let definition = if is_xlsx {
        reform::import_xlsx(&body)?
    } else {
        let text = std::str::from_utf8(&body)
            .map_err(|_| AppError::invalid("file", "CSV must be UTF-8"))?;
        reform::import_csv(text)?
    };
    let view = reform::create_set(
        &state.app,
        actor,
        SetInput {
            definition,
            self_deadline: q.self_deadline,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A set with its criteria, methods and formulas.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, body = SetView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_set(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SetView>> {
    Ok(Json(reform::get_set(&state.app, ctx.actor()?, id).await?))
}

/// A new year's set copied from this one.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/copy", tag = "reform-index", params(("id" = i64, Path)),
    request_body = CopyInput,
    responses((status = 201, body = SetView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn copy_set(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CopyInput>,
) -> ApiResult<(StatusCode, Json<SetView>)> {
    let view = reform::copy_set(&state.app, ctx.actor()?, id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The set as CSV (columns loai, ma, ten, diem, phuong_phap, nguon, nguong, huong_dan, kiem_chung).
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/export.csv", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let view = reform::get_set(&state.app, ctx.actor()?, id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!(
            "bo-tieu-chi-cchc-{}-{}.csv",
            view.summary.year, view.summary.unit_kind
        ),
        reform::export_csv(&view.definition).into_bytes(),
    ))
}

/// The set as a spreadsheet with the same columns.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/export.xlsx", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let view = reform::get_set(&state.app, ctx.actor()?, id).await?;
    Ok(download(
        XLSX,
        format!(
            "bo-tieu-chi-cchc-{}-{}.xlsx",
            view.summary.year, view.summary.unit_kind
        ),
        reform::export_xlsx(&view.definition)?,
    ))
}

/// A unit's assessment: criteria with the unit's points, the system's figures, the council's
/// adjustments, totals, evidence and what the caller may do now.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/units/{unit}", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn assessment(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::assessment(&state.app, ctx.actor()?, id, &unit).await?,
    ))
}

/// Scores with notes, and the version they were made on.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresInput {
    /// The assessment's version as read; a stale version is refused (409 `stale_version`).
    pub version: Option<i64>,
    pub scores: Vec<ScoreInput>,
}

/// The unit's own points and notes (its leader; draft only, by the deadline).
#[utoipa::path(put, path = "/api/v1/reform-index/sets/{id}/units/{unit}/self-scores", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)), request_body = ScoresInput,
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn self_score(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::self_score(
            &state.app,
            ctx.actor()?,
            id,
            &unit,
            input.version,
            &input.scores,
        )
        .await?,
    ))
}

/// The unit submits its self-assessment; the system's figures are fixed.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/units/{unit}/submit", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::submit(&state.app, ctx.actor()?, id, &unit).await?,
    ))
}

/// The council's adjusted points with comments; for survey criteria, the survey result in percent.
#[utoipa::path(put, path = "/api/v1/reform-index/sets/{id}/units/{unit}/appraisal", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)), request_body = ScoresInput,
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn appraise(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::appraise(
            &state.app,
            ctx.actor()?,
            id,
            &unit,
            input.version,
            &input.scores,
        )
        .await?,
    ))
}

/// The council sends its appraisal to the unit, which may explain once.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/units/{unit}/send-back", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn send_back(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::send_for_explanation(&state.app, ctx.actor()?, id, &unit).await?,
    ))
}

/// The unit's one explanation: a note per disputed criterion (`points` is ignored).
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/units/{unit}/explanation", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)), request_body = ScoresInput,
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn explain(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::explain(&state.app, ctx.actor()?, id, &unit, &input.scores).await?,
    ))
}

/// The council makes the unit's scores final.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/units/{unit}/finalise", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn finalise(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        reform::finalise(&state.app, ctx.actor()?, id, &unit).await?,
    ))
}

/// Evidence for a criterion (multipart: `criterion` and one or more files; PDF, JPEG, PNG,
/// DOCX or XLSX, recognised from the bytes).
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/units/{unit}/evidence", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path)),
    request_body(content = String, content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<Evidence>), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    crate::extract::ApiMultipart(multipart): crate::extract::ApiMultipart,
) -> ApiResult<(StatusCode, Json<Vec<Evidence>>)> {
    let actor = ctx.actor()?;
    let form = crate::upload::read(multipart, state.app.settings.max_attachment_bytes).await?;
    if form.files.is_empty() {
        return Err(AppError::invalid("file", "attach at least one file").into());
    }
    let mut added = Vec::new();
    for upload in &form.files {
        added.push(
            reform::attach_evidence(
                &state.app,
                actor,
                id,
                &unit,
                form.get("criterion"),
                &upload.file_name,
                &upload.bytes,
            )
            .await?,
        );
    }
    Ok((StatusCode::CREATED, Json(added)))
}

/// Downloads an evidence file.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/units/{unit}/evidence/{evidence}", tag = "reform-index",
    params(("id" = i64, Path), ("unit" = String, Path), ("evidence" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, unit, evidence)): ApiPath<(i64, String, i64)>,
) -> ApiResult<Response> {
    let (meta, bytes) =
        reform::download_evidence(&state.app, ctx.actor()?, id, &unit, evidence).await?;
    Ok(evidence_response(&meta, bytes))
}

pub fn evidence_response(meta: &Evidence, bytes: Vec<u8>) -> Response {
    let ascii = crate::pages::files::ascii_file_name(&meta.name);
    (
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Survey results as CSV lines `ma_don_vi,ma_tieu_chi,ty_le` (all or nothing).
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/survey", tag = "reform-index", params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = serde_json::Value), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn import_survey(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    let text =
        std::str::from_utf8(&body).map_err(|_| AppError::invalid("file", "CSV must be UTF-8"))?;
    let n = reform::import_survey(&state.app, ctx.actor()?, id, text).await?;
    Ok(Json(serde_json::json!({ "entered": n })))
}

/// Results: finalised units ranked, points per field, grade, previous year's total.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/results", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, body = Results), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn results(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Results>> {
    Ok(Json(reform::results(&state.app, ctx.actor()?, id).await?))
}

/// The results as a spreadsheet.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/results.xlsx", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn results_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let r = reform::results(&state.app, ctx.actor()?, id).await?;
    Ok(download(
        XLSX,
        format!(
            "ket-qua-chi-so-cchc-{}-{}.xlsx",
            r.set.year, r.set.unit_kind
        ),
        reform::results_xlsx(&r)?,
    ))
}

/// The results as a landscape PDF.
#[utoipa::path(get, path = "/api/v1/reform-index/sets/{id}/results.pdf", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn results_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let r = reform::results(&state.app, ctx.actor()?, id).await?;
    let pdf = reform::results_pdf(&state.app, ctx.tenant.id, &r).await?;
    Ok(download(
        "application/pdf",
        format!("ket-qua-chi-so-cchc-{}-{}.pdf", r.set.year, r.set.unit_kind),
        pdf,
    ))
}

/// Publishes the results on the public portal.
#[utoipa::path(post, path = "/api/v1/reform-index/sets/{id}/publish", tag = "reform-index", params(("id" = i64, Path)),
    responses((status = 200, body = Results), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Results>> {
    Ok(Json(reform::publish(&state.app, ctx.actor()?, id).await?))
}

/// The year's reform-plan tasks of the caller's units (the council: every unit it plans), with
/// status (done, in progress, not started, overdue).
#[utoipa::path(get, path = "/api/v1/reform-index/plan/{year}/tasks", tag = "reform-index", params(("year" = i16, Path)),
    responses((status = 200, body = Vec<plan::Task>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn tasks(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(year): ApiPath<i16>,
) -> ApiResult<Json<Vec<plan::Task>>> {
    Ok(Json(plan::tasks(&state.app, ctx.actor()?, year).await?))
}

/// The council adds a task of the plan for a unit.
#[utoipa::path(post, path = "/api/v1/reform-index/plan/tasks", tag = "reform-index", request_body = plan::TaskInput,
    responses((status = 201, body = plan::Task), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_task(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<plan::TaskInput>,
) -> ApiResult<(StatusCode, Json<plan::Task>)> {
    Ok((
        StatusCode::CREATED,
        Json(plan::add_task(&state.app, ctx.actor()?, input).await?),
    ))
}

/// The unit reports a task's progress (percent and what was done).
#[utoipa::path(put, path = "/api/v1/reform-index/plan/tasks/{id}/progress", tag = "reform-index", params(("id" = i64, Path)),
    request_body = plan::ProgressInput,
    responses((status = 200, body = plan::Task), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn report_progress(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<plan::ProgressInput>,
) -> ApiResult<Json<plan::Task>> {
    Ok(Json(
        plan::report_progress(&state.app, ctx.actor()?, id, input).await?,
    ))
}

/// The year's discipline inspections of the caller's units.
#[utoipa::path(get, path = "/api/v1/reform-index/inspections/{year}", tag = "reform-index", params(("year" = i16, Path)),
    responses((status = 200, body = Vec<plan::Inspection>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn inspections(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(year): ApiPath<i16>,
) -> ApiResult<Json<Vec<plan::Inspection>>> {
    Ok(Json(
        plan::inspections(&state.app, ctx.actor()?, year).await?,
    ))
}

/// The council records a discipline inspection (date, unit, findings, follow-up).
#[utoipa::path(post, path = "/api/v1/reform-index/inspections", tag = "reform-index", request_body = plan::InspectionInput,
    responses((status = 201, body = plan::Inspection), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_inspection(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<plan::InspectionInput>,
) -> ApiResult<(StatusCode, Json<plan::Inspection>)> {
    Ok((
        StatusCode::CREATED,
        Json(plan::add_inspection(&state.app, ctx.actor()?, input).await?),
    ))
}
