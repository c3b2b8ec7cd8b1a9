//! Receiving an item: from the portal (anonymous with a challenge and rate limits, or signed in)
//! or recorded by staff from the counter, a phone call or a chat.

use super::{MAX_TEXT_CHARS, MAX_TITLE_CHARS, secret_hash, with_context};
use crate::audit::{self, Change};
use crate::auth::{normalise_phone, valid_email};
use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use jiff::Timestamp;
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_domain::feedback::{FeedbackChannel, Subject, receive};
use motcua_domain::permission::Action;
use motcua_store::feedback::{self as store, FeedbackEventRow, FeedbackState, NewFeedback};
use motcua_store::units::Unit;
use motcua_store::{Conn, commit, units};
use serde::{Deserialize, Serialize};

/// The sender's contact details. Used to answer them; never published.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderInput {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeAnswer {
    /// The token of `GET /api/v1/feedback/challenge`.
    pub token: String,
    pub answer: String,
}

/// A feedback item as entered.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub subject: Subject,
    /// The file code (subject `file`) or procedure code (subject `procedure`).
    pub subject_ref: Option<String>,
    pub title: String,
    pub content: String,
    /// The unit it is addressed to; by default the province (the root unit).
    pub unit_code: Option<String>,
    pub sender: SenderInput,
    /// The sender agrees that their contact details are used to handle and answer the item.
    #[serde(default)]
    pub consent: bool,
    /// Required without an account.
    pub challenge: Option<ChallengeAnswer>,
    /// Staff only: `counter`, `phone` or `chat` (the portal is `portal`).
    pub channel: Option<FeedbackChannel>,
}

/// Who sends it.
pub enum Submitter<'a> {
    /// On the portal without an account, from `client` (address, for rate limits).
    Anonymous { tenant_id: i64, client: &'a str },
    /// On the portal, signed in (a citizen).
    Citizen { actor: &'a Actor, client: &'a str },
    /// A staff member recording what was said at the counter, on the phone or in a chat.
    Staff(&'a Actor),
}

/// Given once: the code and secret the sender follows the item with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackReceipt {
    pub id: i64,
    pub code: String,
    /// Shown once; only its hash is stored.
    pub secret: String,
    pub state_label: String,
    /// When it must be forwarded (or refused) by.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

struct Checked {
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    subject_ref: Option<String>,
}

fn validate(input: &Submission, portal: bool) -> Result<Checked> {
    let mut errors: Vec<FieldError> = Vec::new();
    check_text(&mut errors, "title", &input.title, true, MAX_TITLE_CHARS);
    check_text(&mut errors, "content", &input.content, true, MAX_TEXT_CHARS);
    check_text(&mut errors, "sender.name", &input.sender.name, true, 200);
    let address = clean(&input.sender.address);
    check_text(
        &mut errors,
        "sender.address",
        address.as_deref().unwrap_or(""),
        false,
        300,
    );
    let subject_ref = clean(&input.subject_ref);
    check_text(
        &mut errors,
        "subject_ref",
        subject_ref.as_deref().unwrap_or(""),
        false,
        64,
    );
    if matches!(input.subject, Subject::File | Subject::Procedure) && subject_ref.is_none() {
        errors.push(FieldError::new(
            "subject_ref",
            "give the file or procedure code",
        ));
    }
    let phone = match clean(&input.sender.phone) {
        Some(p) => match normalise_phone(&p) {
            Some(n) => Some(n),
            None => {
                errors.push(FieldError::new("sender.phone", "not a phone number"));
                None
            }
        },
        None => None,
    };
    let email = clean(&input.sender.email).map(|e| e.to_lowercase());
    if email
        .as_deref()
        .is_some_and(|e| !valid_email(e) || e.len() > 200)
    {
        errors.push(FieldError::new("sender.email", "not an e-mail address"));
    }
    if portal {
        if phone.is_none() && email.is_none() {
            errors.push(FieldError::new(
                "sender.phone",
                "give a phone number or an e-mail address",
            ));
        }
        if !input.consent {
            errors.push(FieldError::new(
                "consent",
                "agree to the use of your contact details",
            ));
        }
    }
    if errors.is_empty() {
        Ok(Checked {
            phone,
            email,
            address,
            subject_ref,
        })
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The receiving unit: the named one, or the root of the tenant's tree.
async fn receiving_unit(conn: &mut Conn, tenant_id: i64, code: Option<&str>) -> Result<Unit> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => units::by_code(conn, tenant_id, code)
            .await?
            .ok_or_else(|| AppError::invalid("unit_code", "no such unit")),
        None => units::list(conn, tenant_id)
            .await?
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .ok_or(AppError::NotFound("unit")),
    }
}

fn limit_subjects(client: Option<&str>, c: &Checked) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if let Some(client) = client {
        out.push((crate::public_form::subject("feedback-addr", client), true));
    }
    for contact in [&c.phone, &c.email].into_iter().flatten() {
        out.push((
            crate::public_form::subject("feedback-contact", contact),
            false,
        ));
    }
    out
}

