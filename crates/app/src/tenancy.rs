//! Tenants: which province a request belongs to.

use crate::{App, AppError, Result};
use motcua_store::audit;
use motcua_store::tenants::{self, Tenant};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long an instance trusts its copy of the tenant list. Tenants are only ever added (by
/// `motcua demo` or the administrator's command line, possibly in another process), so a copy
/// at most this old costs a new province a few seconds before its first request, and saves a
/// statement on every request.
const TENANTS_TTL: Duration = Duration::from_secs(5);

/// The tenant list as last read, with when (monotonic time, not the application clock, which
/// tests move).
#[derive(Default)]
pub(crate) struct TenantCache(RwLock<Option<(Instant, Arc<Vec<Tenant>>)>>);

impl TenantCache {
    fn fresh(&self) -> Option<Arc<Vec<Tenant>>> {
        let guard = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < TENANTS_TTL)
            .map(|(_, all)| Arc::clone(all))
    }

    fn store(&self, all: Option<Arc<Vec<Tenant>>>) {
        let mut guard = self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = all.map(|all| (Instant::now(), all));
    }
}

async fn all_tenants(app: &App) -> Result<Arc<Vec<Tenant>>> {
    if let Some(all) = app.tenants.fresh() {
        return Ok(all);
    }
    let mut conn = app.db.read_conn().await?;
    let all = Arc::new(tenants::list(&mut conn).await?);
    // An empty list is not kept: the first tenant must be served as soon as it exists.
    app.tenants
        .store(Some(Arc::clone(&all)).filter(|a| !a.is_empty()));
    Ok(all)
}

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
    // This instance sees a new tenant at once (others within TENANTS_TTL).
    app.tenants.store(None);
    Ok(tenant)
}

/// The tenant serving a request: the one whose host name matches, else the given default
/// tenant code, else the first tenant.
pub async fn resolve(app: &App, host: Option<&str>, default_code: Option<&str>) -> Result<Tenant> {
    let all = all_tenants(app).await?;
    let host = host.map(|h| h.split(':').next().unwrap_or(h));
    all.iter()
        .find(|t| host.is_some() && t.host.as_deref() == host)
        .or_else(|| default_code.and_then(|c| all.iter().find(|t| t.code == c)))
        .or_else(|| all.first())
        .cloned()
        .ok_or(AppError::NotFound("tenant"))
}
