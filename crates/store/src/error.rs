use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the message names the constraint or columns.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    /// A foreign key refused the write (the row is still referenced, or a reference is missing).
    #[error("referenced data: {0}")]
    Reference(String),
    /// Text the database cannot store (PostgreSQL refuses the NUL character in text).
    #[error("text the database cannot store")]
    BadText,
    #[error("not found")]
    NotFound,
    /// The row changed since it was read (optimistic concurrency).
    #[error("stale version")]
    Stale,
    #[error("unsupported database URL `{0}`: use sqlite://… or postgres://…")]
    BadUrl(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let Some(db) = err.as_database_error() {
            if db.is_unique_violation() {
                return StoreError::Duplicate(
                    db.constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| db.message().to_owned()),
                );
            }
            if db.is_foreign_key_violation() {
                return StoreError::Reference(db.message().to_owned());
            }
            // character_not_in_repertoire, untranslatable_character
            if matches!(db.code().as_deref(), Some("22021" | "22P05")) {
                return StoreError::BadText;
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}
