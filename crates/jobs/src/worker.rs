//! The worker loop: dispatch the outbox, schedule daily work, claim due jobs under a lease,
//! run them concurrently with a heartbeat, record the outcome; stop gracefully.

use crate::notify::Notifier;
use crate::{JobError, JobMetrics, handlers, kind};
use motcua_app::App;
use motcua_store::jobs::{self as store, ClaimedJob, NewJob};
use motcua_store::{Db, commit, tenants};
use serde::Deserialize;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// `[jobs]` in motcua.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Whether `motcua serve` also runs workers (`motcua worker` always does).
    pub enabled: bool,
    /// Jobs run at once by one process.
    pub concurrency: usize,
    /// How long a claimed job stays reserved without a heartbeat; a killed instance's jobs
    /// are taken by another after this.
    pub lease_seconds: i64,
    /// Attempts before a job is dead-lettered.
    pub max_attempts: i64,
    /// First retry delay; doubled on every further attempt, at most 6 hours.
    pub backoff_seconds: i64,
    /// How often an idle worker looks for due jobs.
    pub poll_millis: u64,
    /// On shutdown, how long to wait for running jobs before leaving them to their leases.
    pub shutdown_grace_seconds: u64,
    /// The daily attachment clean-up removes stored documents no row refers to once they are
    /// older than this (far longer than any upload takes between writing and committing).
    pub attachments_grace_hours: u64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            enabled: true,
            concurrency: 4,
            lease_seconds: 60,
            max_attempts: 8,
            backoff_seconds: 30,
            poll_millis: 1000,
            shutdown_grace_seconds: 30,
            attachments_grace_hours: 24,
        }
    }
}

impl WorkerConfig {
    /// Delay before the next attempt after `attempts` failed ones.
    pub fn backoff(&self, attempts: i64) -> i64 {
        let exp = attempts.clamp(1, 20) - 1;
        self.backoff_seconds
            .max(1)
            .saturating_mul(1_i64 << exp)
            .min(6 * 3600)
    }
}

/// A name for this process in lease columns: host, process id and a start-time nonce.
pub fn worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 100_000)
        .unwrap_or(0);
    format!("{host}:{}:{nonce}", std::process::id())
}

/// This process's clock: for stamps and message contents, never for leases (see `store::db_now`).
pub(crate) fn now() -> i64 {
    motcua_app::system_now().as_second()
}

/// What every running job can reach.
pub(crate) struct Shared {
    pub app: App,
    pub db: Db,
    pub config: WorkerConfig,
    pub id: String,
    pub notifier: Notifier,
    pub metrics: JobMetrics,
}

/// A claimed job with its tenant, handed to a handler.
pub(crate) struct Running {
    pub tenant_id: i64,
    pub tenant_code: String,
    pub job: ClaimedJob,
}

impl Running {
    /// Marks the job done inside `conn`'s transaction; `LeaseLost` (roll back!) when another
    /// worker took it over.
    pub async fn finish(
        &self,
        shared: &Shared,
        conn: &mut motcua_store::Conn,
    ) -> Result<(), JobError> {
        if store::finish(conn, self.tenant_id, self.job.id, &shared.id, now()).await? {
            Ok(())
        } else {
            Err(JobError::LeaseLost)
        }
    }

    /// Marks the job done in a transaction of its own.
    pub async fn finish_alone(&self, shared: &Shared) -> Result<(), JobError> {
        let mut tx = shared.db.begin().await?;
        self.finish(shared, &mut tx).await?;
        commit(tx).await?;
        Ok(())
    }
}

pub struct Worker {
    shared: Arc<Shared>,
}

impl Worker {
    pub fn new(
        app: App,
        config: WorkerConfig,
        notify: crate::NotifyConfig,
        metrics: JobMetrics,
    ) -> Result<Worker, String> {
        let notifier = Notifier::new(notify)?;
        Ok(Worker {
            shared: Arc::new(Shared {
                db: app.db.clone(),
                app,
                config,
                id: worker_id(),
                notifier,
                metrics,
            }),
        })
    }

