//! The chat lookup (seed 000: citizens ask for procedures on Zalo): a chat platform's webhook
//! delivers a citizen's message; we answer "look up a file by code" and "find a procedure by
//! name", and queue the reply as a job that goes out through the notification gateway.
//!
//! One seam for every platform: [`ChatPlatform`] verifies a webhook call and reads the
//! citizen's text message out of it. Zalo Official Account is the first implementation;
//! another platform (Telegram, Facebook Messenger…) is another implementation of the trait
//! and one route. Answers reveal what the public lookup reveals (status and appointment) and
//! require the same secret (the PIN printed on the receipt, or the applicant's phone number).

use crate::files::PublicStatus;
use crate::{App, AppError, Result};
use motcua_domain::text;
use motcua_store::commit;
use motcua_store::jobs::{self as job_store, NewJob};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Job kind of a chat reply (handled by the workers).
pub const REPLY_JOB: &str = "chat.reply";

/// `[chat]` in motcua.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatConfig {
    /// Per tenant code: the Zalo Official Account linked to the province's app.
    pub zalo: BTreeMap<String, ZaloOa>,
    /// Webhook events stamped further than this from our clock (either way) are refused
    /// (401 `stale_event`): a captured, correctly signed event cannot be replayed later. Event
    /// ids are remembered for as long, so a re-delivery inside the window is answered once.
    pub replay_window_seconds: u32,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            zalo: BTreeMap::new(),
            replay_window_seconds: 300,
        }
    }
}

/// A Zalo OA's webhook settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZaloOa {
    /// The Zalo app id (`app_id` of the events).
    pub app_id: String,
    /// The OA secret key (not the app secret). A secret: prefer `MOTCUA_ZALO_OA_SECRET_KEY`.
    pub oa_secret_key: Option<String>,
}

/// A text a citizen sent to the province's chat account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    /// The platform's id of the message (a re-delivered webhook has the same one).
    pub message_id: String,
    /// Who to answer (the platform's id of the sender, e.g. the Zalo user id for this OA).
    pub sender_id: String,
    pub text: String,
}

/// What every event of a platform carries, text or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The platform's id of the event (a re-delivered event has the same one).
    pub event_id: String,
    /// When the platform sent it, Unix milliseconds.
    pub sent_at_ms: i64,
}

/// Why a webhook call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// Missing or wrong signature: not from the platform.
    BadSignature,
    /// Signed, but sent outside the replay window (a replay, or a clock far off).
    Stale,
    /// Signed, but not the shape the platform documents.
    Malformed(String),
}

/// A chat platform's webhook: how to trust a call and what it says.
pub trait ChatPlatform: Send + Sync {
    /// Name used in job keys and as the gateway channel (`zalo`).
    fn name(&self) -> &'static str;
    /// The request header carrying the signature.
    fn signature_header(&self) -> &'static str;
    fn verify(&self, signature: Option<&str>, body: &[u8]) -> Result<(), WebhookError>;
    /// The event's id and time (of a verified body).
    fn envelope(&self, body: &[u8]) -> Result<Envelope, WebhookError>;
    /// The citizen's text message, or `None` for events that need no answer (follow, sticker…).
    fn message(&self, body: &[u8]) -> Result<Option<IncomingMessage>, WebhookError>;
}

/// Zalo Official Account webhook: `X-ZEvent-Signature` is `mac=` + hex SHA-256 of
/// app id + raw body + the body's `timestamp` + the OA secret key; text messages are
/// `user_send_text` events with `sender.id` and `message.{text, msg_id}`.
pub struct Zalo {
    pub app_id: String,
    pub oa_secret_key: String,
}

#[derive(Deserialize)]
struct ZaloEvent {
    event_name: String,
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    timestamp: Option<serde_json::Value>,
    #[serde(default)]
    sender: Option<ZaloId>,
    #[serde(default)]
    message: Option<ZaloMessage>,
}

#[derive(Deserialize)]
struct ZaloId {
    id: String,
}

#[derive(Deserialize)]
struct ZaloMessage {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    msg_id: Option<String>,
}

