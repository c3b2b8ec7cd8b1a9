//! Receiving a file at the counter or by post (online submission comes with the portal pages).

use super::row::{ChangeRows, Columns};
use crate::audit::{self, Change};
use crate::auth::normalise_phone;
use crate::calendar::utc7;
use crate::lookups;
use crate::{Actor, App, AppError, Result};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use motcua_domain::calendar::deadline::Channel;
use motcua_domain::catalogue::{FieldError, ProcessingTime, TimeUnit, check_text};
use motcua_domain::file::{
    ActionContext, CodeRequest, Effect, FileError, NewFile, ProcedureTerms, file_code,
    file_code_shape, open, open_permission,
};
use motcua_domain::rules::FileCodeError;
use motcua_domain::rules::RuleSet;
use motcua_store::catalogue as procedures;
use motcua_store::files::{self as store, NewFileRow};
use motcua_store::{Backend, commit, report_daily, units};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A file handed in at the counter or arriving by post.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    pub procedure_code: String,
    /// The receiving unit; the officer's own unit if they receive at only one.
    pub unit_code: Option<String>,
    /// `counter` or `post`.
    pub channel: String,
    pub applicant: Applicant,
    /// Documents checked against the procedure's list and received.
    #[serde(default)]
    pub documents: Vec<String>,
    /// Postal tracking number (bưu chính công ích).
    pub postal_tracking: Option<String>,
    pub note: Option<String>,
}

/// What the officer prints on the receipt. The PIN is shown only here, once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub file_id: i64,
    pub code: String,
    pub pin: String,
    #[schema(value_type = String, format = DateTime)]
    pub due: Option<jiff::Timestamp>,
    pub appointment_date: Option<String>,
    pub version: i64,
}

pub(crate) fn validate_applicant(
    errors: &mut Vec<FieldError>,
    a: &Applicant,
) -> (Option<String>, Option<String>) {
    check_text(errors, "applicant.name", &a.name, true, 200);
    check_text(
        errors,
        "applicant.address",
        a.address.as_deref().unwrap_or(""),
        false,
        500,
    );
    let phone = a.phone.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let normalised = phone.and_then(normalise_phone);
    if phone.is_some() && normalised.is_none() {
        errors.push(FieldError::new(
            "applicant.phone",
            "not a Vietnamese phone number (10 digits starting with 0)",
        ));
    }
    let email = a
        .email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    if email
        .as_deref()
        .is_some_and(|e| !crate::auth::valid_email(e))
    {
        errors.push(FieldError::new("applicant.email", "not an e-mail address"));
    }
    (normalised, email)
}

/// Six random digits printed on the receipt for lookup without an account.
pub(crate) fn random_pin() -> String {
    format!("{:06}", OsRng.next_u32() % 1_000_000)
}

pub(crate) fn pin_hash(tenant_id: i64, code: &str, pin: &str) -> String {
    let (head, tail) = pin_hash_around(tenant_id, pin);
    crate::secret::sha256_hex(&format!("{head}{code}{tail}"))
}

/// What the lookup PIN's hash is of, before and after the file's code.
fn pin_hash_around(tenant_id: i64, pin: &str) -> (String, String) {
    (format!("lookup:{tenant_id}:"), format!(":{pin}"))
}

