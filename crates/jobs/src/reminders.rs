//! Reminders to staff: the daily fan-out, one officer's digest, one apology warning. Each
//! message is its own job keyed by day (digest) or file (warning) and recipient, and is
//! recorded in `notifications_sent` once the relay accepted it, so nothing goes out twice.

use crate::notify::staff;
use crate::worker::{Running, Shared, now};
use crate::{JobError, kind};
use motcua_app::reminders;
use motcua_store::commit;
use motcua_store::jobs::{self as store, NewJob};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Daily {
    day: String,
}

#[derive(Serialize, Deserialize)]
struct DigestPayload {
    user_id: i64,
    day: String,
}

#[derive(Serialize, Deserialize)]
struct ApologyPayload {
    file_id: i64,
    user_id: i64,
}

fn json<T: Serialize>(v: &T) -> Result<String, JobError> {
    serde_json::to_string(v).map_err(|e| JobError::Permanent(e.to_string()))
}

/// Queues the day's digests and the apology warnings not yet sent, then finishes, in one
/// transaction.
pub(crate) async fn daily(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let Daily { day } = crate::handlers::payload(job)?;
    let app = &shared.app;
    if shared.notifier.config.reminders_on_working_days_only
        && !reminders::today_is_working_day(app, job.tenant_id).await?
    {
        return job.finish_alone(shared).await;
    }
    let recipients = reminders::digest_recipients(app, job.tenant_id).await?;
    let warnings = reminders::apology_warnings(app, job.tenant_id).await?;
    let now = now();
    let mut tx = shared.db.begin().await?;
    for user_id in recipients {
        let payload = json(&DigestPayload {
            user_id,
            day: day.clone(),
        })?;
        let key = format!("digest:{day}:{user_id}");
        store::enqueue(
            &mut tx,
            job.tenant_id,
            &NewJob {
                kind: kind::DIGEST_SEND,
                payload_json: &payload,
                idempotency_key: &key,
                run_after: now,
            },
            now,
        )
        .await?;
    }
    for w in warnings {
        for user_id in w.recipients {
            let payload = json(&ApologyPayload {
                file_id: w.file_id,
                user_id,
            })?;
            // Once per file and person, whatever day it is first found.
            let key = format!("apology-warning:{}:{user_id}", w.file_id);
            store::enqueue(
                &mut tx,
                job.tenant_id,
                &NewJob {
                    kind: kind::APOLOGY_WARN,
                    payload_json: &payload,
                    idempotency_key: &key,
                    run_after: now,
                },
                now,
            )
            .await?;
        }
    }
    job.finish(shared, &mut tx).await?;
    commit(tx).await?;
    Ok(())
}

async fn already_sent(shared: &Shared, job: &Running) -> Result<bool, JobError> {
    let mut conn = shared.db.read_conn().await?;
    Ok(store::notification_sent(&mut conn, job.tenant_id, &job.job.idempotency_key).await?)
}

async fn record_sent(shared: &Shared, job: &Running, what: &str) -> Result<(), JobError> {
    let mut tx = shared.db.begin().await?;
    store::record_notification(
        &mut tx,
        job.tenant_id,
        &job.job.idempotency_key,
        None,
        what,
        "email",
        now(),
    )
    .await?;
    commit(tx).await?;
    Ok(())
}

/// One officer's digest; nothing is sent when they have no file due soon or overdue.
pub(crate) async fn digest(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let p: DigestPayload = crate::handlers::payload(job)?;
    let config = &shared.notifier.config;
    let Some(tenant) = config.staff_email(&job.tenant_code) else {
        return job.finish_alone(shared).await;
    };
    if already_sent(shared, job).await? {
        return job.finish_alone(shared).await;
    }
    let app = &shared.app;
    let Some((actor, email)) = reminders::staff_contact(app, job.tenant_id, p.user_id).await?
    else {
        return job.finish_alone(shared).await;
    };
    let digest = reminders::digest(app, &actor).await?;
    if digest.is_empty() {
        return job.finish_alone(shared).await;
    }
    let day = p
        .day
        .parse()
        .map_err(|_| JobError::Permanent("bad day in payload".into()))?;
    let signature = tenant
        .signature
        .as_deref()
        .unwrap_or("Hệ thống một cửa điện tử");
    let message = staff::digest(
        &actor.display_name,
        day,
        &digest,
        config.public_url.as_deref(),
        signature,
    );
    shared
        .notifier
        .email(
            tenant,
            &actor.display_name,
            &email,
            &message.subject,
            message.text,
            &job.job.idempotency_key,
        )
        .await?;
    record_sent(shared, job, "digest").await?;
    job.finish_alone(shared).await
}

/// One apology warning, unless the letter was issued or the file finished meanwhile.
pub(crate) async fn apology(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let p: ApologyPayload = crate::handlers::payload(job)?;
    let config = &shared.notifier.config;
    let Some(tenant) = config.staff_email(&job.tenant_code) else {
        return job.finish_alone(shared).await;
    };
    if already_sent(shared, job).await? {
        return job.finish_alone(shared).await;
    }
    let app = &shared.app;
    let Some((actor, email)) = reminders::staff_contact(app, job.tenant_id, p.user_id).await?
    else {
        return job.finish_alone(shared).await;
    };
    let Some(notice) = reminders::apology_notice(app, &actor, p.file_id).await? else {
        return job.finish_alone(shared).await;
    };
    let signature = tenant
        .signature
        .as_deref()
        .unwrap_or("Hệ thống một cửa điện tử");
    let message = staff::apology_warning(
        &actor.display_name,
        &notice,
        config.public_url.as_deref(),
        signature,
    );
    shared
        .notifier
        .email(
            tenant,
            &actor.display_name,
            &email,
            &message.subject,
            message.text,
            &job.job.idempotency_key,
        )
        .await?;
    record_sent(shared, job, "apology_warning").await?;
    job.finish_alone(shared).await
}
