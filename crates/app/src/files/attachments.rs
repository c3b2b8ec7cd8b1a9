//! Documents attached to a file: the applicant's papers (online, or scanned at the counter) and
//! electronic results. The type is decided from the bytes, never from the name or the header
//! the client sent; names are cleaned of paths and control characters. Bytes are stored once,
//! by SHA-256, under the configured directory (written to a temporary file, synced, then
//! renamed, so a crash never leaves a half-written document under its hash); the database row,
//! written with its audit record in one transaction, is what attaches it to the file. A crash
//! between the two leaves at most an unreferenced blob, never a row without its bytes.

use super::read::load_scoped;
use super::row::record_of;
use crate::audit::{self, Change};
use crate::{Actor, App, AppError, Result};
use motcua_domain::file::FileState;
use motcua_domain::permission::Action;
use motcua_store::commit;
use motcua_store::files::{self as store, AttachmentRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What an attachment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    /// A paper of the applicant's file (thành phần hồ sơ).
    Document,
    /// The electronic result issued to the applicant.
    Result,
}

impl AttachmentKind {
    pub fn parse(s: &str) -> Option<AttachmentKind> {
        match s {
            "document" => Some(AttachmentKind::Document),
            "result" => Some(AttachmentKind::Result),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Document => "document",
            AttachmentKind::Result => "result",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    /// `document` or `result`.
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: jiff::Timestamp,
}

fn view(r: AttachmentRow) -> Attachment {
    Attachment {
        id: r.id,
        kind: r.kind,
        name: r.name,
        content_type: r.content_type,
        size_bytes: r.size_bytes,
        sha256: r.sha256,
        uploaded_at: jiff::Timestamp::from_second(r.uploaded_at).unwrap_or_default(),
    }
}

/// The accepted types, recognised by their first bytes: (content type, extension).
pub(crate) fn sniff(bytes: &[u8], name: &str) -> Option<(&'static str, &'static str)> {
    let lower = name.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Some((
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ))
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".xlsx") {
        Some((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ))
    } else {
        None
    }
}

/// The name shown and offered on download: the last path component, without control
/// characters, at most 120 characters, with the extension of the detected type.
pub fn clean_name(raw: &str, extension: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => cleaned,
    };
    let stem: String = stem.chars().take(110).collect();
    let stem = if stem.trim().is_empty() {
        "tai-lieu".to_owned()
    } else {
        stem.trim().to_owned()
    };
    format!("{stem}.{extension}")
}

pub(crate) fn blob_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