pub async fn receive(app: &App, actor: &Actor, input: Intake) -> Result<Receipt> {
    let channel = match input.channel.as_str() {
        "counter" => Channel::Counter,
        "post" => Channel::Post,
        _ => {
            return Err(AppError::invalid(
                "channel",
                "counter or post (online files are submitted by the applicant)",
            ));
        }
    };
    let mut errors = Vec::new();
    let (phone, email) = validate_applicant(&mut errors, &input.applicant);
    check_text(
        &mut errors,
        "note",
        input.note.as_deref().unwrap_or(""),
        false,
        2000,
    );
    check_text(
        &mut errors,
        "postal_tracking",
        input.postal_tracking.as_deref().unwrap_or(""),
        false,
        64,
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
    let tenant_id = actor.tenant_id;
    let permission = open_permission(channel).ok_or(AppError::Forbidden)?;
    let unit_code = match &input.unit_code {
        Some(code) => code.clone(),
        None => match actor.scopes(permission).as_slice() {
            [only] => only.unit_code.clone(),
            [] => return Err(AppError::Forbidden),
            _ => {
                return Err(AppError::invalid(
                    "unit_code",
                    "you receive at several units: say which",
                ));
            }
        },
    };
    let epoch = app.file_bases.epoch();
    let mut conn = app.db.read_conn().await?;
    let unit = lookups::unit_by_code(app, &mut conn, tenant_id, &unit_code)
        .await?
        .ok_or_else(|| AppError::invalid("unit_code", "no such unit"))?;
    actor.require_at(permission, &unit.path)?;
    let procedure =
        lookups::procedure_by_code(app, &mut conn, tenant_id, input.procedure_code.trim())
            .await?
            .ok_or_else(|| AppError::invalid("procedure_code", "no such procedure"))?;
    drop(conn);
    let stored = store_new_file(
        app,
        actor,
        NewFileInput {
            channel,
            unit: &unit,
            procedure: &procedure,
            applicant: &input.applicant,
            phone: phone.as_deref(),
            email: email.as_deref(),
            documents: &input.documents,
            note: match (&input.postal_tracking, &input.note) {
                (Some(t), Some(n)) => Some(format!("Số hiệu bưu gửi: {t}. {n}")),
                (Some(t), None) => Some(format!("Số hiệu bưu gửi: {t}")),
                (None, n) => n.clone(),
            },
            owner: None,
            remember: Some(epoch),
        },
    )
    .await?;
    let (Some(code), Some(pin)) = (stored.code, stored.pin) else {
        return Err(AppError::Internal("a received file got no code".into()));
    };
    let rec = &stored.record;
    Ok(Receipt {
        file_id: stored.file_id,
        code,
        pin,
        due: rec.deadline.as_ref().map(|d| d.due),
        appointment_date: rec
            .deadline
            .as_ref()
            .map(|d| d.appointment_date.to_string()),
        version: rec.version,
    })
}

/// What every channel gives to create a file.
pub(crate) struct NewFileInput<'a> {
    pub channel: Channel,
    pub unit: &'a units::Unit,
    pub procedure: &'a procedures::ProcedureRow,
    pub applicant: &'a Applicant,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub documents: &'a [String],
    pub note: Option<String>,
    /// The applicant's account (online submissions).
    pub owner: Option<i64>,
    /// Remember the new file for its first action (see [`super::FileBase`]), with the epoch
    /// taken before `unit` was read.
    pub remember: Option<u64>,
}

/// A file just stored: its code and PIN exist once it is received (not for a submission).
pub(crate) struct StoredFile {
    pub file_id: i64,
    pub code: Option<String>,
    pub pin: Option<String>,
    pub record: motcua_domain::file::FileRecord,
}

