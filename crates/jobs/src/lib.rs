//! Background work from the job table: notifications to applicants, clean-up, the queue's
//! self-test. Safe to run on several instances against one database.
//!
//! - Every change to a file writes an `outbox` row in its own transaction. A worker's
//!   dispatcher turns outbox rows into jobs (`outbox:<id>` idempotency key) and stamps them,
//!   in one transaction; the outbox stays the record of what was announced, and the code
//!   that changes files needs to know nothing of channels or settings.
//! - Workers claim due jobs under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), extend it
//!   while a job runs, and finish the job with a write that names the lease owner, in the same
//!   transaction as the job's effect where the effect is in the database. A worker that was
//!   killed leaves leases that run out; another worker takes the jobs then.
//! - Failures are retried with exponential backoff, then dead-lettered for administrators.
//! - Messages to applicants (e-mail, SMS, Zalo) are recorded in `notifications_sent` right
//!   after the gateway accepts them; a job retried after that does not send again.
//!
//! Logs name the job id and kind only: no addresses, names or message text.

mod chat;
mod cleanup;
mod handlers;
pub mod metrics;
pub mod notify;
mod reminders;
mod schedule;
mod worker;

pub use metrics::JobMetrics;
pub use notify::{Channel, NotifyConfig, TenantNotify};
pub use worker::{Worker, WorkerConfig, worker_id};

use thiserror::Error;

/// Job kinds, as stored.
pub mod kind {
    /// A file changed (from the outbox): decide which messages to send.
    pub const FILE_CHANGED: &str = "file.changed";
    /// Send one message on one channel.
    pub const NOTIFY: &str = "notify";
    /// Delete expired sessions (daily, one per tenant and day).
    pub const SESSIONS_EXPIRE: &str = "sessions.expire";
    /// The queue's self-test: sleep, then record one row (`motcua jobs probe`).
    pub const PROBE: &str = "probe";
    /// Daily, from the digest hour: queue one digest per officer and leader, and one apology
    /// warning per file and recipient.
    pub const REMINDERS_DAILY: &str = "reminders.daily";
    /// One officer's digest of files due soon and overdue (nothing sent when there is none).
    pub const DIGEST_SEND: &str = "digest.send";
    /// Tell one officer that a file needs its apology letter before the cut-off.
    pub const APOLOGY_WARN: &str = "apology.warn";
    /// Send the answer to a chat message through the platform's gateway.
    pub const CHAT_REPLY: &str = motcua_app::chat::REPLY_JOB;
    /// Daily: delete stored documents no row refers to, after a grace period.
    pub const ATTACHMENTS_CLEANUP: &str = "attachments.cleanup";
    /// Tell a feedback's sender (phản ánh, kiến nghị) that its answer is out (one per item).
    pub const FEEDBACK_ANSWERED: &str = "feedback.answered";
    /// A feedback item changed (from the outbox): queue `feedback.answered` when the answer
    /// became readable by the sender.
    pub const FEEDBACK_CHANGED: &str = "feedback.changed";
}

/// Why a job did not finish.
#[derive(Debug, Error)]
pub enum JobError {
    /// Worth trying again later (gateway down, timeout, database hiccup).
    #[error("{0}")]
    Retry(String),
    /// Trying again will not help (malformed payload, address refused): dead at once.
    #[error("{0}")]
    Permanent(String),
    /// Another worker took the job over (this one was too slow); nothing was committed.
    #[error("lease lost")]
    LeaseLost,
}

impl From<motcua_app::AppError> for JobError {
    fn from(err: motcua_app::AppError) -> Self {
        // The stable code only: messages may quote user input.
        JobError::Retry(format!("app: {}", err.code()))
    }
}

impl From<motcua_store::StoreError> for JobError {
    fn from(err: motcua_store::StoreError) -> Self {
        // Database errors carry no personal data (values are bound, not inlined).
        JobError::Retry(format!("database: {err}"))
    }
}
