//! The audit trail, for administrators and the reform office.

use crate::api::org::Paging;
use crate::ctx::Ctx;
use crate::extract::ApiQuery;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use motcua_app::audit::{self, Verification};
use motcua_app::store::audit::AuditRecord;
use motcua_domain::permission::Action;

/// Most recent audit records, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Paging),
    responses((status = 200, body = Vec<Object>), (status = 403, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn recent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<AuditRecord>>> {
    let rows = audit::recent(
        &state.app,
        ctx.actor()?,
        paging.limit.unwrap_or(100),
        paging.offset.unwrap_or(0),
    )
    .await?;
    Ok(Json(rows))
}

/// Recomputes every hash chain of the trail and reports the first break.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Object), (status = 403, body = Problem)), security(("session" = []), ("bearer" = [])))]
pub async fn verify(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Verification>> {
    ctx.actor()?.require(Action::ViewAudit)?;
    Ok(Json(audit::verify(&state.app, ctx.tenant.id).await?))
}
