//! Opt-out: an applicant stops messages by SMS, e-mail or Zalo to their contact. They prove
//! the contact is theirs the way the public lookup does (file code + PIN or phone number);
//! the notifier checks the opt-outs before every message. Contacts are kept only as keyed
//! hashes (HMAC-SHA256, key from `contact_hash_key` or a random key per tenant).

use crate::audit::{self, Change};
use crate::auth::normalise_phone;
use crate::{App, AppError, Result};
use motcua_store::{Conn, commit, notify_prefs as store};
use serde::{Deserialize, Serialize};

/// The channels a contact can stop, as stored.
pub const CHANNELS: [&str; 3] = ["email", "sms", "zalo"];

/// The configured key of contact hashes. A secret: never printed.
#[derive(Clone)]
pub struct ContactHashKey(String);

impl ContactHashKey {
    /// None for an empty key.
    pub fn new(key: String) -> Option<ContactHashKey> {
        (!key.trim().is_empty()).then_some(ContactHashKey(key))
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ContactHashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactHashKey(…)")
    }
}

/// Name of the tenant's random hashing key in `tenant_secrets` (made on the first opt-out
/// when no `contact_hash_key` is configured).
const TENANT_KEY_NAME: &str = "contact_hash_key";

/// The normalised contact (a phone number as `0xxxxxxxxx`, an e-mail address in lower case)
/// in the text that is hashed.
fn contact_text(tenant_id: i64, channel: &str, contact: &str) -> Option<String> {
    let normalised = if channel == "email" {
        let e = contact.trim().to_lowercase();
        (!e.is_empty()).then_some(e)?
    } else {
        normalise_phone(contact)?
    };
    let kind = if channel == "email" { "email" } else { "phone" };
    Some(format!("optout:{tenant_id}:{kind}:{normalised}"))
}

/// HMAC-SHA256 of the contact under `key`: without the key a guessed phone number cannot be
/// checked against the table (there are only ~10⁹ of them, a plain hash is no protection).
pub fn contact_hash(key: &str, tenant_id: i64, channel: &str, contact: &str) -> Option<String> {
    use hmac::{Hmac, Mac};
    let text = contact_text(tenant_id, channel, contact)?;
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).ok()?;
    m.update(text.as_bytes());
    Some(crate::secret::hex(&m.finalize().into_bytes()))
}

/// The hash opt-outs made before migration 0016 stored (keying `sha256`).
fn legacy_hash(tenant_id: i64, channel: &str, contact: &str) -> Option<String> {
    Some(crate::secret::sha256_hex(&contact_text(
        tenant_id, channel, contact,
    )?))
}

/// The key new opt-outs are hashed under, and its keying: the configured one, else the
/// tenant's random key (made now if there is none yet, inside the caller's transaction).
async fn writing_key(app: &App, conn: &mut Conn, tenant_id: i64) -> Result<(String, &'static str)> {
    if let Some(key) = app.settings.contact_hash_key.as_ref() {
        return Ok((key.expose().to_owned(), store::KEYING_CONFIG));
    }
    let key = motcua_store::feedback::tenant_secret(
        conn,
        tenant_id,
        TENANT_KEY_NAME,
        &crate::secret::random_token(),
        app.now().as_second(),
    )
    .await?;
    Ok((key, store::KEYING_TENANT))
}

/// Whether the contact asked to receive nothing more on `channel`. Matches rows under every
/// keying the tenant may have: the configured key, the tenant's random key, the old plain hash.
pub async fn opted_out(app: &App, tenant_id: i64, channel: &str, contact: &str) -> Result<bool> {
    let mut conn = app.db.read_conn().await?;
    let mut candidates: Vec<(&str, String)> = Vec::new();
    if let Some(key) = app.settings.contact_hash_key.as_ref()
        && let Some(h) = contact_hash(key.expose(), tenant_id, channel, contact)
    {
        candidates.push((store::KEYING_CONFIG, h));
    }
    if let Some(key) =
        motcua_store::feedback::find_tenant_secret(&mut conn, tenant_id, TENANT_KEY_NAME).await?
        && let Some(h) = contact_hash(&key, tenant_id, channel, contact)
    {
        candidates.push((store::KEYING_TENANT, h));
    }
    if let Some(h) = legacy_hash(tenant_id, channel, contact) {
        candidates.push((store::KEYING_SHA256, h));
    }
    Ok(store::opted_out(&mut conn, tenant_id, channel, &candidates).await?)
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
    let (key, keying) = writing_key(app, &mut tx, tenant_id).await?;
    for channel in channels {
        let contact = if channel == "email" {
            row.applicant_email.as_deref()
        } else {
            row.applicant_phone.as_deref()
        };
        let Some(hash) = contact.and_then(|c| contact_hash(&key, tenant_id, channel, c)) else {
            continue;
        };
        store::opt_out(&mut tx, tenant_id, &hash, keying, channel, now).await?;
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
