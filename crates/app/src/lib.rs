//! Use cases: one function per thing a user does. Each checks permissions first, runs in one
//! transaction, and writes its audit record in that same transaction.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod challenge;
pub mod chat;
pub mod demo;
pub mod demo_feedback;
pub mod demo_files;
pub mod demo_index;
pub mod demo_surveys;
pub mod dialogues;
mod error;
pub mod feedback;
pub mod files;
pub mod jobs;
mod lookups;
pub mod notify_prefs;
pub mod org;
pub mod processes;
pub mod public_form;
pub mod reform_index;
pub mod remembered;
pub mod reminders;
pub mod reports;
pub mod satisfaction;
pub mod secret;
pub mod session_cache;
pub mod surveys;
pub mod tenancy;

pub use error::AppError;
/// Row types the use cases return, re-exported for the web layer.
pub use motcua_store as store;
pub use motcua_store::{Backend, Db};

use jiff::Timestamp;
use motcua_domain::org::Role;
use motcua_domain::permission::{self, Action};
use std::sync::Arc;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Where "now" comes from; tests pass a fixed clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The server's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        system_now()
    }
}

/// The wall clock of this process. Test hook: when `MOTCUA_CLOCK_SKEW_FILE` names a file, the
/// number of seconds in it (read on every call, so a test can make the clock jump while the
/// process runs) is added. Decisions shared between processes (job leases) use the
/// database's clock instead.
pub fn system_now() -> Timestamp {
    static SKEW_FILE: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let now = Timestamp::now();
    let Some(path) = SKEW_FILE
        .get_or_init(|| std::env::var_os("MOTCUA_CLOCK_SKEW_FILE").map(Into::into))
        .as_ref()
    else {
        return now;
    };
    let skew = std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0);
    now.checked_add(jiff::SignedDuration::from_secs(skew))
        .unwrap_or(now)
}

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Idle timeout of a browser session.
    pub session_idle_secs: i64,
    /// Failed logins allowed per account within the window.
    pub login_max_failures: i64,
    /// Failed logins allowed per client address within the window. Higher than per account:
    /// a commune office's officers often share one address behind NAT.
    pub login_max_failures_per_address: i64,
    pub login_window_secs: i64,
    /// The platform owner's code (AA) in file codes of the national format (from 2026-01-25).
    pub platform_code: String,
    /// Where attachments are stored, by content hash.
    pub attachments_dir: std::path::PathBuf,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// Feedback and petitions: rate limits and retention of personal data.
    pub feedback: feedback::FeedbackSettings,
    /// Key of the contact hashes in the opt-out table (`contact_hash_key`); none: a random
    /// key per tenant kept in the database.
    pub contact_hash_key: Option<notify_prefs::ContactHashKey>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle_secs: 8 * 3600,
            login_max_failures: 5,
            login_max_failures_per_address: 50,
            login_window_secs: 15 * 60,
            platform_code: "01".into(),
            attachments_dir: "motcua-files".into(),
            max_attachment_bytes: 10 * 1024 * 1024,
            feedback: feedback::FeedbackSettings::default(),
            contact_hash_key: None,
        }
    }
}

/// The application: database, clock and settings. Cheap to clone; holds no per-user state, so
/// any number of instances can serve the same database.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub settings: Settings,
    clock: Arc<dyn Clock>,
    pub(crate) calendars: Arc<calendar::CalendarCache>,
    pub(crate) tenants: Arc<tenancy::TenantCache>,
    pub(crate) sessions: Arc<session_cache::SessionCache>,
    pub(crate) file_bases: Arc<files::FileBases>,
    pub(crate) lookups: Arc<lookups::Lookups>,
}

impl App {
    pub fn new(db: Db, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App {
            db,
            settings,
            clock,
            calendars: Arc::default(),
            tenants: Arc::default(),
            sessions: Arc::default(),
            file_bases: Arc::default(),
            lookups: Arc::default(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn now_secs(&self) -> i64 {
        self.clock.now().as_second()
    }
}

/// A role held at a unit, with what is needed to decide scope without another query.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RoleGrant {
    pub role: Role,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub include_subunits: bool,
}

impl RoleGrant {
    /// Whether this grant reaches the unit with materialised path `path`.
    pub fn covers(&self, path: &str) -> bool {
        if self.include_subunits {
            path.starts_with(&self.unit_path)
        } else {
            path == self.unit_path
        }
    }
}

/// The authenticated person making a request.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Actor {
    pub tenant_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub is_citizen: bool,
    pub grants: Vec<RoleGrant>,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether any of the actor's roles allows `action` somewhere.
    pub fn can(&self, action: Action) -> bool {
        self.grants
            .iter()
            .any(|g| permission::allows(g.role, action))
    }

    pub fn require(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Requires a role that allows `action` at the unit with path `unit_path`.
    pub fn require_at(&self, action: Action, unit_path: &str) -> Result<()> {
        let ok = self
            .grants
            .iter()
            .any(|g| permission::allows(g.role, action) && g.covers(unit_path));
        if ok { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// The unit subtrees (as path prefixes or exact paths) where `action` is allowed.
    pub fn scopes(&self, action: Action) -> Vec<&RoleGrant> {
        self.grants
            .iter()
            .filter(|g| permission::allows(g.role, action))
            .collect()
    }
}
