//! The procedure catalogue: public reads, administrator writes with optimistic concurrency
//! (`ETag` on read, `If-Match` required on update).

use crate::ctx::Ctx;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::catalogue::{self, FieldRef, Procedure, ProcedurePage, SearchQuery};
use motcua_app::org::By;
use motcua_app::store::catalogue::FieldCount;
use motcua_domain::catalogue::ProcedureSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldView {
    pub code: String,
    pub name: String,
    /// Number of procedures in the field.
    pub procedures: i64,
}

/// Fields (lĩnh vực) with their number of procedures.
#[utoipa::path(get, path = "/api/v1/fields", tag = "catalogue", responses((status = 200, body = Vec<FieldView>)))]
pub async fn list_fields(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<FieldView>>> {
    let rows: Vec<FieldCount> = catalogue::fields(&state.app, ctx.tenant.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|f| FieldView {
                code: f.code,
                name: f.name,
                procedures: f.procedures,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    pub name: String,
}

/// Creates or renames a field.
#[utoipa::path(put, path = "/api/v1/fields/{code}", tag = "catalogue", params(("code" = String, Path)), request_body = FieldInput,
    responses((status = 200, body = FieldRef), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn save_field(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<FieldInput>,
) -> ApiResult<Json<FieldRef>> {
    Ok(Json(
        catalogue::upsert_field(&state.app, By::User(ctx.actor()?), &code, &input.name).await?,
    ))
}

/// Searches the catalogue; words match without diacritics ("dang ky khai sinh").
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", params(SearchQuery),
    responses((status = 200, body = ProcedurePage), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<ProcedurePage>> {
    Ok(Json(
        catalogue::search(&state.app, ctx.tenant.id, &query).await?,
    ))
}

fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

fn with_etag(status: StatusCode, procedure: Procedure) -> Response {
    (
        status,
        [(header::ETAG, etag(procedure.version))],
        Json(procedure),
    )
        .into_response()
}

/// One procedure, with its `ETag` (the version).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path)),
    responses((status = 200, body = Procedure), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        StatusCode::OK,
        catalogue::get(&state.app, ctx.tenant.id, &code).await?,
    ))
}

/// Adds a procedure to the catalogue.
#[utoipa::path(post, path = "/api/v1/procedures", tag = "catalogue", request_body = ProcedureSpec,
    responses((status = 201, body = Procedure), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(spec): ApiJson<ProcedureSpec>,
) -> ApiResult<Response> {
    let created = catalogue::create(&state.app, By::User(ctx.actor()?), spec).await?;
    Ok(with_etag(StatusCode::CREATED, created))
}

fn expected_version(headers: &HeaderMap) -> ApiResult<i64> {
    let raw = headers.get(header::IF_MATCH).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "Send If-Match with the ETag you read",
        )
    })?;
    raw.to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_if_match",
                "If-Match must be an ETag from a read",
            )
        })
}

/// Replaces a procedure's data. Requires `If-Match`; a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path), ("If-Match" = String, Header)),
    request_body = ProcedureSpec,
    responses((status = 200, body = Procedure), (status = 403, body = Problem), (status = 409, body = Problem), (status = 428, body = Problem)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(spec): ApiJson<ProcedureSpec>,
) -> ApiResult<Response> {
    let actor = ctx.actor()?;
    let version = expected_version(&headers)?;
    let updated = catalogue::update(&state.app, By::User(actor), &code, version, spec).await?;
    Ok(with_etag(StatusCode::OK, updated))
}

/// Removes a procedure from the catalogue.
#[utoipa::path(delete, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Still referenced by files: retire it instead")),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<StatusCode> {
    catalogue::delete(&state.app, By::User(ctx.actor()?), &code).await?;
    Ok(StatusCode::NO_CONTENT)
}
