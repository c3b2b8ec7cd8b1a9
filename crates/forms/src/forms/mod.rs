//! One module per form; each exposes one `pub fn` taking its data and returning the PDF bytes.
//! [`render`] dispatches on [`Form`] for callers that pick the form at run time.

mod common;
mod control_slip;
mod handling_report;
mod letters;
mod notices;
mod receipt;
mod reform_results;
mod tracking_book;

pub use control_slip::control_slip;
pub use handling_report::handling_report;
pub use letters::{apology, stop_notice};
pub use notices::{refusal, supplement_request};
pub use receipt::receipt;
pub use reform_results::{ReformResultLine, ReformResultsData, reform_results};
pub use tracking_book::tracking_book;

use crate::FormError;
use crate::data::*;

/// Any of the forms, with its data.
#[derive(Clone, Copy, Debug)]
pub enum Form<'a> {
    Receipt(&'a ReceiptData),
    SupplementRequest(&'a SupplementRequestData),
    Refusal(&'a RefusalData),
    Apology(&'a ApologyData),
    StopNotice(&'a StopNoticeData),
    ControlSlip(&'a ControlSlipData),
    TrackingBook(&'a TrackingBookData),
    HandlingReport(&'a HandlingReportData),
}

/// Renders `form` as a PDF.
pub fn render(form: Form<'_>) -> Result<Vec<u8>, FormError> {
    match form {
        Form::Receipt(d) => receipt(d),
        Form::SupplementRequest(d) => supplement_request(d),
        Form::Refusal(d) => refusal(d),
        Form::Apology(d) => apology(d),
        Form::StopNotice(d) => stop_notice(d),
        Form::ControlSlip(d) => control_slip(d),
        Form::TrackingBook(d) => tracking_book(d),
        Form::HandlingReport(d) => handling_report(d),
    }
}
