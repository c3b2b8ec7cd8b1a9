//! Feedback and petitions (phản ánh, kiến nghị): submission on the portal (with or without an
//! account) or recorded by staff, the sender's follow-up with a code and secret, the staff
//! workflow with legal step deadlines, the public list of answers without personal data,
//! on-time statistics per unit, and personal-data requests.

mod act;
mod privacy;
mod read;
mod stats;
mod submit;

/// The check question moved to [`crate::challenge`]; this path stays for existing callers.
pub use crate::challenge;

pub use act::{ActionInput, act, sender_act};
pub use privacy::{
    PURPOSE_VI, PersonalData, erase_past_retention, erase_personal_data, export_personal_data,
};
pub use read::{
    FeedbackView, HistoryEntry, PublicStatus, PublishedAnswer, QueueItem, QueueQuery, SenderView,
    UnitRef, detail, lookup, mine, published, queue,
};
pub use stats::{FeedbackStats, StatsQuery, UnitStats, stats};
pub use submit::{ChallengeAnswer, FeedbackReceipt, SenderInput, Submission, Submitter, submit};

use crate::calendar::utc7;
use crate::{App, AppError, Result};
use motcua_domain::feedback::{
    Context, FeedbackDeadlines, FeedbackError, FeedbackRecord, FeedbackState,
};
use motcua_store::feedback::FeedbackRow;
use serde::Deserialize;

/// Limits and retention of feedback (`[feedback]` in the configuration).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedbackSettings {
    /// Submissions from one client address per window (anonymous and citizen portal).
    pub max_per_address: i64,
    /// Submissions with one phone number or e-mail address per window.
    pub max_per_contact: i64,
    pub window_minutes: i64,
    /// Personal data of finished items is erased this many days after receipt.
    pub retention_days: i64,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            max_per_address: 10,
            max_per_contact: 3,
            window_minutes: 60,
            retention_days: 5 * 365,
        }
    }
}

/// Longest title, text and answer.
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5000;

impl From<FeedbackError> for AppError {
    fn from(err: FeedbackError) -> Self {
        let conflict = matches!(
            err,
            FeedbackError::WrongState { .. } | FeedbackError::AlreadyRated
        );
        if matches!(
            err,
            FeedbackError::NoDeadlines(_) | FeedbackError::Deadline(_)
        ) {
            return AppError::Internal(err.to_string());
        }
        AppError::Rule {
            code: err.code(),
            message: err.to_string(),
            message_vi: err.message_vi(),
            conflict,
        }
    }
}

pub(crate) fn record_of(row: &FeedbackRow) -> Result<FeedbackRecord> {
    serde_json::from_str(&row.record_json)
        .map_err(|e| AppError::Internal(format!("feedback record {}: {e}", row.id)))
}

pub(crate) fn state_of(row: &FeedbackRow) -> FeedbackState {
    FeedbackState::parse(&row.state).unwrap_or(FeedbackState::Received)
}

/// The deadlines in force at `at` (receipt) or by id (kept by the record).
pub(crate) fn deadlines_for(
    rec: Option<&FeedbackRecord>,
    app: &App,
) -> Result<&'static FeedbackDeadlines> {
    let found = match rec {
        Some(r) => FeedbackDeadlines::by_id(&r.deadlines),
        None => FeedbackDeadlines::in_force_at(app.now().to_zoned(utc7()).date()),
    };
    found.ok_or_else(|| AppError::Internal("no feedback deadline rules in force".into()))
}

/// Builds the domain context with the tenant's current calendar.
pub(crate) async fn with_context<T>(
    app: &App,
    tenant_id: i64,
    rec: Option<&FeedbackRecord>,
    f: impl FnOnce(&Context<'_>) -> Result<T>,
) -> Result<T> {
    let cal = crate::calendar::working_calendar(app, tenant_id, None).await?;
    let deadlines = deadlines_for(rec, app)?;
    let ctx = Context {
        now: app.now(),
        calendar: &cal,
        deadlines,
    };
    f(&ctx)
}

/// Secret given to the sender: 8 random digits. Only its hash is stored.
pub(crate) fn secret_hash(tenant_id: i64, code: &str, secret: &str) -> String {
    crate::secret::sha256_hex(&format!("feedback:{tenant_id}:{code}:{}", secret.trim()))
}
