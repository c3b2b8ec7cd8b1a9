//! Daily clean-up of the attachment store: delete blobs (stored by SHA-256 under
//! `attachments_dir/ab/abcd…`) that no `file_attachments` row of any tenant refers to and that
//! are older than the grace period, plus temporary files a crash left behind.
//!
//! The race with an upload, and why it is safe: an upload writes (or, when the same bytes are
//! already stored, touches) the blob *before* it inserts its row, and the row commits within
//! seconds, far inside the grace period. The clean-up (1) skips blobs modified within the
//! grace period, (2) skips blobs a row refers to, (3) moves a candidate aside with an atomic
//! rename, then (4) looks again: if a row now refers to it or its modification time is fresh
//! (an upload touched it before the move), it is moved back; otherwise deleted. An upload that
//! looks for the blob after the move does not find it and writes it anew. So a blob that a
//! committed or committing row refers to is never deleted. Assumes every instance stores
//! documents on the same file system (the shared `attachments_dir`) and clocks within the
//! grace period of each other.

use crate::JobError;
use crate::worker::{Running, Shared};
use motcua_store::reminders::blob_referenced;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn is_blob_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Blobs (path, SHA-256) and leftover temporary files.
type Found = (Vec<(PathBuf, String)>, Vec<PathBuf>);

/// Blobs and leftover temporary files last modified before `cutoff`.
fn old_entries(dir: &Path, cutoff: SystemTime) -> std::io::Result<Found> {
    let mut blobs = Vec::new();
    let mut temps = Vec::new();
    let Ok(top) = std::fs::read_dir(dir) else {
        return Ok((blobs, temps));
    };
    for sub in top.flatten() {
        if !sub.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        for entry in std::fs::read_dir(sub.path())?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() || meta.modified().map_or(true, |m| m >= cutoff) {
                continue;
            }
            if is_blob_name(&name) {
                blobs.push((entry.path(), name));
            } else if name.starts_with('.')
                && (name.ends_with(".tmp") || name.ends_with(".cleanup"))
            {
                temps.push(entry.path());
            }
        }
    }
    Ok((blobs, temps))
}

fn fresh(path: &Path, cutoff: SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_or(true, |m| m >= cutoff)
}

pub(crate) async fn attachments(shared: &Shared, job: &Running) -> Result<(), JobError> {
    let dir = shared.app.settings.attachments_dir.clone();
    let grace = Duration::from_secs(shared.config.attachments_grace_hours.max(1) * 3600);
    let cutoff = SystemTime::now()
        .checked_sub(grace)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let scan_dir = dir.clone();
    let (blobs, temps) = tokio::task::spawn_blocking(move || old_entries(&scan_dir, cutoff))
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?
        .map_err(|e| JobError::Retry(format!("attachment store: {}", e.kind())))?;
    let mut removed = 0_u64;
    let mut kept = 0_u64;
    for (path, sha) in blobs {
        {
            let mut conn = shared.db.read_conn().await?;
            if blob_referenced(&mut conn, &sha).await? {
                kept += 1;
                continue;
            }
        }
        let aside = path.with_file_name(format!(".{sha}.cleanup"));
        if std::fs::rename(&path, &aside).is_err() {
            continue;
        }
        let referenced = {
            let mut conn = shared.db.read_conn().await?;
            blob_referenced(&mut conn, &sha).await
        };
        let keep = !matches!(referenced, Ok(false)) || fresh(&aside, cutoff);
        if keep {
            if path.exists() {
                // An upload wrote the same bytes anew meanwhile.
                let _ = std::fs::remove_file(&aside);
            } else {
                let _ = std::fs::rename(&aside, &path);
            }
            kept += 1;
        } else if std::fs::remove_file(&aside).is_ok() {
            removed += 1;
        }
        referenced?;
    }
    for t in temps {
        let name = t
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".cleanup"))
        {
            // Moved aside by a clean-up that stopped half-way: put back, judged again next time.
            Some(sha) if is_blob_name(sha) => {
                let back = t.with_file_name(sha);
                if back.exists() {
                    let _ = std::fs::remove_file(&t);
                } else {
                    let _ = std::fs::rename(&t, back);
                }
            }
            _ => {
                let _ = std::fs::remove_file(&t);
            }
        }
    }
    job.finish_alone(shared).await?;
    tracing::info!(job = job.job.id, removed, kept, "attachment store cleaned");
    Ok(())
}
