use motcua_domain::catalogue::FieldError;
use motcua_domain::file::FileError;
use motcua_domain::rules::FileCodeError;
use motcua_store::StoreError;
use thiserror::Error;

/// Errors of the use cases. Each has a stable machine code (`code()`), used by the API's
/// problem+json `code` member and mapped to a Vietnamese message on pages.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("not allowed")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the record was changed by someone else; reload and try again")]
    Stale,
    /// A workflow rule refused the action (e.g. a second apology, approving a withdrawn file).
    #[error("{message}")]
    Rule {
        code: &'static str,
        message: String,
        message_vi: String,
        conflict: bool,
    },
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Validation(_) => "validation_failed",
            AppError::Conflict { code, .. } => code,
            AppError::Stale => "stale_version",
            AppError::Rule { code, .. } => code,
            AppError::Internal(_) => "internal",
        }
    }

    /// Maps a store error, turning a unique-constraint refusal into a conflict with `code`.
    pub fn duplicate_as(
        code: &'static str,
        message: impl Into<String>,
    ) -> impl FnOnce(StoreError) -> AppError {
        let message = message.into();
        move |err| match err {
            StoreError::Duplicate(_) => AppError::Conflict { code, message },
            other => other.into(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<FileError> for AppError {
    fn from(err: FileError) -> Self {
        let conflict = match &err {
            FileError::VersionConflict { .. } => return AppError::Stale,
            FileError::Inconsistent(_)
            | FileError::RuleVersionNotInForce { .. }
            | FileError::NoCodeFormat { .. }
            | FileError::Code(FileCodeError::UnknownPlaceholder(_) | FileCodeError::Unclosed)
            | FileError::Code(FileCodeError::MissingPlatform | FileCodeError::MissingAgency) => {
                return AppError::Internal(format!("{} ({})", err, err.code()));
            }
            FileError::WrongState { .. }
            | FileError::Finished { .. }
            | FileError::Closed
            | FileError::ResultAlreadyIssued
            | FileError::ResultNotReady
            | FileError::StopNotInRuleVersion { .. }
            | FileError::ApologyAlreadyIssued
            | FileError::LegAlreadyOpen { .. }
            | FileError::NoOpenLeg { .. }
            | FileError::SameAssignee
            | FileError::Code(FileCodeError::SequenceOverflow { .. }) => true,
            _ => false,
        };
        AppError::Rule {
            code: err.code(),
            message: err.to_string(),
            message_vi: err.message_vi(),
            conflict,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Stale => AppError::Stale,
            StoreError::Duplicate(what) => AppError::Conflict {
                code: "duplicate",
                message: format!("already exists ({what})"),
            },
            // The database's own wording names tables and constraints: not for users.
            StoreError::Reference(_) => AppError::Conflict {
                code: "in_use",
                message: "still referenced by other records".to_owned(),
            },
            StoreError::BadText => AppError::invalid(
                "text",
                "text must not contain control characters such as NUL",
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}
