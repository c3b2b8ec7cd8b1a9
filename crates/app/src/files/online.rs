//! Online submission (nộp hồ sơ trực tuyến) by a signed-in applicant, and the applicant's own
//! files. A submission has no code until the one-stop unit receives it (or returns it for
//! completion); the officer does that with the `receive` action.

use super::intake::{NewFileInput, StoredFile, store_new_file, validate_applicant};
use super::read::{FileSummary, queue_item, summary};
use super::{Applicant, QueueItem};
use crate::{Actor, App, AppError, Result};
use motcua_domain::calendar::deadline::Channel;
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_store::catalogue as procedures;
use motcua_store::files as store;
use motcua_store::{units, users};
use serde::Deserialize;

/// What an applicant submits on the portal.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnlineSubmission {
    pub procedure_code: String,
    /// The unit that receives the file (the commune or department that settles it).
    pub unit_code: String,
    /// Defaults to the account's name, phone and e-mail.
    pub applicant: Option<Applicant>,
    /// Names of the documents the applicant declares attached.
    #[serde(default)]
    pub documents: Vec<String>,
    pub note: Option<String>,
}

/// Submits a file online. Only citizens' accounts submit; staff receive at the counter.
pub async fn submit_online(
    app: &App,
    actor: &Actor,
    input: OnlineSubmission,
) -> Result<FileSummary> {
    if !actor.is_citizen {
        return Err(AppError::Forbidden);
    }
    let tenant_id = actor.tenant_id;
    let mut conn = app.db.read_conn().await?;
    let account = users::by_id(&mut conn, tenant_id, actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let applicant = input.applicant.clone().unwrap_or(Applicant {
        name: account.display_name.clone(),
        phone: account.phone.clone(),
        email: account.email.clone(),
        address: None,
    });
    let mut errors = Vec::new();
    let (phone, email) = validate_applicant(&mut errors, &applicant);
    check_text(
        &mut errors,
        "note",
        input.note.as_deref().unwrap_or(""),
        false,
        2000,
    );
    if input.documents.len() > 100 {
        errors.push(FieldError::new("documents", "at most 100 documents"));
    }
    for (i, d) in input.documents.iter().enumerate() {
        check_text(&mut errors, &format!("documents[{i}]"), d, true, 1000);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let unit = units::by_code(&mut conn, tenant_id, input.unit_code.trim())
        .await?
        .filter(|u| {
            let today = app
                .now()
                .to_zoned(crate::calendar::utc7())
                .date()
                .to_string();
            u.valid_to
                .as_deref()
                .is_none_or(|end| end >= today.as_str())
        })
        .ok_or_else(|| AppError::invalid("unit_code", "no such unit"))?;
    let procedure =
        procedures::procedure_by_code(&mut conn, tenant_id, input.procedure_code.trim())
            .await?
            .ok_or_else(|| AppError::invalid("procedure_code", "no such procedure"))?;
    drop(conn);
    let StoredFile {
        file_id, record, ..
    } = store_new_file(
        app,
        actor,
        NewFileInput {
            channel: Channel::Online,
            unit: &unit,
            procedure: &procedure,
            applicant: &applicant,
            phone: phone.as_deref(),
            email: email.as_deref(),
            documents: &input.documents,
            note: input.note.clone(),
            remember: None,
            owner: Some(actor.user_id),
        },
    )
    .await?;
    Ok(summary(file_id, None, "online", &record))
}

/// The signed-in applicant's files, newest first.
pub async fn my_files(app: &App, actor: &Actor, page: i64) -> Result<Vec<QueueItem>> {
    let mut conn = app.db.read_conn().await?;
    let per_page = 50;
    let rows = store::files_of_owner(
        &mut conn,
        actor.tenant_id,
        actor.user_id,
        per_page,
        (page.clamp(1, 10_000) - 1) * per_page,
    )
    .await?;
    Ok(rows.into_iter().map(|r| queue_item(r, None)).collect())
}
