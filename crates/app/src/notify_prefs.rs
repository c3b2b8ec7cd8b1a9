//! Opt-out: an applicant stops messages by SMS, e-mail or Zalo to their contact. They prove
//! the contact is theirs the way the public lookup does (file code + PIN or phone number);
//! the notifier checks the opt-outs before every message. Contacts are kept only as hashes.

use crate::audit::{self, Change};
use crate::auth::normalise_phone;
use crate::{App, AppError, Result};
use motcua_store::{Conn, commit, notify_prefs as store};
use serde::{Deserialize, Serialize};

/// The channels a contact can stop, as stored.
pub const CHANNELS: [&str; 3] = ["email", "sms", "zalo"];

/// The stored form of a contact: SHA-256 over the tenant, the kind and the normalised value
/// (a phone number as `0xxxxxxxxx`, an e-mail address in lower case).
pub fn contact_hash(tenant_id: i64, channel: &str, contact: &str) -> Option<String> {
    let normalised = if channel == "email" {
        let e = contact.trim().to_lowercase();
        (!e.is_empty()).then_some(e)?
    } else {
        normalise_phone(contact)?
    };
    let kind = if channel == "email" { "email" } else { "phone" };
    Some(crate::secret::sha256_hex(&format!(
        "optout:{tenant_id}:{kind}:{normalised}"
    )))
}

/// Whether the contact asked to receive nothing more on `channel`.
pub async fn opted_out(
    conn: &mut Conn,
    tenant_id: i64,
    channel: &str,
    contact: &str,
) -> Result<bool> {
    match contact_hash(tenant_id, channel, contact) {
        Some(h) => Ok(store::opted_out(conn, tenant_id, &h, channel).await?),
        None => Ok(false),
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OptOutRequest {
    /// The file code printed on the receipt.
    pub code: String,
    /// The PIN printed on the receipt, or the applicant's phone number.
    pub secret: String,
    /// Channels to stop: `email`, `sms`, `zalo` (all when empty).
    #[serde(default)]
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OptOutResult {
    /// Channels now stopped for the file's contact (those it has a contact for).
    pub stopped: Vec<String>,
}

/// Stops messages on `channels` to the contact of the file `code` (the applicant's phone for
/// SMS and Zalo, their e-mail address for e-mail), for every file of theirs.
pub async fn opt_out(app: &App, tenant_id: i64, req: &OptOutRequest) -> Result<OptOutResult> {
    let mut channels: Vec<&str> = Vec::new();
    for c in &req.channels {
        let c = CHANNELS
            .iter()
            .find(|k| **k == c.trim())
            .ok_or_else(|| AppError::invalid("channels", "each one of email, sms, zalo"))?;
        if !channels.contains(c) {
            channels.push(c);
        }
    }
    if channels.is_empty() {
        channels = CHANNELS.to_vec();
    }
    let row = crate::files::verify_secret(app, tenant_id, &req.code, &req.secret).await?;
    let now = app.now().as_second();
    let mut stopped = Vec::new();
    let mut tx = app.db.begin().await?;
    for channel in channels {
        let contact = if channel == "email" {
            row.applicant_email.as_deref()
        } else {
            row.applicant_phone.as_deref()
        };
        let Some(hash) = contact.and_then(|c| contact_hash(tenant_id, channel, c)) else {
            continue;
        };
        store::opt_out(&mut tx, tenant_id, &hash, channel, now).await?;
        stopped.push(channel.to_owned());
    }
    // The audit names the file and the channels, never the contact.
    audit::record(
        &mut tx,
        tenant_id,
        None,
        now,
        Change {
            action: "notify.opt_out",
            entity_type: "file",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "channels": stopped })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(OptOutResult { stopped })
}
