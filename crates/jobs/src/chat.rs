//! Replies to chat messages (the chat lookup), through the notification gateway of the
//! platform; recorded once accepted, so a retried job does not answer twice.

use crate::JobError;
use crate::notify::{Channel, TenantNotify};
use crate::worker::{Running, Shared, now};
use motcua_store::commit;
use motcua_store::jobs as store;
use serde::Deserialize;

#[derive(Deserialize)]
struct Reply {
    platform: String,
    to: String,
    text: String,
}

pub(crate) async fn reply(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let r: Reply = crate::handlers::payload(job)?;
    let channel = match r.platform.as_str() {
        "zalo" => Channel::Zalo,
        _ => return Err(JobError::Permanent("unknown chat platform".into())),
    };
    let key = &job.job.idempotency_key;
    {
        let mut conn = shared.db.read_conn().await?;
        if store::notification_sent(&mut conn, job.tenant_id, key).await? {
            drop(conn);
            return job.finish_alone(shared).await;
        }
    }
    let fallback = TenantNotify::default();
    let tenant = shared
        .notifier
        .config
        .tenant(&job.tenant_code)
        .unwrap_or(&fallback);
    shared
        .notifier
        .gateway(channel, tenant, &r.to, &r.text, key)
        .await?;
    let mut tx = shared.db.begin().await?;
    store::record_notification(
        &mut tx,
        job.tenant_id,
        key,
        None,
        "chat_reply",
        channel.as_str(),
        now(),
    )
    .await?;
    commit(tx).await?;
    job.finish_alone(shared).await
}
