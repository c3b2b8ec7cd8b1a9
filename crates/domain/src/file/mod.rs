//! The file (hồ sơ) workflow: states, actions with their guards, deadlines,
//! codes, history and the per-file evaluation of Circular 01/2018.
//!
//! The app layer loads a [`FileRecord`], calls [`apply`] with an [`Action`]
//! and an [`ActionContext`] (actor, server clock, the unit's
//! [`crate::calendar::WorkingCalendar`]), then in one transaction stores
//! [`Transition::record`] with `WHERE version = old`, appends
//! [`Transition::event`] to the history, and turns [`Transition::effects`]
//! into audit, outbox, notification and form rows. A new file starts with
//! [`open`]. Which role may ask for an action: [`required_permission`].
//!
//! Deadlines are never stored as bare numbers: the record keeps what the
//! deadline depends on and every change recomputes it with
//! [`crate::calendar::deadline::compute_deadline`] ([`recompute_deadline`]
//! re-derives it, e.g. to print its explanation).

mod action;
mod apply;
mod code;
mod error;
pub mod evaluation;
mod event;
mod import;
mod record;
mod rules;
mod state;
mod timing;

pub use action::{
    Action, ActionKind, HandoverMethod, applicant_may_perform, kind_permission, open_permission,
    required_permission,
};
pub use apply::{
    ActionContext, MAX_ITEMS, MAX_TEXT_CHARS, NewFile, apply, available_actions, check_allowed,
    open,
};
pub use code::{CodeRequest, file_code, file_code_shape};
pub use error::FileError;
pub use event::{DeadlineChange, Effect, Flag, FormKind, HistoryEvent, Notice, Transition};
pub use import::{
    HistoricalFile, HistoricalOutcome, IMPORTED_APOLOGY_REASON, ImportError, import,
    rule_version_at,
};
pub use record::{Apology, DeadlineSummary, FileRecord, Leg, ProcedureTerms, SupplementRequest};
pub use rules::{
    APOLOGY_LEAD_CALENDAR_DAYS, FileRules, FormNumbers, OnlineReceiptMoment,
    SUPPLEMENT_NOTICE_WORKING_DAYS,
};
pub use state::FileState;
pub use timing::{deadline_as_of, recompute_deadline};
