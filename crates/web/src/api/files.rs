//! Files: intake, work lists, detail with history, workflow actions, public lookup.

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiMultipart, ApiPath, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use motcua_app::files::{
    self, ActionInput, Attachment, AttachmentKind, FileDetail, FilePage, FileSummary, Intake,
    OnlineSubmission, PublicStatus, QueueItem, QueueQuery, Rater, Rating, RatingInput, Receipt,
    StateCount,
};
use serde::Deserialize;

/// Receives a file at the counter or by post; returns its code and the lookup PIN (shown once).
#[utoipa::path(post, path = "/api/v1/files", tag = "files", request_body = Intake,
    responses((status = 201, body = Receipt), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<Intake>,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    let receipt = files::receive(&state.app, ctx.actor()?, input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Work list of a unit (or my own files), most urgent first.
#[utoipa::path(get, path = "/api/v1/files", tag = "files", params(QueueQuery),
    responses((status = 200, body = FilePage), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> ApiResult<Json<FilePage>> {
    Ok(Json(files::queue(&state.app, ctx.actor()?, &query).await?))
}

/// A file with its history and the explanation of its deadline.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files", params(("id" = i64, Path)),
    responses((status = 200, body = FileDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FileDetail>> {
    Ok(Json(files::detail(&state.app, ctx.actor()?, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub action: ActionInput,
    /// The version of the file you saw; a file changed meanwhile gets 409.
    pub version: Option<i64>,
    pub note: Option<String>,
}

/// Applies a workflow action (assign, request a supplement, approve, hand over…).
#[utoipa::path(post, path = "/api/v1/files/{id}/actions", tag = "files", params(("id" = i64, Path)), request_body = ActionRequest,
    responses((status = 200, body = FileSummary), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<ActionRequest>,
) -> ApiResult<Json<FileSummary>> {
    let summary = files::act(
        &state.app,
        ctx.actor()?,
        id,
        request.action,
        request.version,
        request.note.as_deref(),
    )
    .await?;
    Ok(Json(summary))
}

/// Files per state at a unit and its sub-units.
#[utoipa::path(get, path = "/api/v1/units/{code}/file-counts", tag = "files", params(("code" = String, Path)),
    responses((status = 200, body = Vec<StateCount>), (status = 403, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn counts(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<Vec<StateCount>>> {
    Ok(Json(files::counts(&state.app, ctx.actor()?, &code).await?))
}

/// Prints the receipt and appointment (form 01) as PDF, with a new lookup PIN on it.
#[utoipa::path(post, path = "/api/v1/files/{id}/receipt", tag = "files", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let base = public_base(&state, &headers);
    let (code, pdf) = files::print_receipt(&state.app, ctx.actor()?, id, &base).await?;
    Ok(crate::pages::files::pdf_response("bien-nhan", &code, pdf))
}

/// The public address for links printed on paper: the configured one, else this request's host.
pub fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The file code printed on the receipt.
    pub code: String,
    /// The PIN printed on the receipt, or the applicant's phone number.
    pub secret: String,
}

/// Tra cứu hồ sơ: the status of a file by code and secret, without signing in.
#[utoipa::path(post, path = "/api/v1/lookup", tag = "files", request_body = LookupRequest,
    responses((status = 200, body = PublicStatus), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<LookupRequest>,
) -> ApiResult<Json<PublicStatus>> {
    Ok(Json(
        files::lookup(&state.app, ctx.tenant.id, &req.code, &req.secret).await?,
    ))
}

/// Nộp hồ sơ trực tuyến: a citizen submits a file; it gets its code when the unit receives it.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "files", request_body = OnlineSubmission,
    responses((status = 201, body = FileSummary), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<OnlineSubmission>,
) -> ApiResult<(StatusCode, Json<FileSummary>)> {
    let summary = files::submit_online(&state.app, ctx.actor()?, input).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParam {
    /// 1-based page of 50 files.
    pub page: Option<i64>,
}

/// The signed-in applicant's own files, newest first.
#[utoipa::path(get, path = "/api/v1/me/files", tag = "files", params(PageParam),
    responses((status = 200, body = Vec<QueueItem>), (status = 401, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(param): ApiQuery<PageParam>,
) -> ApiResult<Json<Vec<QueueItem>>> {
    Ok(Json(
        files::my_files(&state.app, ctx.actor()?, param.page.unwrap_or(1)).await?,
    ))
}

/// Prints one of the file's forms as PDF: `phieu-yeu-cau-bo-sung`, `phieu-tu-choi`,
/// `phieu-xin-loi`, `thong-bao-dung-giai-quyet` or `phieu-kiem-soat`.
#[utoipa::path(get, path = "/api/v1/files/{id}/forms/{form}", tag = "files",
    params(("id" = i64, Path), ("form" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, slug)): ApiPath<(i64, String)>,
) -> ApiResult<Response> {
    let form = files::PrintedForm::parse(&slug).ok_or(motcua_app::AppError::NotFound("form"))?;
    let (code, pdf) = files::print_form(&state.app, ctx.actor()?, id, form).await?;
    Ok(crate::pages::files::pdf_response(form.slug(), &code, pdf))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRating {
    pub code: String,
    /// The PIN printed on the receipt, or the applicant's phone number.
    pub secret: String,
    /// Indicator number → points (2, 1 or 0) for the indicators the applicant answers.
    #[schema(value_type = Object)]
    pub answers: std::collections::BTreeMap<u8, u8>,
}

/// Rates a finished file with the receipt's code and secret, without signing in (once per file).
#[utoipa::path(post, path = "/api/v1/lookup/rating", tag = "files", request_body = ReceiptRating,
    responses((status = 201, body = Rating), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn rate_by_receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<ReceiptRating>,
) -> ApiResult<(StatusCode, Json<Rating>)> {
    let rating = files::rate(
        &state.app,
        Rater::Receipt {
            tenant_id: ctx.tenant.id,
            code: &req.code,
            secret: &req.secret,
        },
        &RatingInput {
            answers: req.answers,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(rating)))
}

/// The signed-in applicant rates their own finished file (once).
#[utoipa::path(post, path = "/api/v1/me/files/{id}/rating", tag = "files", params(("id" = i64, Path)), request_body = RatingInput,
    responses((status = 201, body = Rating), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn rate_own(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RatingInput>,
) -> ApiResult<(StatusCode, Json<Rating>)> {
    let rating = files::rate(
        &state.app,
        Rater::Owner {
            actor: ctx.actor()?,
            file_id: id,
        },
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(rating)))
}

/// Attaches documents to a file (multipart: `file` parts, optional `kind` = `document` or
/// `result`). The type is read from the bytes: PDF, JPEG, PNG, DOCX, XLSX.
#[utoipa::path(post, path = "/api/v1/files/{id}/attachments", tag = "files", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = Vec<Attachment>), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<(StatusCode, Json<Vec<Attachment>>)> {
    let actor = ctx.actor()?;
    let form = crate::upload::read(multipart, state.app.settings.max_attachment_bytes).await?;
    let kind = match form.get("kind") {
        "" => AttachmentKind::Document,
        k => AttachmentKind::parse(k)
            .ok_or_else(|| motcua_app::AppError::invalid("kind", "document or result"))?,
    };
    if form.files.is_empty() {
        return Err(motcua_app::AppError::invalid("file", "attach at least one file").into());
    }
    let mut added = Vec::new();
    for upload in &form.files {
        added.push(
            files::attach(
                &state.app,
                actor,
                id,
                kind,
                &upload.file_name,
                &upload.bytes,
            )
            .await?,
        );
    }
    Ok((StatusCode::CREATED, Json(added)))
}

/// The documents attached to a file.
#[utoipa::path(get, path = "/api/v1/files/{id}/attachments", tag = "files", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Attachment>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn attachments(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Attachment>>> {
    Ok(Json(
        files::attachments(&state.app, ctx.actor()?, id).await?,
    ))
}

/// Downloads an attached document.
#[utoipa::path(get, path = "/api/v1/files/{id}/attachments/{attachment}", tag = "files",
    params(("id" = i64, Path), ("attachment" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, attachment)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    let (meta, bytes) = files::download(&state.app, ctx.actor()?, id, attachment).await?;
    Ok(attachment_response(&meta, bytes))
}

/// The bytes as a download: never shown inline, with the cleaned name in RFC 6266 form.
pub fn attachment_response(meta: &Attachment, bytes: Vec<u8>) -> Response {
    use axum::response::IntoResponse;
    let ascii = crate::pages::files::ascii_file_name(&meta.name);
    let encoded: String = meta
        .name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
