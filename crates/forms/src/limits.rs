//! Bounds on input size. Real forms are far inside them; they exist so that a bug or an attack
//! upstream gets a clear error instead of a process busy laying out a million pages.

use crate::FormError;
use crate::data::{Applicant, Letterhead};

/// Longest text field printed. Procedure names in the national catalogue stay under ~1,000.
pub const MAX_FIELD_CHARS: usize = 10_000;
/// Longest heading field (agency names, place, number, form number): the letterhead sits on
/// the first page and must fit there.
pub const MAX_HEADING_CHARS: usize = 300;
/// Longest list printed: documents of a file, hand-over steps, rows of the tracking book.
pub const MAX_ROWS: usize = 20_000;
/// All text of one form together.
pub const MAX_TOTAL_CHARS: usize = 3_000_000;

/// Counts characters field by field and stops at the first field over a limit.
#[derive(Default)]
pub(crate) struct Limits {
    total: usize,
}

impl Limits {
    pub(crate) fn field(&mut self, field: &'static str, value: &str) -> Result<(), FormError> {
        self.bounded(field, value, MAX_FIELD_CHARS)
    }

    fn bounded(&mut self, field: &'static str, value: &str, max: usize) -> Result<(), FormError> {
        // Bytes bound chars from above: skip counting for the common short field.
        let len = if value.len() <= max {
            value.len()
        } else {
            value.chars().count()
        };
        if len > max {
            return Err(FormError::FieldTooLong { field, len, max });
        }
        self.total += len;
        if self.total > MAX_TOTAL_CHARS {
            return Err(FormError::TooMuchText {
                len: self.total,
                max: MAX_TOTAL_CHARS,
            });
        }
        Ok(())
    }

    pub(crate) fn rows(&mut self, field: &'static str, len: usize) -> Result<(), FormError> {
        if len > MAX_ROWS {
            return Err(FormError::TooManyRows {
                field,
                len,
                max: MAX_ROWS,
            });
        }
        Ok(())
    }

    pub(crate) fn letterhead(&mut self, l: &Letterhead) -> Result<(), FormError> {
        let max = MAX_HEADING_CHARS;
        self.bounded("letterhead.form_number", &l.form_number, max)?;
        self.bounded("letterhead.agency.parent_name", &l.agency.parent_name, max)?;
        self.bounded("letterhead.agency.name", &l.agency.name, max)?;
        self.bounded("letterhead.agency.place", &l.agency.place, max)?;
        self.bounded("letterhead.reference", &l.reference, max)
    }

    pub(crate) fn applicant(&mut self, a: &Applicant) -> Result<(), FormError> {
        self.field("applicant.name", &a.name)?;
        self.field("applicant.address", &a.address)?;
        self.field("applicant.phone", &a.phone)?;
        self.field("applicant.email", &a.email)
    }

    pub(crate) fn list(&mut self, field: &'static str, items: &[String]) -> Result<(), FormError> {
        self.rows(field, items.len())?;
        items.iter().try_for_each(|s| self.field(field, s))
    }
}
