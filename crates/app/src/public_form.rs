//! What every anonymous form of the portal shares (feedback, survey answers, questions for a
//! dialogue conference): the check question ([`crate::challenge`]) and rate limits counted in
//! the database, so that every instance sees the same counts. Subjects are SHA-256 hashes, so
//! neither a client address nor a contact is stored in clear.

use crate::secret::sha256_hex;
use crate::{AppError, Result};
use motcua_store::{Conn, sessions};

/// The hashed subject a limit counts: `kind` names the form (and the survey or conference).
pub fn subject(kind: &str, value: &str) -> String {
    sha256_hex(&format!("{kind}:{value}"))
}

/// Refuses with `TooManyAttempts` when `subject` was counted `limit` times in the last
/// `window_secs`.
pub async fn check_limit(
    conn: &mut Conn,
    tenant_id: i64,
    subject: &str,
    limit: i64,
    window_secs: i64,
    now: i64,
) -> Result<()> {
    let window = window_secs.max(60);
    if sessions::login_failures_since(conn, tenant_id, subject, now - window).await? >= limit.max(1)
    {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: window,
        });
    }
    Ok(())
}

/// Counts one use of `subject`, in the transaction of the accepted submission.
pub async fn count_use(conn: &mut Conn, tenant_id: i64, subject: &str, now: i64) -> Result<()> {
    Ok(sessions::record_login_failure(conn, tenant_id, subject, now).await?)
}