/// Opens a file through the workflow and stores it with its history, outbox message and audit
/// record, in one transaction. Checks that the procedure accepts the channel.
pub(crate) async fn store_new_file(
    app: &App,
    actor: &Actor,
    input: NewFileInput<'_>,
) -> Result<StoredFile> {
    let NewFileInput {
        channel,
        unit,
        procedure,
        applicant,
        phone,
        email,
        documents,
        note,
        owner,
        remember,
    } = input;
    let tenant_id = actor.tenant_id;
    let accepted = match channel {
        Channel::Counter => procedure.channel_counter != 0,
        Channel::Post => procedure.channel_post != 0,
        Channel::Online => procedure.online != "none",
    };
    if !accepted {
        return Err(AppError::invalid(
            "channel",
            "this procedure does not accept files by this channel",
        ));
    }
    let time_unit = TimeUnit::parse(&procedure.time_unit)
        .ok_or_else(|| AppError::Internal("procedure time unit".into()))?;
    let time = ProcessingTime {
        value: u32::try_from(procedure.time_value).unwrap_or(0),
        unit: time_unit,
    };
    let terms = ProcedureTerms::new(time.into());

    let intake_calendar = lookups::intake_calendar(app, tenant_id, unit).await?;
    let lookups::IntakeCalendar {
        hash: calendar_hash,
        json: calendar_json,
        calendar: cal,
    } = &*intake_calendar;
    let now = app.now();
    let today = now.to_zoned(utc7()).date();
    let rule_set = RuleSet::in_force_at(today)
        .ok_or_else(|| AppError::Internal(format!("no rule version in force on {today}")))?;
    let mut ctx = ActionContext::new(actor.user_id, now, cal);
    ctx.note = note.as_deref();
    let transition = open(
        &NewFile {
            channel,
            rule_set,
            terms: &terms,
            receiving_unit_id: unit.id,
        },
        &ctx,
    )?;
    let rec = &transition.record;

    let columns = Columns::of(rec)?;
    let documents: Vec<&str> = documents.iter().map(|d| d.trim()).collect();
    let documents_json =
        serde_json::to_string(&documents).map_err(|e| AppError::Internal(e.to_string()))?;
    let now_secs = now.as_second();
    let snapshot_saved = app.calendars.snapshot_saved(tenant_id, calendar_hash)?;
    let new = NewFileRow {
        procedure_id: procedure.id,
        field_id: procedure.field_id,
        receiving_unit_id: unit.id,
        owner_user_id: owner,
        applicant_name: applicant.name.trim(),
        applicant_phone: phone,
        applicant_email: email,
        applicant_address: applicant.address.as_deref().map(str::trim),
        lookup_pin_hash: None,
        channel: channel_str(channel),
        rule_version: &rule_set.id,
        calendar_hash,
        documents_json: &documents_json,
    };
    let change = ChangeRows::of(&transition, &[])?;
    let process_day = rec.received_at.unwrap_or(now).to_zoned(utc7()).date();
    let process = store::ProcessPin {
        day: &process_day.to_string(),
        default_id: crate::processes::default_process_id(process_day),
    };
    let report_rows = report_daily::file_contribution(
        procedure.field_id,
        procedure.id,
        channel_str(channel),
        &columns.state(rec, None),
        &[(unit.id, unit.path.clone())],
    );
    let audit_after = |code: Option<&str>| {
        serde_json::json!({
            "code": code, "procedure": procedure.code, "unit": unit.code, "channel": channel_str(channel),
            "documents": documents, "state": rec.state.as_str(), "version": rec.version,
        })
    };
    let allocates_code = transition
        .effects
        .iter()
        .any(|e| matches!(e, Effect::AllocateFileCode));
    if allocates_code && snapshot_saved && app.db.backend() == Backend::Postgres {
        let mut conn = app.db.write_conn().await?;
        let file_id = store::next_file_id(&mut conn).await?;
        let received_at = rec.received_at.unwrap_or(now);
        let request = code_request(app, unit, received_at, 0);
        let pin = random_pin();
        let pin_around = pin_hash_around(tenant_id, &pin);
        let marker = format!(
            "motcuacode{:016x}{:016x}",
            OsRng.next_u64(),
            OsRng.next_u64()
        );
        let shape = file_code_shape(rule_set, &request)?.filter(|shape| {
            let plain = |text: &str| !text.contains(|c: char| c == '"' || c == '\\' || c < ' ');
            plain(&shape.prefix) && plain(&shape.suffix)
        });
        let audit = shape.as_ref().and_then(|_| {
            audit::AroundCode::of(
                tenant_id,
                Some(actor.user_id),
                now_secs,
                Change {
                    action: "file.received",
                    entity_type: "file",
                    entity_id: file_id.to_string(),
                    before: None,
                    after: Some(audit_after(Some(&marker))),
                },
                &marker,
            )
        });
        // Received in one statement (atomic by itself, no transaction around it): the day's
        // running number, the file, its code and PIN hash, history, audit record and report
        // rows. Templates of another shape take the transaction below.
        if let (Some(shape), Some(audit)) = (shape, audit) {
            let day = request.date.to_string();
            let numbered = store::NumberedCode {
                unit_id: unit.id,
                day: &day,
                prefix: &shape.prefix,
                width: i64::try_from(shape.width).unwrap_or(12),
                max_sequence: shape.max_sequence(),
                suffix: &shape.suffix,
            };
            let receipt = store::Receipt {
                id: file_id,
                code: numbered,
                pin_hash_around: (&pin_around.0, &pin_around.1),
                audit: &audit.entry(),
                report_rows: &report_rows,
            };
            let code = store::insert_received_file(
                &mut conn,
                tenant_id,
                &new,
                &columns.state(rec, None),
                now_secs,
                &change.change(&transition),
                &process,
                &receipt,
            )
            .await?
            .ok_or_else(|| {
                let seq = u64::try_from(shape.max_sequence()).unwrap_or(u64::MAX);
                FileError::Code(FileCodeError::SequenceOverflow {
                    seq: seq.saturating_add(1),
                    width: shape.width,
                })
            })?;
            let stored = StoredFile {
                file_id,
                code: Some(code),
                pin: Some(pin),
                record: transition.record,
            };
            return Ok(remember_received(
                app, tenant_id, stored, &new, unit, remember,
            ));
        }
    }
    let mut tx = app.db.begin().await?;
    if !snapshot_saved {
        store::save_calendar_snapshot(&mut tx, tenant_id, calendar_hash, calendar_json, now_secs)
            .await?;
    }
    let file_id = store::insert_file(
        &mut tx,
        tenant_id,
        &new,
        &columns.state(rec, None),
        now_secs,
        &change.change(&transition),
        &process,
    )
    .await?;
    // Rows that concurrent transactions wait for come last, each staying locked until commit:
    // the code's running number (every intake at the agency that day takes it), then the
    // report aggregates (every counted change of the day's files at the unit takes them).
    let mut code = None;
    if allocates_code {
        code = Some(
            allocate_code(
                app,
                &mut tx,
                tenant_id,
                rule_set,
                unit,
                rec.received_at.unwrap_or(now),
            )
            .await?,
        );
    }
    // A received file gets the PIN printed on its receipt; a submission is followed in the
    // applicant's account until it is received.
    let pin = code.as_ref().map(|_| random_pin());
    let pin_hash = code
        .as_deref()
        .zip(pin.as_deref())
        .map(|(code, pin)| (code, pin_hash(tenant_id, code, pin)));
    let audit = audit::Prepared::of(
        tenant_id,
        Some(actor.user_id),
        now_secs,
        Change {
            action: if code.is_some() {
                "file.received"
            } else {
                "file.submitted"
            },
            entity_type: "file",
            entity_id: file_id.to_string(),
            before: None,
            after: Some(audit_after(code.as_deref())),
        },
    );
    store::finish_intake(
        &mut tx,
        tenant_id,
        file_id,
        pin_hash.as_ref().map(|(code, hash)| (*code, hash.as_str())),
        &audit.entry(),
        &report_rows,
    )
    .await?;
    commit(tx).await?;
    if !snapshot_saved {
        app.calendars
            .mark_snapshot_saved(tenant_id, calendar_hash)?;
    }
    let stored = StoredFile {
        file_id,
        code,
        pin,
        record: transition.record,
    };
    Ok(remember_received(
        app, tenant_id, stored, &new, unit, remember,
    ))
}

