//! Background jobs as administrators see them: the dead letters, and putting one back.

use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_store::jobs::{self as store, JobRow, NewJob};
use motcua_store::{commit, tenants};

/// Jobs in `state` (queued, running, done, dead), most recently changed first.
pub async fn list(
    app: &App,
    actor: &Actor,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<JobRow>> {
    actor.require(Action::ManageJobs)?;
    if !store::STATES.contains(&state) {
        return Err(AppError::invalid(
            "state",
            "one of queued, running, done, dead",
        ));
    }
    let mut conn = app.db.read_conn().await?;
    Ok(store::list(
        &mut conn,
        actor.tenant_id,
        state,
        limit.clamp(1, 500),
        offset.max(0),
    )
    .await?)
}

/// Puts a dead job back in the queue with a fresh count of attempts (after the cause was
/// fixed: the gateway is back, the address corrected).
pub async fn retry(app: &App, actor: &Actor, id: i64) -> Result<JobRow> {
    actor.require(Action::ManageJobs)?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let before = store::by_id(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("job"))?;
    if !store::requeue_dead(&mut tx, actor.tenant_id, id, now).await? {
        return Err(AppError::Conflict {
            code: "job_not_dead",
            message: format!(
                "job {id} is {}, only dead jobs can be retried",
                before.state
            ),
        });
    }
    let after = store::by_id(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("job"))?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "job.retry",
            entity_type: "job",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "state": before.state, "attempts": before.attempts, "kind": before.kind })),
            after: Some(serde_json::json!({ "state": after.state, "attempts": after.attempts })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(after)
}

/// Jobs per state over every tenant (the queue depth metric).
pub async fn depth(app: &App) -> Result<Vec<(String, i64)>> {
    let mut conn = app.db.read_conn().await?;
    let mut totals: Vec<(String, i64)> =
        store::STATES.iter().map(|s| ((*s).to_owned(), 0)).collect();
    for tenant in tenants::list(&mut conn).await? {
        for (state, n) in store::count_by_state(&mut conn, tenant.id).await? {
            if let Some(t) = totals.iter_mut().find(|(s, _)| *s == state) {
                t.1 += n;
            }
        }
    }
    Ok(totals)
}

/// Queues `count` self-test jobs that each sleep `sleep_ms`, then record one row (to check
/// that several instances run every job exactly once). Returns their ids' range.
pub async fn enqueue_probes(app: &App, tenant_id: i64, count: u32, sleep_ms: u64) -> Result<u32> {
    let now = app.now_secs();
    let batch = format!("{}-{}", now, std::process::id());
    let payload = serde_json::json!({ "sleep_ms": sleep_ms }).to_string();
    let mut tx = app.db.begin().await?;
    for i in 0..count {
        let key = format!("probe:{batch}:{i}");
        store::enqueue(
            &mut tx,
            tenant_id,
            &NewJob {
                kind: "probe",
                payload_json: &payload,
                idempotency_key: &key,
                run_after: now,
            },
            now,
        )
        .await?;
    }
    commit(tx).await?;
    Ok(count)
}