/// Receives an item; returns its code and the secret to follow it with.
pub async fn submit(app: &App, who: Submitter<'_>, input: Submission) -> Result<FeedbackReceipt> {
    let (tenant_id, actor, client) = match &who {
        Submitter::Anonymous { tenant_id, client } => (*tenant_id, None, Some(*client)),
        Submitter::Citizen { actor, client } => (actor.tenant_id, Some(*actor), Some(*client)),
        Submitter::Staff(actor) => (actor.tenant_id, Some(*actor), None),
    };
    let staff = matches!(who, Submitter::Staff(_));
    if let Submitter::Citizen { actor, .. } = &who
        && !actor.is_citizen
    {
        return Err(AppError::Forbidden);
    }
    let channel = if staff {
        match input.channel {
            Some(FeedbackChannel::Portal) | None => {
                return Err(AppError::invalid("channel", "counter, phone or chat"));
            }
            Some(c) => c,
        }
    } else {
        FeedbackChannel::Portal
    };
    let checked = validate(&input, !staff)?;
    let now = app.now_secs();
    let mut conn = app.db.read_conn().await?;
    let unit = receiving_unit(&mut conn, tenant_id, input.unit_code.as_deref()).await?;
    if let Some(actor) = actor.filter(|_| staff) {
        actor.require_at(Action::ReceiveFeedback, &unit.path)?;
    }
    // Rate limits: per client address and per phone / e-mail, counted in the database.
    let subjects = if staff {
        Vec::new()
    } else {
        limit_subjects(client, &checked)
    };
    let s = &app.settings.feedback;
    for (subject, is_address) in &subjects {
        let limit = if *is_address {
            s.max_per_address
        } else {
            s.max_per_contact
        };
        let window = s.window_minutes.max(1) * 60;
        crate::public_form::check_limit(&mut conn, tenant_id, subject, limit, window, now).await?;
    }
    drop(conn);
    let rec = with_context(app, tenant_id, None, |ctx| {
        Ok(receive(ctx, channel, unit.id)?)
    })
    .await?;
    let mut tx = app.db.begin().await?;
    if actor.is_none() {
        let answer = input
            .challenge
            .as_ref()
            .ok_or_else(|| AppError::invalid("challenge", "answer the check question"))?;
        super::challenge::verify(app, &mut tx, tenant_id, &answer.token, &answer.answer).await?;
    }
    let day = rec
        .received_at
        .to_zoned(utc7())
        .strftime("%y%m%d")
        .to_string();
    let seq = store::next_code_seq(&mut tx, tenant_id, &day).await?;
    let code = format!("PAKN-{day}-{seq:04}");
    let secret = format!("{:08}", OsRng.next_u32() % 100_000_000);
    let record_json = serde_json::to_string(&rec).map_err(|e| AppError::Internal(e.to_string()))?;
    let new = NewFeedback {
        code: &code,
        secret_hash: &secret_hash(tenant_id, &code, &secret),
        channel: channel.as_str(),
        subject: input.subject.as_str(),
        subject_ref: checked.subject_ref.as_deref(),
        title: input.title.trim(),
        content: input.content.trim(),
        sender_name: Some(input.sender.name.trim()),
        sender_phone: checked.phone.as_deref(),
        sender_email: checked.email.as_deref(),
        sender_address: checked.address.as_deref(),
        sender_user_id: actor.filter(|a| a.is_citizen).map(|a| a.user_id),
        recorded_by: actor.filter(|_| staff).map(|a| a.user_id),
        receiving_unit_id: unit.id,
    };
    let state = FeedbackState {
        state: rec.state.as_str(),
        handling_unit_id: None,
        current_unit_id: rec.current_unit_id(),
        received_at: now,
        due_at: rec.due_at.map(|t| t.as_second()),
        published_at: None,
        satisfied: None,
        record_json: &record_json,
        version: rec.version,
    };
    let id = store::insert(&mut tx, tenant_id, &new, &state, now).await?;
    store::insert_event(
        &mut tx,
        tenant_id,
        id,
        &FeedbackEventRow {
            seq: 0,
            at: now,
            actor_id: actor.map(|a| a.user_id),
            kind: "receive".into(),
            from_state: None,
            to_state: rec.state.as_str().into(),
            note: None,
            step: None,
            unit_id: Some(unit.id),
            due_at: state.due_at,
            on_time: None,
        },
    )
    .await?;
    for (subject, _) in &subjects {
        crate::public_form::count_use(&mut tx, tenant_id, subject, now).await?;
    }
    super::act::enqueue(&mut tx, tenant_id, id, "receive", None, &rec, false, now).await?;
    audit::record(
        &mut tx,
        tenant_id,
        actor.map(|a| a.user_id),
        now,
        Change {
            action: "feedback.received",
            entity_type: "feedback",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "code": code, "channel": channel.as_str(), "subject": input.subject.as_str(),
                "unit_id": unit.id, "state": rec.state.as_str(),
            })),
        },
    )
    .await?;
    commit(tx).await?;
    tracing::info!(tenant_id, feedback_id = id, "feedback received");
    Ok(FeedbackReceipt {
        id,
        code,
        secret,
        state_label: rec.state.label_vi().into(),
        due_at: rec.due_at,
    })
}