    pub fn id(&self) -> &str {
        &self.shared.id
    }

    /// Runs until `shutdown` completes, then waits (up to the grace period) for running jobs.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let shared = self.shared;
        let config = &shared.config;
        let concurrency = config.concurrency.max(1);
        let poll = Duration::from_millis(config.poll_millis.max(10));
        let mut running: JoinSet<()> = JoinSet::new();
        tokio::pin!(shutdown);
        tracing::info!(worker = %shared.id, "job worker started");
        let mut busy = false;
        loop {
            if !busy {
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(poll) => {}
                    Some(_) = running.join_next(), if !running.is_empty() => {}
                }
            } else if tokio::time::timeout(Duration::ZERO, &mut shutdown)
                .await
                .is_ok()
            {
                break;
            }
            while running.try_join_next().is_some() {}
            let free = concurrency.saturating_sub(running.len());
            busy = false;
            if free == 0 {
                continue;
            }
            match poll_once(&shared, free as i64).await {
                Ok((jobs, more_outbox)) => {
                    // More work right away: every free slot filled, or the outbox not emptied.
                    busy = jobs.len() == free || more_outbox;
                    for job in jobs {
                        running.spawn(run_job(shared.clone(), job));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "job poll failed"),
            }
        }
        tracing::info!(worker = %shared.id, running = running.len(), "job worker stopping");
        let grace = Duration::from_secs(config.shutdown_grace_seconds);
        let drain = async { while running.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, drain).await.is_err() {
            // Their leases run out and another worker takes them; nothing is lost.
            tracing::warn!("jobs still running at shutdown are left to their leases");
        }
    }
}

/// Outbox messages turned into jobs per tenant and pass.
const OUTBOX_BATCH: i64 = 100;

/// One pass over the tenants: outbox to jobs, daily work, expired leases, then claims. Also
/// says whether a tenant's outbox had more messages than one batch.
async fn poll_once(
    shared: &Shared,
    limit: i64,
) -> Result<(Vec<Running>, bool), motcua_store::StoreError> {
    let tenants = {
        let mut conn = shared.db.read_conn().await?;
        tenants::list(&mut conn).await?
    };
    let config = &shared.config;
    let backend = shared.db.backend();
    let mut claimed = Vec::new();
    let mut more_outbox = false;
    // The attachment store is shared by every tenant: its clean-up is queued under the first.
    let first_tenant = tenants.iter().map(|t| t.id).min();
    for tenant in tenants {
        let mut tx = shared.db.begin().await?;
        // The queue runs on the database's clock, shared by every worker.
        let now = store::db_now(&mut tx, backend).await?;
        let dispatched = store::dispatch_outbox(
            &mut tx,
            backend,
            tenant.id,
            now,
            OUTBOX_BATCH,
            |topic, payload| {
                crate::handlers::outbox_needs_job(shared, &tenant.code, topic, payload)
            },
        )
        .await?;
        more_outbox |= dispatched as i64 == OUTBOX_BATCH;
        schedule_daily(&mut tx, tenant.id, now).await?;
        crate::schedule::daily(
            shared,
            &mut tx,
            &tenant,
            Some(tenant.id) == first_tenant,
            now,
        )
        .await?;
        let buried = store::bury_expired(&mut tx, tenant.id, now, config.max_attempts).await?;
        let left = limit - claimed.len() as i64;
        let jobs = if left > 0 {
            store::claim(
                &mut tx,
                backend,
                tenant.id,
                &shared.id,
                now,
                now + config.lease_seconds.max(1),
                left,
            )
            .await?
        } else {
            Vec::new()
        };
        commit(tx).await?;
        if buried > 0 {
            tracing::warn!(count = buried, "jobs dead after their last lease expired");
        }
        claimed.extend(jobs.into_iter().map(|job| Running {
            tenant_id: tenant.id,
            tenant_code: tenant.code.clone(),
            job,
        }));
    }
    Ok((claimed, more_outbox))
}

