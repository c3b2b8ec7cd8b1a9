//! Evidence files of a unit's assessment (tài liệu kiểm chứng): the type comes from the bytes,
//! the bytes are stored once by hash in the attachments store, the row and its audit record in
//! one transaction.

use super::assess::{parse_assessment, past_deadline, sides, unit_for};
use super::{load_set, parse_set};
use crate::audit::{self, Change};
use crate::files::attachments::{blob_path, clean_name, hex, sniff, store_blob};
use crate::{Actor, App, AppError, Result};
use motcua_domain::permission::Action;
use motcua_domain::reform_index::{Stage, StageError};
use motcua_store::commit;
use motcua_store::reform_index::{self as store, EvidenceRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: i64,
    pub criterion_code: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: jiff::Timestamp,
}

pub(super) fn evidence_view(r: EvidenceRow) -> Evidence {
    Evidence {
        id: r.id,
        criterion_code: r.criterion_code,
        name: r.name,
        content_type: r.content_type,
        size_bytes: r.size_bytes,
        sha256: r.sha256,
        uploaded_at: jiff::Timestamp::from_second(r.uploaded_at).unwrap_or_default(),
    }
}

/// Attaches an evidence file to a criterion of the unit's draft. The type comes from the
/// bytes (PDF, JPEG, PNG, DOCX, XLSX); the bytes are stored once by hash.
pub async fn attach_evidence(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    criterion_code: &str,
    name: &str,
    bytes: &[u8],
) -> Result<Evidence> {
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
    let now = app.now_secs();
    let mut conn = app.db.read_conn().await?;
    let set_row = load_set(&mut conn, actor.tenant_id, set_id).await?;
    let set = parse_set(&set_row)?;
    let unit = unit_for(&mut conn, actor.tenant_id, &set, unit_code).await?;
    drop(conn);
    actor.require_at(Action::AssessReform, &unit.path)?;
    let code = criterion_code.trim();
    if set.find(code).is_none() {
        return Err(StageError::UnknownCriterion(code.chars().take(20).collect()).into());
    }
    let sha = hex(&Sha256::digest(bytes));
    let dir = app.settings.attachments_dir.clone();
    let owned = bytes.to_vec();
    let sha_for_write = sha.clone();
    tokio::task::spawn_blocking(move || store_blob(&dir, &sha_for_write, &owned))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("evidence store: {e}")))?;
    let mut tx = app.db.begin().await?;
    let row =
        store::ensure_assessment(&mut tx, actor.tenant_id, set_id, unit.id, "{}", now).await?;
    let a = parse_assessment(&row)?;
    // Evidence belongs to the unit's own scoring: only while it may still change it.
    match a.stage {
        Stage::Draft => {
            if let Some(deadline) = past_deadline(app, &set_row.self_deadline) {
                return Err(StageError::PastDeadline { deadline }.into());
            }
        }
        Stage::Finalised => return Err(StageError::Finalised.into()),
        Stage::Appraised => {}
        s => return Err(StageError::WrongStage(s).into()),
    }
    let mut stored = EvidenceRow {
        id: 0,
        assessment_id: row.id,
        criterion_code: code.to_owned(),
        name: clean_name(name, extension),
        content_type: content_type.to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: sha,
        uploaded_by: actor.user_id,
        uploaded_at: now,
    };
    stored.id = store::insert_evidence(&mut tx, actor.tenant_id, &stored).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "reform.evidence_added",
            entity_type: "reform_assessment",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "evidence": stored.id, "criterion": stored.criterion_code,
                "sha256": stored.sha256, "size": stored.size_bytes, "type": stored.content_type,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(evidence_view(stored))
}

/// An evidence file's bytes, for the unit's leader or the council.
pub async fn download_evidence(
    app: &App,
    actor: &Actor,
    set_id: i64,
    unit_code: &str,
    evidence_id: i64,
) -> Result<(Evidence, Vec<u8>)> {
    let mut conn = app.db.read_conn().await?;
    let set_row = load_set(&mut conn, actor.tenant_id, set_id).await?;
    let set = parse_set(&set_row)?;
    let unit = unit_for(&mut conn, actor.tenant_id, &set, unit_code).await?;
    let (is_unit, is_council) = sides(actor, &unit);
    if !is_unit && !is_council {
        return Err(AppError::Forbidden);
    }
    let a = store::assessment(&mut conn, actor.tenant_id, set_id, unit.id)
        .await?
        .ok_or(AppError::NotFound("evidence"))?;
    let row = store::evidence_one(&mut conn, actor.tenant_id, a.id, evidence_id)
        .await?
        .ok_or(AppError::NotFound("evidence"))?;
    drop(conn);
    if row.sha256.len() != 64 || !row.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Internal("evidence with a malformed hash".into()));
    }
    let bytes = tokio::fs::read(blob_path(&app.settings.attachments_dir, &row.sha256))
        .await
        .map_err(|e| AppError::Internal(format!("evidence {} unreadable: {e}", row.id)))?;
    if hex(&Sha256::digest(&bytes)) != row.sha256 {
        return Err(AppError::Internal(format!(
            "evidence {} does not match its hash",
            row.id
        )));
    }
    Ok((evidence_view(row), bytes))
}
