//! Files (hồ sơ): intake on every channel, workflow actions, reading and public lookup.
//! The rules live in `motcua_domain::file`; here each use case checks permission and scope,
//! loads the record, applies the rule, and stores the new record, its history entry, an
//! outbox message and the audit record in one transaction.

mod act;
mod csv;
pub mod import;
mod intake;
mod read;
mod receipt;
mod row;

pub use act::{ActionInput, act};
pub use intake::{Applicant, Intake, Receipt, receive};
pub use read::{
    FileDetail, FilePage, FileSummary, HistoryEntry, PublicStatus, QueueItem, QueueQuery,
    StateCount, counts, detail, lookup, queue,
};
pub use receipt::{place_name, print_receipt};