/// The `timestamp` field as sent (a string of milliseconds; a number is accepted too).
fn timestamp_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Zalo {
    /// The signature Zalo sends for `body`, as lower-case hex.
    pub fn mac(&self, body: &[u8], timestamp: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.app_id.as_bytes());
        h.update(body);
        h.update(timestamp.as_bytes());
        h.update(self.oa_secret_key.as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl ChatPlatform for Zalo {
    fn name(&self) -> &'static str {
        "zalo"
    }

    fn signature_header(&self) -> &'static str {
        "x-zevent-signature"
    }

    fn verify(&self, signature: Option<&str>, body: &[u8]) -> Result<(), WebhookError> {
        let given = signature.ok_or(WebhookError::BadSignature)?.trim();
        let given = given.strip_prefix("mac=").unwrap_or(given);
        let event: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| WebhookError::BadSignature)?;
        let timestamp = event
            .get("timestamp")
            .and_then(timestamp_text)
            .ok_or(WebhookError::BadSignature)?;
        let expected = self.mac(body, &timestamp);
        if crate::secret::constant_time_eq(&expected, &given.to_ascii_lowercase()) {
            Ok(())
        } else {
            Err(WebhookError::BadSignature)
        }
    }

    fn envelope(&self, body: &[u8]) -> Result<Envelope, WebhookError> {
        let event: ZaloEvent = serde_json::from_slice(body)
            .map_err(|e| WebhookError::Malformed(format!("not a Zalo event: {e}")))?;
        let sent_at_ms = event
            .timestamp
            .as_ref()
            .and_then(timestamp_text)
            .and_then(|t| t.trim().parse::<i64>().ok())
            .ok_or_else(|| WebhookError::Malformed("timestamp is not milliseconds".into()))?;
        // Events without a message id (follow, …): the signed body itself identifies them.
        let event_id = match event.message.and_then(|m| m.msg_id) {
            Some(id) => format!("msg:{}", id.chars().take(100).collect::<String>()),
            None => format!(
                "body:{}",
                crate::secret::sha256_hex(&String::from_utf8_lossy(body))
            ),
        };
        Ok(Envelope {
            event_id,
            sent_at_ms,
        })
    }

    fn message(&self, body: &[u8]) -> Result<Option<IncomingMessage>, WebhookError> {
        let event: ZaloEvent = serde_json::from_slice(body)
            .map_err(|e| WebhookError::Malformed(format!("not a Zalo event: {e}")))?;
        if event.app_id.as_deref().is_some_and(|a| a != self.app_id) {
            return Err(WebhookError::Malformed("event of another app".into()));
        }
        let _ = event.timestamp;
        if event.event_name != "user_send_text" {
            return Ok(None);
        }
        let sender = event
            .sender
            .ok_or_else(|| WebhookError::Malformed("no sender".into()))?;
        let message = event
            .message
            .ok_or_else(|| WebhookError::Malformed("no message".into()))?;
        let (Some(text), Some(message_id)) = (message.text, message.msg_id) else {
            return Err(WebhookError::Malformed("no text or msg_id".into()));
        };
        Ok(Some(IncomingMessage {
            message_id,
            sender_id: sender.id,
            text,
        }))
    }
}

/// The Zalo OA of a tenant, if its webhook is configured (the secret from the configuration
/// or `MOTCUA_ZALO_OA_SECRET_KEY`).
pub fn zalo_for(config: &ChatConfig, tenant_code: &str) -> Option<Zalo> {
    let oa = config.zalo.get(tenant_code)?;
    let secret = oa
        .oa_secret_key
        .clone()
        .or_else(|| std::env::var("MOTCUA_ZALO_OA_SECRET_KEY").ok())
        .filter(|s| !s.is_empty())?;
    (!oa.app_id.is_empty()).then(|| Zalo {
        app_id: oa.app_id.clone(),
        oa_secret_key: secret,
    })
}

/// Longest reply (Zalo's text messages take up to 2,000 characters).
const MAX_REPLY_CHARS: usize = 1900;
/// Procedures listed in one answer.
const MAX_PROCEDURES: i64 = 5;

/// A file code: unit code, date and running number separated by `-`, e.g.
/// `000.00.01.H26-210212-0001` or `H48.01.22-260126-010001`.
fn looks_like_file_code(word: &str) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    parts.len() == 3
        && parts[0].len() >= 3
        && parts[0]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        && parts[1].len() == 6
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && parts[2].len() >= 4
        && parts[2].chars().all(|c| c.is_ascii_alphanumeric())
}

/// A lookup request: the file code in the message, and the secret after it (a PIN or a phone
/// number, possibly written in groups: "0912 345 678"). Other words ("tra cứu", "mã") are
/// ignored, so they do not count as a wrong secret.
fn lookup_request(message: &str) -> Option<(&str, Option<String>)> {
    let words: Vec<&str> = message.split_whitespace().collect();
    let pos = words.iter().position(|w| looks_like_file_code(w))?;
    let secret: String = words[pos + 1..]
        .iter()
        .skip_while(|w| !w.starts_with(|c: char| c.is_ascii_digit() || c == '+'))
        .take_while(|w| {
            w.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '.' | '-'))
        })
        .copied()
        .collect();
    Some((words[pos], Some(secret).filter(|s| !s.is_empty())))
}

