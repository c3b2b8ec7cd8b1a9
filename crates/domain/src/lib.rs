//! Pure rules of the one-stop domain: no IO, no async, the clock is passed in.

pub mod calendar;
pub mod catalogue;
pub mod feedback;
pub mod file;
pub mod org;
pub mod permission;
pub mod process;
pub mod reform_index;
pub mod reminders;
pub mod report;
pub mod rules;
pub mod service_index;
pub mod survey;
pub mod text;
