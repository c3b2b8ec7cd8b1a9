//! What each kind of job does. A handler finishes its job itself (`Running::finish`), in the
//! transaction of its effect when the effect is in the database.

use crate::notify::Channel;
use crate::notify::templates::{self, MessageFacts};
use crate::worker::{Running, Shared, now};
use crate::{JobError, kind};
use motcua_domain::feedback::FeedbackState;
use motcua_domain::file::{Effect, Notice};
use motcua_store::jobs::{self as store, NewJob};
use motcua_store::{catalogue, commit, files, sessions};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub(crate) async fn run(shared: &Shared, job: &Running) -> Result<(), JobError> {
    match job.job.kind.as_str() {
        kind::FILE_CHANGED => file_changed(shared, job).await,
        kind::NOTIFY => notify(shared, job).await,
        kind::SESSIONS_EXPIRE => sessions_expire(shared, job).await,
        kind::PROBE => probe(shared, job).await,
        kind::REMINDERS_DAILY => crate::reminders::daily(shared, job).await,
        kind::DIGEST_SEND => crate::reminders::digest(shared, job).await,
        kind::APOLOGY_WARN => crate::reminders::apology(shared, job).await,
        kind::CHAT_REPLY => crate::chat::reply(shared, job).await,
        kind::ATTACHMENTS_CLEANUP => crate::cleanup::attachments(shared, job).await,
        kind::FEEDBACK_CHANGED => feedback_changed(shared, job).await,
        kind::FEEDBACK_ANSWERED => feedback_answered(shared, job).await,
        _ => Err(JobError::Permanent("unknown job kind".into())),
    }
}

pub(crate) fn payload<T: for<'de> Deserialize<'de>>(job: &Running) -> Result<T, JobError> {
    serde_json::from_str(&job.job.payload_json)
        .map_err(|e| JobError::Permanent(format!("malformed payload: {e}")))
}

/// The outbox message written with every file change.
#[derive(Deserialize)]
struct FileChanged {
    file_id: i64,
    version: i64,
    #[serde(default)]
    effects: Vec<Effect>,
}

/// One message on one channel.
#[derive(Serialize, Deserialize)]
struct NotifyPayload {
    file_id: i64,
    notice: Notice,
    channel: Channel,
    #[serde(default)]
    missing_items: Vec<String>,
}

/// The notices a file change announces to the applicant.
fn notices_of(change: &FileChanged) -> Vec<Notice> {
    change
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::NotifyApplicant { notice } if templates::announced(*notice) => Some(*notice),
            _ => None,
        })
        .collect()
}

/// Whether an outbox message has work for a job. Most file changes (assign, examine,
/// submit…) announce nothing: they are stamped dispatched without a job, which saves a
/// transaction per change. Anything unreadable gets a job, whose handler reports it.
pub(crate) fn outbox_needs_job(
    shared: &Shared,
    tenant_code: &str,
    topic: &str,
    payload: &str,
) -> bool {
    if topic != kind::FILE_CHANGED {
        return true;
    }
    match serde_json::from_str::<FileChanged>(payload) {
        Ok(change) => {
            !notices_of(&change).is_empty()
                && !shared.notifier.config.channels(tenant_code).is_empty()
        }
        Err(_) => true,
    }
}

