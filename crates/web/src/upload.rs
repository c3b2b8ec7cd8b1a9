//! Reading `multipart/form-data` uploads with a size limit per file, enforced while the body
//! streams in (a too-large file is refused without being held whole in memory).

use crate::problem::ApiError;
use axum::extract::Multipart;
use axum::http::StatusCode;

/// One uploaded file.
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The text fields and files of a multipart form.
#[derive(Default)]
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl UploadForm {
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// At most this many files in one form.
pub const MAX_FILES: usize = 20;

pub async fn read(mut multipart: Multipart, max_file_bytes: usize) -> Result<UploadForm, ApiError> {
    let bad = |code: &'static str, title: &str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, title)
    };
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "The upload is too large",
                ));
            }
            Err(_) => {
                return Err(bad(
                    "malformed_multipart",
                    "The form data could not be read",
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let mut field = field;
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > max_file_bytes {
                                return Err(ApiError::new(
                                    StatusCode::PAYLOAD_TOO_LARGE,
                                    "attachment_too_large",
                                    &format!(
                                        "Each file may be at most {} MiB",
                                        max_file_bytes / (1024 * 1024)
                                    ),
                                ));
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => {
                            return Err(bad(
                                "malformed_multipart",
                                "The form data could not be read",
                            ));
                        }
                    }
                }
                // A file input left empty sends a part with no name and no bytes.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if form.files.len() >= MAX_FILES {
                    return Err(bad("too_many_files", "At most 20 files at once"));
                }
                form.files.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                });
            }
            None => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| bad("malformed_multipart", "The form data could not be read"))?;
                if text.len() > 10_000 {
                    return Err(bad("field_too_long", "A form field is too long"));
                }
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}