/// Writes the bytes under their hash unless already there; durable before it returns.
pub(crate) fn store_blob(dir: &Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = blob_path(dir, sha);
    // Already stored: touch it before the row is written, so the daily clean-up (which
    // deletes only unreferenced blobs untouched for a grace period) leaves it alone. If it
    // vanished meanwhile (moved aside by the clean-up), write it anew.
    if std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .is_ok()
    {
        return Ok(());
    }
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{sha}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Whether the actor may add an attachment of `kind` to the file now.
fn may_attach(actor: &Actor, row: &store::FileRow, state: FileState, kind: AttachmentKind) -> bool {
    let owner = row.owner_user_id == Some(actor.user_id);
    match kind {
        // The applicant adds papers before receipt and while a supplement is awaited; the
        // counter scans papers of files in processing.
        AttachmentKind::Document => {
            (owner
                && matches!(
                    state,
                    FileState::Submitted
                        | FileState::ReturnedForCompletion
                        | FileState::AwaitingSupplement
                ))
                || (!actor.is_citizen && !state.is_end() && actor.can(Action::ReceiveFiles))
                || (!actor.is_citizen
                    && state.is_in_processing()
                    && actor.can(Action::ProcessFiles))
        }
        AttachmentKind::Result => {
            !actor.is_citizen
                && (actor.can(Action::ProcessFiles) || actor.can(Action::DecideFiles))
                && !state.is_end()
        }
    }
}

/// Attaches `bytes` named `name` to file `file_id`.
pub async fn attach(
    app: &App,
    actor: &Actor,
    file_id: i64,
    kind: AttachmentKind,
    name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let row = load_scoped(app, actor, file_id).await?;
    let rec = record_of(&row)?;
    if !may_attach(actor, &row, rec.state, kind) {
        return Err(AppError::Forbidden);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "the file is empty"));
    }
    if bytes.len() > app.settings.max_attachment_bytes {
        return Err(AppError::invalid(
            "file",
            format!(
                "larger than {} MiB",
                app.settings.max_attachment_bytes / (1024 * 1024)
            ),
        ));
    }
    let (content_type, extension) = sniff(bytes, name)
        .ok_or_else(|| AppError::invalid("file", "only PDF, JPEG, PNG, DOCX and XLSX files"))?;
    let sha = hex(&Sha256::digest(bytes));
    let dir = app.settings.attachments_dir.clone();
    let owned = bytes.to_vec();
    let sha_for_write = sha.clone();
    tokio::task::spawn_blocking(move || store_blob(&dir, &sha_for_write, &owned))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("attachment store: {e}")))?;
    let now = app.now_secs();
    let mut stored = AttachmentRow {
        id: 0,
        file_id,
        kind: kind.as_str().to_owned(),
        name: clean_name(name, extension),
        content_type: content_type.to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: sha,
        uploaded_by: actor.user_id,
        uploaded_at: now,
    };
    let mut tx = app.db.begin().await?;
    stored.id = store::insert_attachment(&mut tx, actor.tenant_id, &stored).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "file.attachment_added",
            entity_type: "file",
            entity_id: file_id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "attachment": stored.id, "kind": stored.kind, "sha256": stored.sha256,
                "size": stored.size_bytes, "type": stored.content_type,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(view(stored))
}

/// The file's attachments, for whoever may read the file.
pub async fn attachments(app: &App, actor: &Actor, file_id: i64) -> Result<Vec<Attachment>> {
    load_scoped(app, actor, file_id).await?;
    let mut conn = app.db.read_conn().await?;
    Ok(store::attachments(&mut conn, actor.tenant_id, file_id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// One attachment's bytes, for whoever may read the file.
pub async fn download(
    app: &App,
    actor: &Actor,
    file_id: i64,
    attachment_id: i64,
) -> Result<(Attachment, Vec<u8>)> {
    load_scoped(app, actor, file_id).await?;
    let mut conn = app.db.read_conn().await?;
    let row = store::attachment(&mut conn, actor.tenant_id, file_id, attachment_id)
        .await?
        .ok_or(AppError::NotFound("attachment"))?;
    drop(conn);
    if row.sha256.len() != 64 || !row.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Internal(
            "attachment with a malformed hash".into(),
        ));
    }
    let path = blob_path(&app.settings.attachments_dir, &row.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(format!("attachment {} unreadable: {e}", row.id)))?;
    if hex(&Sha256::digest(&bytes)) != row.sha256 {
        return Err(AppError::Internal(format!(
            "attachment {} does not match its hash",
            row.id
        )));
    }
    Ok((view(row), bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_take_the_detected_extension() {
        assert_eq!(clean_name("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(
            clean_name("C:\\Users\\An\\giay to.PDF", "pdf"),
            "giay to.pdf"
        );
        assert_eq!(clean_name("to-khai.exe", "pdf"), "to-khai.pdf");
        assert_eq!(clean_name("", "png"), "tai-lieu.png");
        assert_eq!(clean_name("...", "png"), "tai-lieu.png");
        assert_eq!(clean_name("a\u{0}b\"<c>.jpg", "jpg"), "abc.jpg");
        assert_eq!(
            clean_name("Giấy khai sinh.pdf", "pdf"),
            "Giấy khai sinh.pdf"
        );
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(
            sniff(b"%PDF-1.7 ...", "x.png").unwrap().0,
            "application/pdf"
        );
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0", "x").unwrap().1, "jpg");
        assert!(
            sniff(b"MZ\x90\x00", "setup.pdf").is_none(),
            "an executable named .pdf"
        );
        assert!(sniff(b"PK\x03\x04", "archive.zip").is_none(), "a plain zip");
        assert!(sniff(b"<html><script>", "page.pdf").is_none());
    }
}
