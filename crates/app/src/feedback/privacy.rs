//! The sender's personal data (Decree 13/2023 on personal-data protection): export and erasure
//! on request, by staff of the receiving unit, audited; erasure of finished items once the
//! configured retention has passed.

use super::record_of;
use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use motcua_domain::permission::Action;
use motcua_store::feedback::{self as store, FeedbackEventRow};
use motcua_store::{commit, units};
use serde::Serialize;

/// Everything held about the sender of one item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonalData {
    pub code: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The sender's own texts.
    pub title: String,
    pub content: String,
    pub extra_info: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    pub purpose: String,
}

pub const PURPOSE_VI: &str = "Thông tin cá nhân của người gửi chỉ được dùng để xem xét, xử lý, \
    trả lời phản ánh, kiến nghị và liên hệ khi cần làm rõ; không được công khai.";

async fn load_for_request(app: &App, actor: &Actor, id: i64) -> Result<store::FeedbackRow> {
    let mut conn = app.db.read_conn().await?;
    let row = store::by_id(&mut conn, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("feedback"))?;
    let rec = record_of(&row)?;
    super::read::require_view(&mut conn, actor, &rec).await?;
    let unit = units::by_id(&mut conn, actor.tenant_id, rec.receiving_unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    actor.require_at(Action::ReceiveFeedback, &unit.path)?;
    Ok(row)
}

/// Exports the sender's data (a request by the data subject), audited.
pub async fn export_personal_data(app: &App, actor: &Actor, id: i64) -> Result<PersonalData> {
    let row = load_for_request(app, actor, id).await?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "feedback.personal_data_exported",
            entity_type: "feedback",
            entity_id: id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    commit(tx).await?;
    Ok(PersonalData {
        code: row.code,
        name: row.sender_name,
        phone: row.sender_phone,
        email: row.sender_email,
        address: row.sender_address,
        title: row.title,
        content: row.content,
        extra_info: row.extra_info,
        received_at: Timestamp::from_second(row.received_at).unwrap_or(Timestamp::UNIX_EPOCH),
        purpose: PURPOSE_VI.into(),
    })
}

async fn erase(
    app: &App,
    tenant_id: i64,
    actor_id: Option<i64>,
    id: i64,
    why: &str,
) -> Result<bool> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    if !store::erase_personal_data(&mut tx, tenant_id, id, now).await? {
        return Ok(false);
    }
    let row = store::by_id(&mut tx, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("feedback"))?;
    store::insert_event(
        &mut tx,
        tenant_id,
        id,
        &FeedbackEventRow {
            seq: 0,
            at: now,
            actor_id,
            kind: "erase_personal_data".into(),
            from_state: Some(row.state.clone()),
            to_state: row.state,
            note: Some(why.into()),
            step: None,
            unit_id: None,
            due_at: None,
            on_time: None,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        tenant_id,
        actor_id,
        now,
        Change {
            action: "feedback.personal_data_erased",
            entity_type: "feedback",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "reason": why })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(true)
}

/// Erases the sender's name and contact details on their request. Returns false if already done.
pub async fn erase_personal_data(app: &App, actor: &Actor, id: i64) -> Result<bool> {
    load_for_request(app, actor, id).await?;
    erase(
        app,
        actor.tenant_id,
        Some(actor.user_id),
        id,
        "Theo yêu cầu của người gửi",
    )
    .await
}

/// Erases the personal data of finished items older than the retention setting; returns how many.
pub async fn erase_past_retention(app: &App, tenant_id: i64) -> Result<usize> {
    let days = app.settings.feedback.retention_days.max(1);
    let before = app.now_secs() - days * 86_400;
    let mut done = 0;
    loop {
        let ids = {
            let mut conn = app.db.read_conn().await?;
            store::past_retention(&mut conn, tenant_id, before, 500).await?
        };
        if ids.is_empty() {
            return Ok(done);
        }
        for id in ids {
            if erase(app, tenant_id, None, id, "Hết thời hạn lưu trữ").await? {
                done += 1;
            }
        }
    }
}