/// Daily work is a job with the day in its idempotency key: however many instances run,
/// each day's job is queued once.
async fn schedule_daily(
    conn: &mut motcua_store::Conn,
    tenant_id: i64,
    now: i64,
) -> Result<(), motcua_store::StoreError> {
    let day = jiff::Timestamp::from_second(now)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                .date()
                .to_string()
        })
        .unwrap_or_default();
    let key = format!("{}:{day}", kind::SESSIONS_EXPIRE);
    store::enqueue(
        conn,
        tenant_id,
        &NewJob {
            kind: kind::SESSIONS_EXPIRE,
            payload_json: "{}",
            idempotency_key: &key,
            run_after: now,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn run_job(shared: Arc<Shared>, running: Running) {
    let job = &running.job;
    let kind = job.kind.clone();
    let started = Instant::now();
    shared
        .metrics
        .wait
        .get_or_create(&crate::metrics::KindLabels { kind: kind.clone() })
        .observe((now() - job.run_after).max(0) as f64);
    tracing::debug!(job = job.id, kind = %kind, attempt = job.attempts, "job started");
    let heartbeat = async {
        let lease = shared.config.lease_seconds.max(1);
        let every = Duration::from_millis((lease as u64 * 1000 / 3).max(200));
        loop {
            tokio::time::sleep(every).await;
            let extended = async {
                let mut tx = shared.db.begin().await?;
                let db_now = store::db_now(&mut tx, shared.db.backend()).await?;
                let ok = store::extend_lease(
                    &mut tx,
                    running.tenant_id,
                    job.id,
                    &shared.id,
                    db_now + lease,
                )
                .await?;
                commit(tx).await?;
                Ok::<bool, motcua_store::StoreError>(ok)
            };
            match extended.await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(job = job.id, kind = %kind, "lease lost while running"),
                Err(e) => tracing::warn!(job = job.id, error = %e, "lease heartbeat failed"),
            }
        }
    };
    let result = tokio::select! {
        r = handlers::run(&shared, &running) => r,
        () = heartbeat => unreachable!("the heartbeat loops forever"),
    };
    shared
        .metrics
        .duration
        .get_or_create(&crate::metrics::KindLabels { kind: kind.clone() })
        .observe(started.elapsed().as_secs_f64());
    let outcome = match result {
        Ok(()) => "done",
        Err(JobError::LeaseLost) => "lease_lost",
        Err(err) => {
            let (message, backoff) = match &err {
                JobError::Retry(m) if job.attempts < shared.config.max_attempts => {
                    (m.clone(), Some(shared.config.backoff(job.attempts)))
                }
                other => (other.to_string(), None),
            };
            let retry_at = backoff.is_some();
            let recorded = async {
                let mut tx = shared.db.begin().await?;
                let db_now = store::db_now(&mut tx, shared.db.backend()).await?;
                let retry_at = backoff.map(|b| db_now + b);
                let ok = store::fail(
                    &mut tx,
                    running.tenant_id,
                    job.id,
                    &shared.id,
                    &message,
                    retry_at,
                    now(),
                )
                .await?;
                commit(tx).await?;
                Ok::<bool, motcua_store::StoreError>(ok)
            };
            match recorded.await {
                Ok(true) if retry_at => "retry",
                Ok(true) => "dead",
                Ok(false) => "lease_lost",
                Err(e) => {
                    tracing::warn!(job = job.id, error = %e, "could not record a failure; the lease will expire");
                    "retry"
                }
            }
        }
    };
    shared.metrics.outcome(&kind, outcome);
    match outcome {
        "done" => tracing::debug!(job = job.id, kind = %kind, "job done"),
        "dead" => {
            tracing::warn!(job = job.id, kind = %kind, attempt = job.attempts, "job dead-lettered")
        }
        other => {
            tracing::info!(job = job.id, kind = %kind, attempt = job.attempts, outcome = other, "job not finished")
        }
    }
}