/// Leading words of a request that are not part of a procedure's name ("tìm thủ tục …").
const LEADING_WORDS: [&str; 8] = ["tim", "kiem", "tra", "cuu", "thu", "tuc", "ve", "hoi"];

fn date_vi(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

const HELP: &str = "Xin chào! Tôi có thể giúp ông/bà:\n\
- Tra cứu hồ sơ: gửi mã hồ sơ và mã tra cứu (PIN) in trên giấy tiếp nhận hoặc số điện thoại đã đăng ký, ví dụ: 000.00.01.H48-260105-0001 123456\n\
- Tìm thủ tục: gửi tên thủ tục, ví dụ: dang ky khai sinh";

fn status_text(s: &PublicStatus) -> String {
    let mut out = format!(
        "Hồ sơ {} ({}): {}.",
        s.code, s.procedure_name, s.state_label
    );
    if let Some(d) = &s.appointment_date {
        out.push_str(&format!(" Ngày hẹn trả kết quả: {}.", date_vi(d)));
    }
    out
}

/// The answer to a citizen's chat message. `public_url` (if the province published one)
/// adds links to the procedure pages.
pub async fn answer(
    app: &App,
    tenant_id: i64,
    message: &str,
    public_url: Option<&str>,
) -> Result<String> {
    let message: String = message.chars().take(500).collect();
    if let Some((code, secret)) = lookup_request(&message) {
        let Some(secret) = secret else {
            return Ok(format!(
                "Để tra cứu hồ sơ {code}, vui lòng gửi kèm mã tra cứu (PIN) in trên giấy tiếp nhận hoặc số điện thoại đã đăng ký, ví dụ: {code} 123456"
            ));
        };
        return Ok(
            match crate::files::lookup(app, tenant_id, code, &secret).await {
                Ok(status) => status_text(&status),
                Err(AppError::NotFound(_)) => format!(
                    "Không tìm thấy hồ sơ {code} với mã tra cứu này. Vui lòng kiểm tra lại mã hồ sơ và mã tra cứu (PIN) hoặc số điện thoại đã đăng ký."
                ),
                Err(AppError::TooManyAttempts { .. }) => format!(
                    "Hồ sơ {code} đã được tra cứu sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
                ),
                Err(e) => return Err(e),
            },
        );
    }
    let folded = text::fold(&message);
    let query: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .skip_while(|w| LEADING_WORDS.contains(w))
        .collect();
    if query.is_empty() {
        return Ok(HELP.to_owned());
    }
    let page = crate::catalogue::search(
        app,
        tenant_id,
        &crate::catalogue::SearchQuery {
            q: Some(query.join(" ")),
            per_page: Some(MAX_PROCEDURES),
            ..Default::default()
        },
    )
    .await?;
    if page.items.is_empty() {
        return Ok(format!(
            "Không tìm thấy thủ tục nào khớp với \"{}\". Vui lòng thử lại với tên ngắn hơn, ví dụ: khai sinh.",
            message.trim()
        ));
    }
    let mut out = format!("Tìm thấy {} thủ tục:", page.total);
    for (i, p) in page.items.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} ({}, thời hạn {})",
            i + 1,
            p.name,
            p.code,
            p.processing_time_label
        ));
        if let Some(base) = public_url {
            out.push_str(&format!(
                " {}/thu-tuc/{}",
                base.trim_end_matches('/'),
                p.code
            ));
        }
    }
    if page.total > MAX_PROCEDURES {
        out.push_str("\nGửi tên cụ thể hơn để thu hẹp kết quả.");
    }
    Ok(out.chars().take(MAX_REPLY_CHARS).collect())
}

/// Refuses an event sent outside the replay window around `now_ms`.
pub fn check_window(
    config: &ChatConfig,
    envelope: &Envelope,
    now_ms: i64,
) -> Result<(), WebhookError> {
    let window_ms = i64::from(config.replay_window_seconds) * 1000;
    if envelope.sent_at_ms.abs_diff(now_ms) > window_ms.unsigned_abs() {
        Err(WebhookError::Stale)
    } else {
        Ok(())
    }
}