/// Decides which messages a file change sends and queues one job per message and channel,
/// in the same transaction that finishes this job.
async fn file_changed(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let change: FileChanged = payload(job)?;
    let notices = notices_of(&change);
    let missing_items: Vec<String> = change
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::SupplementRequested { missing_items, .. } => Some(missing_items.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let channels = shared.notifier.config.channels(&job.tenant_code);
    let mut tx = shared.db.begin().await?;
    if !notices.is_empty() && !channels.is_empty() {
        let file = files::file_by_id(&mut tx, job.tenant_id, change.file_id)
            .await?
            .ok_or_else(|| JobError::Permanent("file not found".into()))?;
        let now = now();
        for notice in &notices {
            for channel in &channels {
                let reachable = match channel {
                    Channel::Email => file
                        .applicant_email
                        .as_deref()
                        .is_some_and(|a| !a.trim().is_empty()),
                    Channel::Sms | Channel::Zalo => file
                        .applicant_phone
                        .as_deref()
                        .is_some_and(|p| !p.trim().is_empty()),
                };
                if !reachable {
                    continue;
                }
                let body = NotifyPayload {
                    file_id: change.file_id,
                    notice: *notice,
                    channel: *channel,
                    missing_items: missing_items.clone(),
                };
                let json =
                    serde_json::to_string(&body).map_err(|e| JobError::Permanent(e.to_string()))?;
                let notice_name = serde_json::to_value(notice)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let key = format!(
                    "notify:{}:{}:{notice_name}:{}",
                    change.file_id,
                    change.version,
                    channel.as_str()
                );
                store::enqueue(
                    &mut tx,
                    job.tenant_id,
                    &NewJob {
                        kind: kind::NOTIFY,
                        payload_json: &json,
                        idempotency_key: &key,
                        run_after: now,
                    },
                    now,
                )
                .await?;
            }
        }
    }
    job.finish(shared, &mut tx).await?;
    commit(tx).await?;
    Ok(())
}

/// Sends one message, unless it was sent already (a retry after a crash between sending and
/// finishing) or the tenant turned the channel off since.
async fn notify(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let p: NotifyPayload = payload(job)?;
    let key = &job.job.idempotency_key;
    let config = &shared.notifier.config;
    let (file, procedure) = {
        let mut conn = shared.db.read_conn().await?;
        if store::notification_sent(&mut conn, job.tenant_id, key).await? {
            drop(conn);
            return job.finish_alone(shared).await;
        }
        let file = files::file_by_id(&mut conn, job.tenant_id, p.file_id)
            .await?
            .ok_or_else(|| JobError::Permanent("file not found".into()))?;
        let procedure = catalogue::procedure_by_id(&mut conn, job.tenant_id, file.procedure_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        (file, procedure)
    };
    let tenant = match config.tenant(&job.tenant_code) {
        Some(t) if config.channels(&job.tenant_code).contains(&p.channel) => t,
        _ => return job.finish_alone(shared).await,
    };
    let code = file.code.as_deref().unwrap_or_default();
    let lookup_url = config
        .public_url
        .as_deref()
        .map(|u| format!("{}/tra-cuu", u.trim_end_matches('/')));
    let optout_url = config
        .public_url
        .as_deref()
        .map(|u| format!("{}/ngung-nhan-tin", u.trim_end_matches('/')));
    let facts = MessageFacts {
        code,
        procedure: &procedure,
        appointment_date: file.appointment_date.as_deref(),
        missing_items: &p.missing_items,
        lookup_url: lookup_url.as_deref(),
        optout_url: optout_url.as_deref(),
    };
    let Some(message) = templates::render(p.notice, &facts) else {
        return job.finish_alone(shared).await;
    };
    // The applicant may have stopped this channel for their contact since.
    let contact = match p.channel {
        Channel::Email => file.applicant_email.as_deref(),
        Channel::Sms | Channel::Zalo => file.applicant_phone.as_deref(),
    };
    if let Some(contact) = contact
        && motcua_app::notify_prefs::opted_out(
            &shared.app,
            job.tenant_id,
            p.channel.as_str(),
            contact,
        )
        .await?
    {
        return job.finish_alone(shared).await;
    }
    match p.channel {
        Channel::Email => {
            let Some(address) = file.applicant_email.as_deref() else {
                return job.finish_alone(shared).await;
            };
            let signature = tenant.signature.as_deref().unwrap_or("Bộ phận Một cửa");
            let body = templates::email_body(&file.applicant_name, &message, signature);
            shared
                .notifier
                .email(
                    tenant,
                    &file.applicant_name,
                    address,
                    &message.subject,
                    body,
                    key,
                )
                .await?;
        }
        Channel::Sms | Channel::Zalo => {
            let Some(phone) = file.applicant_phone.as_deref() else {
                return job.finish_alone(shared).await;
            };
            let phone: String = phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            shared
                .notifier
                .gateway(p.channel, tenant, &phone, &message.text, key)
                .await?;
        }
    }
    // Recorded on its own first: if finishing fails now, a retry sees the message was sent.
    let mut tx = shared.db.begin().await?;
    let notice = serde_json::to_value(p.notice)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    store::record_notification(
        &mut tx,
        job.tenant_id,
        key,
        Some(p.file_id),
        &notice,
        p.channel.as_str(),
        now(),
    )
    .await?;
    commit(tx).await?;
    job.finish_alone(shared).await
}

async fn sessions_expire(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let mut tx = shared.db.begin().await?;
    let removed = sessions::delete_expired(&mut tx, job.tenant_id, now()).await?;
    job.finish(shared, &mut tx).await?;
    commit(tx).await?;
    tracing::info!(job = job.job.id, removed, "expired sessions deleted");
    Ok(())
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    sleep_ms: u64,
}

/// The queue's self-test: sleep (to hold the lease a while), then record one row and finish,
/// in one transaction.
async fn probe(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let p: Probe = payload(job)?;
    tokio::time::sleep(Duration::from_millis(p.sleep_ms.min(60_000))).await;
    let mut tx = shared.db.begin().await?;
    job.finish(shared, &mut tx).await?;
    store::record_probe(&mut tx, job.tenant_id, job.job.id, &shared.id, now()).await?;
    commit(tx).await?;
    Ok(())
}

/// The outbox message of a feedback change (`app::feedback::act::enqueue`).
#[derive(Deserialize)]
struct FeedbackChanged {
    feedback_id: i64,
    #[serde(default)]
    from: Option<String>,
    to: String,
}

/// A feedback item changed. When its answer became readable by the sender (approved: "Đã
/// trả lời"), one `feedback.answered` job is queued for the item, in the transaction that
/// finishes this one; its key names the item only, so later changes (publication, closing)
/// and redelivered outbox rows never tell the sender twice.
async fn feedback_changed(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let change: FeedbackChanged = payload(job)?;
    let visible = |s: Option<&str>| {
        s.and_then(FeedbackState::parse)
            .is_some_and(FeedbackState::answer_visible)
    };
    let mut tx = shared.db.begin().await?;
    if visible(Some(&change.to)) && !visible(change.from.as_deref()) {
        let key = format!("{}:{}", kind::FEEDBACK_ANSWERED, change.feedback_id);
        let json = serde_json::json!({ "feedback_id": change.feedback_id }).to_string();
        let now = now();
        store::enqueue(
            &mut tx,
            job.tenant_id,
            &NewJob {
                kind: kind::FEEDBACK_ANSWERED,
                payload_json: &json,
                idempotency_key: &key,
                run_after: now,
            },
            now,
        )
        .await?;
    }
    job.finish(shared, &mut tx).await?;
    commit(tx).await?;
    Ok(())
}

#[derive(Deserialize)]
struct FeedbackAnswered {
    feedback_id: i64,
}

/// Tells a feedback's sender that the answer is out, once: by e-mail if they gave an address,
/// else by SMS to the phone they gave (the first channel that is on for the tenant, has a
/// contact and was not stopped by them). Nothing when they gave neither, or their personal
/// data was erased since.
async fn feedback_answered(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let p: FeedbackAnswered = payload(job)?;
    let key = &job.job.idempotency_key;
    let config = &shared.notifier.config;
    let row = {
        let mut conn = shared.db.read_conn().await?;
        if store::notification_sent(&mut conn, job.tenant_id, key).await? {
            drop(conn);
            return job.finish_alone(shared).await;
        }
        motcua_store::feedback::by_id(&mut conn, job.tenant_id, p.feedback_id).await?
    };
    let Some(row) = row else {
        return job.finish_alone(shared).await;
    };
    let Some(tenant) = config.tenant(&job.tenant_code) else {
        return job.finish_alone(shared).await;
    };
    let on = config.channels(&job.tenant_code);
    fn given(c: &Option<String>) -> Option<&str> {
        c.as_deref().map(str::trim).filter(|c| !c.is_empty())
    }
    let mut chosen = None;
    for (channel, contact) in [
        (Channel::Email, given(&row.sender_email)),
        (Channel::Sms, given(&row.sender_phone)),
    ] {
        let Some(contact) = contact else { continue };
        if !on.contains(&channel)
            || motcua_app::notify_prefs::opted_out(
                &shared.app,
                job.tenant_id,
                channel.as_str(),
                contact,
            )
            .await?
        {
            continue;
        }
        chosen = Some((channel, contact));
        break;
    }
    let Some((channel, contact)) = chosen else {
        return job.finish_alone(shared).await;
    };
    let lookup_url = config
        .public_url
        .as_deref()
        .map(|u| format!("{}/phan-anh/tra-cuu", u.trim_end_matches('/')));
    let message = templates::feedback_answered(&row.code, lookup_url.as_deref());
    match channel {
        Channel::Email => {
            let name = row.sender_name.as_deref().unwrap_or_default();
            let signature = tenant.signature.as_deref().unwrap_or("Bộ phận Một cửa");
            let body = templates::email_body(name, &message, signature);
            shared
                .notifier
                .email(tenant, name, contact, &message.subject, body, key)
                .await?;
        }
        Channel::Sms | Channel::Zalo => {
            let phone: String = contact
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            shared
                .notifier
                .gateway(channel, tenant, &phone, &message.text, key)
                .await?;
        }
    }
    let mut tx = shared.db.begin().await?;
    store::record_notification(
        &mut tx,
        job.tenant_id,
        key,
        None,
        "feedback_answered",
        channel.as_str(),
        now(),
    )
    .await?;
    commit(tx).await?;
    job.finish_alone(shared).await
}
