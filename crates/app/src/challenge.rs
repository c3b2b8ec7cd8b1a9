//! A small arithmetic question for anonymous forms, signed with HMAC-SHA256 under a per-tenant
//! key kept in the database (so every instance verifies what another issued). No external
//! service, no state until it is answered; a used question is remembered so it works once.

use crate::secret::{constant_time_eq, hex, random_token, sha256_hex};
use crate::{App, AppError, Result};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use hmac::{Hmac, Mac};
use motcua_store::{Conn, feedback as store, sessions};
use serde::Serialize;
use sha2::Sha256;

/// How long a question may be answered.
pub const CHALLENGE_TTL_SECS: i64 = 30 * 60;

/// A question to show and the token to send back with the answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Challenge {
    /// E.g. `7 + 5 = ?`
    pub question: String,
    pub token: String,
}

const KEY_NAME: &str = "form_challenge";

async fn key(app: &App, conn: &mut Conn, tenant_id: i64) -> Result<String> {
    Ok(store::tenant_secret(conn, tenant_id, KEY_NAME, &random_token(), app.now_secs()).await?)
}

fn mac(key: &str, tenant_id: i64, body: &str) -> Result<String> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    m.update(format!("{tenant_id}|{body}").as_bytes());
    Ok(hex(&m.finalize().into_bytes()))
}

/// A fresh question.
pub async fn issue(app: &App, tenant_id: i64) -> Result<Challenge> {
    // Read first: showing a form must not take the write lock once the key exists.
    let found = {
        let mut conn = app.db.read_conn().await?;
        store::find_tenant_secret(&mut conn, tenant_id, KEY_NAME).await?
    };
    let key = match found {
        Some(k) => k,
        None => {
            let mut tx = app.db.begin().await?;
            let k = key(app, &mut tx, tenant_id).await?;
            motcua_store::commit(tx).await?;
            k
        }
    };
    let a = 1 + OsRng.next_u32() % 9;
    let b = 1 + OsRng.next_u32() % 9;
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut nonce);
    let body = format!(
        "{a}.{b}.{}.{}",
        app.now_secs() + CHALLENGE_TTL_SECS,
        hex(&nonce)
    );
    let sig = mac(&key, tenant_id, &body)?;
    Ok(Challenge {
        question: format!("{a} + {b} = ?"),
        token: format!("{body}.{sig}"),
    })
}

fn wrong() -> AppError {
    AppError::invalid("challenge", "wrong answer, expired or already used")
}

/// Checks an answer and marks the question used, in the caller's transaction.
pub(crate) async fn verify(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    token: &str,
    answer: &str,
) -> Result<()> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [a, b, expires, nonce, sig] = parts.as_slice() else {
        return Err(wrong());
    };
    let key = key(app, conn, tenant_id).await?;
    let body = format!("{a}.{b}.{expires}.{nonce}");
    if !constant_time_eq(&mac(&key, tenant_id, &body)?, sig) {
        return Err(wrong());
    }
    let (Ok(a), Ok(b), Ok(expires)) = (a.parse::<u32>(), b.parse::<u32>(), expires.parse::<i64>())
    else {
        return Err(wrong());
    };
    let now = app.now_secs();
    if expires < now || answer.trim().parse::<u32>().ok() != Some(a + b) {
        return Err(wrong());
    }
    let used = sha256_hex(&format!("challenge:{nonce}"));
    if sessions::login_failures_since(conn, tenant_id, &used, now - 2 * CHALLENGE_TTL_SECS).await?
        > 0
    {
        return Err(wrong());
    }
    sessions::record_login_failure(conn, tenant_id, &used, now).await?;
    Ok(())
}
