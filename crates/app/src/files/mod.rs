//! Files (hồ sơ): intake on every channel, workflow actions, reading and public lookup.
//! The rules live in `motcua_domain::file`; here each use case checks permission and scope,
//! loads the record, applies the rule, and stores the new record, its history entry, an
//! outbox message and the audit record in one transaction.

mod act;
pub(crate) mod attachments;
pub(crate) mod csv;
mod forms;
pub mod import;
mod intake;
mod online;
mod rating;
mod read;
mod receipt;
mod row;

pub use act::{ActionInput, act};
pub(crate) use act::{FileBase, FileBases};
pub use attachments::{Attachment, AttachmentKind, attach, attachments, clean_name, download};
pub use forms::{PrintedForm, available_forms, print_form};
pub use intake::{Applicant, Intake, Receipt, receive};
pub use online::{OnlineSubmission, my_files, submit_online};
pub use rating::{Question, Rater, Rating, RatingInput, RatingState, ScoreView, rate};
pub use read::{
    Assignable, FileDetail, FilePage, FileSummary, HistoryEntry, PublicStatus, QueueItem,
    QueueQuery, StateCount, assignable_at_unit, counts, detail, lookup, queue,
};
pub use receipt::{place_name, print_receipt};

/// For the reminders: the same scope check and record parsing as the file pages.
pub(crate) use read::load_scoped;
pub(crate) use read::verify_secret;
pub(crate) use row::record_of as parse_record;