/// Queues the reply to a chat message as a job (sent by the workers through the gateway of
/// the platform). Keyed by the platform's message id: a webhook delivered twice (Zalo
/// re-sends when it does not get 200 within two seconds) is answered once. Returns whether
/// the reply is new.
/// The event is remembered in the same transaction (`chat_seen_events`, until it would be
/// stale anyway), so a re-delivery is refused even once the job's row is gone.
pub async fn queue_reply(
    app: &App,
    tenant_id: i64,
    platform: &str,
    config: &ChatConfig,
    envelope: &Envelope,
    message: &IncomingMessage,
    reply: &str,
) -> Result<bool> {
    let now = app.now().as_second();
    // Past this it is refused as stale, so the id need not be kept longer.
    let expires_at = envelope.sent_at_ms.div_euclid(1000).max(now)
        + i64::from(config.replay_window_seconds)
        + 60;
    let key = format!(
        "chat:{platform}:{}",
        message.message_id.chars().take(100).collect::<String>()
    );
    let payload = serde_json::json!({
        "platform": platform,
        "to": message.sender_id,
        "text": reply,
    })
    .to_string();
    let mut tx = app.db.begin().await?;
    if !motcua_store::chat::mark_event_seen(
        &mut tx,
        tenant_id,
        platform,
        &envelope.event_id,
        expires_at,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    let new = job_store::enqueue(
        &mut tx,
        tenant_id,
        &NewJob {
            kind: REPLY_JOB,
            payload_json: &payload,
            idempotency_key: &key,
            run_after: now,
        },
        now,
    )
    .await?;
    commit(tx).await?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zalo() -> Zalo {
        Zalo {
            app_id: "360846524940903967".into(),
            oa_secret_key: "oa-secret".into(),
        }
    }

    #[test]
    fn a_signed_text_event_is_read_and_a_tampered_one_refused() {
        let z = zalo();
        let body = br#"{"app_id":"360846524940903967","sender":{"id":"246845883529197922"},"user_id_by_app":"552177279717587730","recipient":{"id":"388613280878808645"},"event_name":"user_send_text","message":{"text":"dang ky khai sinh","msg_id":"96d3cdf3af150460909"},"timestamp":"154390853474"}"#;
        let mac = z.mac(body, "154390853474");
        assert_eq!(mac.len(), 64);
        assert!(z.verify(Some(&format!("mac={mac}")), body).is_ok());
        assert!(z.verify(Some(&mac), body).is_ok());
        assert_eq!(z.verify(None, body), Err(WebhookError::BadSignature));
        let tampered = String::from_utf8_lossy(body).replace("khai sinh", "khai tu");
        assert_eq!(
            z.verify(Some(&mac), tampered.as_bytes()),
            Err(WebhookError::BadSignature)
        );
        let m = z.message(body).unwrap().unwrap();
        assert_eq!(m.sender_id, "246845883529197922");
        assert_eq!(m.message_id, "96d3cdf3af150460909");
        assert_eq!(m.text, "dang ky khai sinh");
        let follow = br#"{"app_id":"360846524940903967","event_name":"follow","timestamp":"1"}"#;
        assert_eq!(z.message(follow).unwrap(), None);
    }

    #[test]
    fn the_secret_is_the_number_after_the_code_in_groups_or_not() {
        let code = "000.21.20.H48-260105-0001";
        assert_eq!(
            lookup_request(&format!("tra cứu {code} mã 123456")),
            Some((code, Some("123456".to_owned())))
        );
        assert_eq!(
            lookup_request(&format!("{code} 0912 345 678")),
            Some((code, Some("0912345678".to_owned())))
        );
        assert_eq!(
            lookup_request(&format!("tra cuu {code}")),
            Some((code, None))
        );
        assert_eq!(lookup_request("dang ky khai sinh"), None);
    }

    #[test]
    fn file_codes_are_recognised_in_both_formats() {
        assert!(looks_like_file_code("000.00.01.H26-210212-0001"));
        assert!(looks_like_file_code("H48.01.22-260126-010001"));
        assert!(!looks_like_file_code("dang-ky-khai"));
        assert!(!looks_like_file_code("1.001193"));
    }

    #[test]
    fn events_outside_the_replay_window_are_stale_either_way() {
        let z = zalo();
        let body = br#"{"app_id":"360846524940903967","sender":{"id":"2468"},"event_name":"user_send_text","message":{"text":"x","msg_id":"m-7"},"timestamp":"1764000000000"}"#;
        let env = z.envelope(body).unwrap();
        assert_eq!(env.event_id, "msg:m-7");
        assert_eq!(env.sent_at_ms, 1_764_000_000_000);
        let config = ChatConfig::default();
        let at = |now_ms| check_window(&config, &env, now_ms);
        assert_eq!(at(1_764_000_000_000 + 300_000), Ok(()));
        assert_eq!(at(1_764_000_000_000 - 300_000), Ok(()));
        assert_eq!(at(1_764_000_000_000 + 300_001), Err(WebhookError::Stale));
        assert_eq!(at(1_764_000_000_000 - 300_001), Err(WebhookError::Stale));
        // An event without a message id is known by its body.
        let follow =
            br#"{"app_id":"360846524940903967","event_name":"follow","timestamp":"1764000000000"}"#;
        assert!(z.envelope(follow).unwrap().event_id.starts_with("body:"));
    }
}
