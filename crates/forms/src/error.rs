//! Errors of form generation, with stable machine codes for the layers above.

/// Why a form could not be produced. Every input gives either a PDF or one of these: odd
/// characters are printed as `?`, empty fields as dotted lines; only input far beyond any real
/// form is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A text field is longer than [`crate::MAX_FIELD_CHARS`] (or, in the letterhead,
    /// [`crate::MAX_HEADING_CHARS`]).
    #[error("field `{field}` has {len} characters; at most {max} are printed")]
    FieldTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    /// A list (documents, hand-over steps, tracking-book rows) is longer than
    /// [`crate::MAX_ROWS`].
    #[error("`{field}` has {len} entries; at most {max} are printed")]
    TooManyRows {
        field: &'static str,
        len: usize,
        max: usize,
    },
    /// All text fields together exceed [`crate::MAX_TOTAL_CHARS`].
    #[error("the form's text has {len} characters; at most {max} are printed")]
    TooMuchText { len: usize, max: usize },
    /// The lookup address does not fit in a QR code (more than about 2,000 bytes).
    #[error("the lookup URL ({len} bytes) does not fit in a QR code")]
    LookupUrlTooLong { len: usize },
    /// The tracking book's period ends before it starts.
    #[error("the period ends before it starts")]
    InvalidPeriod,
    /// The layout would need more than [`crate::MAX_PAGES`] pages.
    #[error("the form would have more than {max} pages")]
    TooManyPages { max: usize },
    /// The embedded fonts could not be read or subsetted: a build problem, not bad input.
    #[error("font error: {0}")]
    Font(String),
}

impl FormError {
    /// A stable code for logs, problem+json `type`s and translations.
    pub fn code(&self) -> &'static str {
        match self {
            FormError::FieldTooLong { .. } => "form_field_too_long",
            FormError::TooManyRows { .. } => "form_too_many_rows",
            FormError::TooMuchText { .. } => "form_too_much_text",
            FormError::LookupUrlTooLong { .. } => "form_lookup_url_too_long",
            FormError::InvalidPeriod => "form_invalid_period",
            FormError::TooManyPages { .. } => "form_too_many_pages",
            FormError::Font(_) => "form_font",
        }
    }

    /// True when the caller's data is at fault (a 4xx), false for an internal failure.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, FormError::Font(_))
    }
}
