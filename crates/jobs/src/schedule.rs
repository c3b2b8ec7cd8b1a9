//! Daily work beyond session expiry: reminders from the configured hour, attachment clean-up.
//! Each is a job with the local date in its idempotency key, so however many instances poll,
//! a day's job is queued once.

use crate::kind;
use crate::worker::Shared;
use motcua_store::jobs::{self as store, NewJob};
use motcua_store::tenants::Tenant;

pub(crate) async fn daily(
    shared: &Shared,
    conn: &mut motcua_store::Conn,
    tenant: &Tenant,
    first_tenant: bool,
    now: i64,
) -> Result<(), motcua_store::StoreError> {
    let Ok(local) = jiff::Timestamp::from_second(now)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7))))
    else {
        return Ok(());
    };
    let day = local.date().to_string();
    let notify = &shared.notifier.config;
    if notify.staff_reminders
        && local.hour() >= i8::try_from(notify.digest_hour.min(23)).unwrap_or(7)
        && notify.staff_email(&tenant.code).is_some()
    {
        let payload = serde_json::json!({ "day": day }).to_string();
        let key = format!("{}:{day}", kind::REMINDERS_DAILY);
        store::enqueue(
            conn,
            tenant.id,
            &NewJob {
                kind: kind::REMINDERS_DAILY,
                payload_json: &payload,
                idempotency_key: &key,
                run_after: now,
            },
            now,
        )
        .await?;
    }
    if first_tenant {
        let key = format!("{}:{day}", kind::ATTACHMENTS_CLEANUP);
        store::enqueue(
            conn,
            tenant.id,
            &NewJob {
                kind: kind::ATTACHMENTS_CLEANUP,
                payload_json: "{}",
                idempotency_key: &key,
                run_after: now,
            },
            now,
        )
        .await?;
    }
    Ok(())
}
