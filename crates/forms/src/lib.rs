//! Printed one-stop forms as PDF, generated in-process.
//!
//! The one-stop rules come with standard forms: Circular 01/2018/TT-VPCP (art. 9, forms 01–06)
//! and Circular 03/2025/TT-VPCP (forms 01–07). This crate draws them on A4 from plain data
//! ([`data`]) with embedded, subsetted Liberation Serif (a Times-compatible face with the full
//! Vietnamese repertoire), so any viewer shows and extracts the text exactly.
//!
//! The caller picks the form number from the file's rule version and passes it in
//! [`Letterhead::form_number`]; nothing here knows which version is in force.
//!
//! ```no_run
//! use motcua_forms::{ReceiptData, receipt};
//! let pdf: Vec<u8> = receipt(&ReceiptData::default())?;
//! # Ok::<(), motcua_forms::FormError>(())
//! ```
//!
//! Layout is done here (`layout`), on `pdf-writer` for the file format, `ttf-parser` for glyph
//! metrics and `subsetter` for font subsets: no shaping engine and no typesetting system,
//! which keeps the build small and a form under a few milliseconds.

pub mod data;
mod error;
mod fonts;
mod forms;
mod layout;
mod limits;
mod pdf;
mod qr;
mod text;

pub use data::*;
pub use error::FormError;
pub use forms::*;
pub use limits::{MAX_FIELD_CHARS, MAX_HEADING_CHARS, MAX_ROWS, MAX_TOTAL_CHARS};
pub use pdf::MAX_PAGES;
