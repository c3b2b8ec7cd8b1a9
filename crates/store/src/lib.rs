//! Storage on SQLite (embedded default) and PostgreSQL (production), through sqlx's `Any` driver.
//!
//! One function per query. The SQL is written once in the dialect both databases share
//! (`$1` parameters, `RETURNING`, `ON CONFLICT`); the schemas differ only in `migrations/<backend>`.
//! Every query on tenant-owned data filters by `tenant_id`.

pub mod audit;
pub mod bench;
pub mod board;
pub mod calendars;
pub mod catalogue;
pub mod chat;
mod db;
pub mod dialogues;
mod error;
pub mod feedback;
pub mod file_import;
pub mod files;
pub mod jobs;
pub mod notify_prefs;
pub mod processes;
pub mod reform_index;
pub mod reminders;
pub mod report_daily;
pub mod reports;
pub mod satisfaction;
pub mod sessions;
pub mod surveys;
pub mod tenants;
pub mod units;
pub mod users;

pub use db::{Backend, Conn, Db, ReadConn, Tx, begin_on, commit};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Converts the 0/1 integers used for flags (portable across both databases) into `bool`.
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}
