//! Tenants: which province a request belongs to.

use crate::{App, AppError, Result};
use motcua_store::audit;
use motcua_store::tenants::{self, Tenant};

/// Returns the tenant with `code`, creating it (with its audit chains) if absent.
pub async fn ensure_tenant(app: &App, code: &str, name: &str) -> Result<Tenant> {
    let mut tx = app.db.begin().await?;
    let tenant = match tenants::by_code(&mut tx, code).await? {
        Some(t) => t,
        None => {
            let t = tenants::insert(&mut tx, code, name, None, app.now_secs()).await?;
            audit::create_chains(&mut tx, t.id).await?;
            t
        }
    };
    motcua_store::commit(tx).await?;
    Ok(tenant)
}

/// The tenant serving a request: the one whose host name matches, else the given default
/// tenant code, else the first tenant.
pub async fn resolve(app: &App, host: Option<&str>, default_code: Option<&str>) -> Result<Tenant> {
    let mut conn = app.db.read_conn().await?;
    let all = tenants::list(&mut conn).await?;
    let host = host.map(|h| h.split(':').next().unwrap_or(h));
    all.iter()
        .find(|t| host.is_some() && t.host.as_deref() == host)
        .or_else(|| default_code.and_then(|c| all.iter().find(|t| t.code == c)))
        .or_else(|| all.first())
        .cloned()
        .ok_or(AppError::NotFound("tenant"))
}