/// Remembers a file just stored for its first action, if asked to (`remember`: the epoch
/// taken before the unit was read).
fn remember_received(
    app: &App,
    tenant_id: i64,
    stored: StoredFile,
    new: &NewFileRow<'_>,
    unit: &units::Unit,
    remember: Option<u64>,
) -> StoredFile {
    if let Some(epoch) = remember {
        let base = super::FileBase::received(
            stored.code.clone(),
            new,
            stored.record.clone(),
            (unit.id, unit.path.clone()),
        );
        app.file_bases.put(
            (tenant_id, stored.file_id),
            std::sync::Arc::new(base),
            epoch,
        );
    }
    stored
}

/// Takes the next file code of `unit` for the local day of `received_at`, in the caller's
/// transaction (the day's running number stays locked until it ends).
pub(crate) async fn allocate_code(
    app: &App,
    tx: &mut motcua_store::Conn,
    tenant_id: i64,
    rule_set: &RuleSet,
    unit: &units::Unit,
    received_at: jiff::Timestamp,
) -> Result<String> {
    let date = received_at.to_zoned(utc7()).date();
    let seq = store::next_code_seq(tx, tenant_id, unit.id, &date.to_string()).await?;
    let request = code_request(app, unit, received_at, u64::try_from(seq).unwrap_or(0));
    Ok(file_code(rule_set, &request)?)
}

/// The code of running number `sequence` at `unit` on the local day of `received_at`.
fn code_request<'a>(
    app: &'a App,
    unit: &'a units::Unit,
    received_at: jiff::Timestamp,
    sequence: u64,
) -> CodeRequest<'a> {
    CodeRequest {
        agency_code: &unit.code,
        date: received_at.to_zoned(utc7()).date(),
        sequence,
        platform_code: Some(&app.settings.platform_code),
        template_override: None,
    }
}

pub(crate) fn channel_str(channel: Channel) -> &'static str {
    match channel {
        Channel::Counter => "counter",
        Channel::Post => "post",
        Channel::Online => "online",
    }
}
