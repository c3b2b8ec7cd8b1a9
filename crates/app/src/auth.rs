//! Authentication: staff and citizen login, server-side sessions with CSRF tokens, login
//! throttling, password changes, citizen registration and personal API tokens.
//!
//! National e-ID (VNeID) login is a later integration: it will produce the same `Session` from
//! a verified identity instead of a password, through `open_session`.

use crate::audit::{self, Change};
use crate::secret::{
    self, check_password_policy, constant_time_eq, hash_password, random_token, sha256_hex,
};
use crate::{Actor, App, AppError, Result, RoleGrant};
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_domain::org::Role;
use motcua_store::sessions::{self, ApiToken};
use motcua_store::users::{self, NewUser};
use motcua_store::{Conn, commit};
use serde::Serialize;

/// A browser session just opened. `token` goes into the cookie; only its hash is stored.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf_token: String,
    pub actor: Actor,
}

/// Loads a user with their role grants; `None` if absent or deactivated.
pub async fn load_actor(conn: &mut Conn, tenant_id: i64, user_id: i64) -> Result<Option<Actor>> {
    let Some(user) = users::by_id(conn, tenant_id, user_id).await? else {
        return Ok(None);
    };
    if !user.is_active() {
        return Ok(None);
    }
    let grants = users::grants_of(conn, tenant_id, user_id)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(RoleGrant {
                role: g.role.parse().ok()?,
                unit_id: g.unit_id,
                unit_code: g.unit_code,
                unit_name: g.unit_name,
                unit_path: g.unit_path,
                include_subunits: g.include_subunits != 0,
            })
        })
        .collect();
    Ok(Some(Actor {
        tenant_id,
        user_id,
        is_citizen: user.is_citizen(),
        username: user.username,
        display_name: user.display_name,
        grants,
    }))
}

fn throttle_subjects(login: &str, client: &str) -> [String; 2] {
    [
        sha256_hex(&format!("user:{}", login.trim().to_lowercase())),
        sha256_hex(&format!("addr:{client}")),
    ]
}

/// Checks a password and opens a session. Throttled per account and per client address.
pub async fn login(
    app: &App,
    tenant_id: i64,
    login: &str,
    password: &str,
    client: &str,
) -> Result<Session> {
    let now = app.now_secs();
    let since = now - app.settings.login_window_secs;
    let subjects = throttle_subjects(login, client);
    let mut conn = app.db.read_conn().await?;
    let limits = [
        app.settings.login_max_failures,
        app.settings.login_max_failures_per_address,
    ];
    for (subject, limit) in subjects.iter().zip(limits) {
        if sessions::login_failures_since(&mut conn, tenant_id, subject, since).await? >= limit {
            return Err(AppError::TooManyAttempts {
                retry_after_secs: app.settings.login_window_secs,
            });
        }
    }
    let user = users::by_login(&mut conn, tenant_id, login.trim()).await?;
    drop(conn);
    // Verify against a dummy hash for unknown users so timing does not reveal which exist.
    let hash = user
        .as_ref()
        .map_or(secret::DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let password_ok = secret::verify_password(password.to_owned(), hash).await;
    let user = match user {
        Some(u) if password_ok && u.is_active() => u,
        _ => {
            let mut tx = app.db.begin().await?;
            for subject in &subjects {
                sessions::record_login_failure(&mut tx, tenant_id, subject, now).await?;
            }
            commit(tx).await?;
            tracing::info!(tenant_id, "login failed");
            return Err(AppError::BadCredentials);
        }
    };
    let mut tx = app.db.begin().await?;
    sessions::clear_login_failures(&mut tx, tenant_id, &subjects[0]).await?;
    commit(tx).await?;
    open_session(app, tenant_id, user.id).await
}

/// Opens a new session for a user whose identity has been verified. A fresh token every time,
/// so a session id planted before login is never promoted (no session fixation).
pub async fn open_session(app: &App, tenant_id: i64, user_id: i64) -> Result<Session> {
    let now = app.now_secs();
    let token = random_token();
    let csrf_token = random_token();
    let mut tx = app.db.begin().await?;
    let actor = load_actor(&mut tx, tenant_id, user_id)
        .await?
        .ok_or(AppError::BadCredentials)?;
    sessions::insert(
        &mut tx,
        tenant_id,
        &sha256_hex(&token),
        user_id,
        &csrf_token,
        now,
        now + app.settings.session_idle_secs,
    )
    .await?;
    commit(tx).await?;
    tracing::info!(tenant_id, user_id, "session opened");
    Ok(Session {
        token,
        csrf_token,
        actor,
    })
}

/// The actor behind a session cookie, with the session's CSRF token.
pub async fn session_actor(
    app: &App,
    tenant_id: i64,
    token: &str,
) -> Result<Option<(Actor, String)>> {
    let now = app.now_secs();
    let token_hash = sha256_hex(token);
    let cached = match app.sessions.get(tenant_id, &token_hash, now) {
        Some(cached) => cached,
        None => {
            let epoch = app.sessions.epoch();
            let Some(cached) = read_session(app, tenant_id, &token_hash, now).await? else {
                return Ok(None);
            };
            app.sessions
                .put(tenant_id, &token_hash, cached.clone(), epoch);
            cached
        }
    };
    // Slide the idle timeout at most once a minute to keep reads read-only.
    if now - cached.last_seen_at >= 60 {
        let expires_at = now + app.settings.session_idle_secs;
        let mut tx = app.db.begin().await?;
        sessions::touch(&mut tx, tenant_id, &token_hash, now, expires_at).await?;
        commit(tx).await?;
        app.sessions
            .touched(tenant_id, &token_hash, now, expires_at);
    }
    Ok(Some((cached.actor, cached.csrf)))
}

/// A live session of an active user, with the user's grants, from the database.
async fn read_session(
    app: &App,
    tenant_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<Option<crate::session_cache::Cached>> {
    let mut conn = app.db.read_conn().await?;
    // The session, its user and the user's grants in one statement.
    let rows = sessions::find_with_actor(&mut conn, tenant_id, token_hash, now).await?;
    drop(conn);
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    if first.active == 0 {
        return Ok(None);
    }
    let (user_id, last_seen_at, expires_at, csrf) = (
        first.user_id,
        first.last_seen_at,
        first.expires_at,
        first.csrf_token.clone(),
    );
    let actor = Actor {
        tenant_id,
        user_id,
        is_citizen: first.is_citizen != 0,
        username: first.username.clone(),
        display_name: first.display_name.clone(),
        grants: rows
            .into_iter()
            .filter_map(|g| {
                Some(RoleGrant {
                    role: g.grant_role?.parse().ok()?,
                    unit_id: g.grant_unit_id?,
                    unit_code: g.grant_unit_code?,
                    unit_name: g.grant_unit_name?,
                    unit_path: g.grant_unit_path?,
                    include_subunits: g.grant_include_subunits? != 0,
                })
            })
            .collect(),
    };
    Ok(Some(crate::session_cache::Cached {
        actor,
        csrf,
        last_seen_at,
        expires_at,
    }))
}

pub async fn logout(app: &App, tenant_id: i64, token: &str) -> Result<()> {
    let mut tx = app.db.begin().await?;
    sessions::delete(&mut tx, tenant_id, &sha256_hex(token)).await?;
    commit(tx).await?;
    app.sessions.changed();
    Ok(())
}

/// Changes the actor's password after checking the current one; ends their other sessions.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session_token: Option<&str>,
) -> Result<()> {
    check_password_policy(new)?;
    let mut conn = app.db.read_conn().await?;
    let user = users::by_id(&mut conn, actor.tenant_id, actor.user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    drop(conn);
    if !secret::verify_password(current.to_owned(), user.password_hash).await {
        return Err(AppError::invalid(
            "current_password",
            "the current password is wrong",
        ));
    }
    let hash = hash_password(new.to_owned()).await?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    users::set_password(&mut tx, actor.tenant_id, actor.user_id, &hash, now).await?;
    let keep = keep_session_token.map(sha256_hex);
    sessions::delete_for_user(&mut tx, actor.tenant_id, actor.user_id, keep.as_deref()).await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "user.password_changed",
            entity_type: "user",
            entity_id: actor.user_id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    commit(tx).await?;
    app.sessions.changed();
    Ok(())
}

/// What a citizen enters to register.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
}

/// Normalises a Vietnamese mobile number to `0xxxxxxxxx` (10 digits), accepting `+84…`/`84…`.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let local = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else if digits.starts_with("84") && digits.len() == 11 {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    (local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit()))
        .then_some(local)
}

pub(crate) fn valid_email(raw: &str) -> bool {
    let raw = raw.trim();
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && raw.len() <= 254
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Registers a citizen account (log in with e-mail or phone) and opens a session.
pub async fn register_citizen(app: &App, tenant_id: i64, reg: Registration) -> Result<Session> {
    let mut errors: Vec<FieldError> = Vec::new();
    check_text(&mut errors, "full_name", &reg.full_name, true, 200);
    let email = reg
        .email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let phone_raw = reg
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let phone = phone_raw.and_then(normalise_phone);
    if email.is_none() && phone_raw.is_none() {
        errors.push(FieldError::new(
            "email",
            "give an e-mail address or a phone number",
        ));
    }
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        errors.push(FieldError::new("email", "not an e-mail address"));
    }
    if phone_raw.is_some() && phone.is_none() {
        errors.push(FieldError::new(
            "phone",
            "not a Vietnamese phone number (10 digits starting with 0)",
        ));
    }
    if let Err(AppError::Validation(mut e)) = check_password_policy(&reg.password) {
        errors.append(&mut e);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let username = email.clone().or_else(|| phone.clone()).unwrap_or_default();
    let hash = hash_password(reg.password).await?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let user = users::insert(
        &mut tx,
        tenant_id,
        NewUser {
            username: &username,
            display_name: reg.full_name.trim(),
            email: email.as_deref(),
            phone: phone.as_deref(),
            password_hash: &hash,
            is_citizen: true,
        },
        now,
    )
    .await
    .map_err(AppError::duplicate_as(
        "account_exists",
        "an account with this e-mail or phone already exists",
    ))?;
    audit::record(
        &mut tx,
        tenant_id,
        Some(user.id),
        now,
        Change {
            action: "user.registered",
            entity_type: "user",
            entity_id: user.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "username": username, "citizen": true })),
        },
    )
    .await?;
    commit(tx).await?;
    open_session(app, tenant_id, user.id).await
}

/// A personal API token just created; `token` is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    pub token: String,
    pub info: ApiToken,
}

const TOKEN_PREFIX: &str = "mc_";

pub async fn create_api_token(
    app: &App,
    actor: &Actor,
    name: &str,
    expires_in_days: Option<i64>,
) -> Result<NewToken> {
    let mut errors = Vec::new();
    check_text(&mut errors, "name", name, true, 100);
    if let Some(days) = expires_in_days
        && !(1..=3650).contains(&days)
    {
        errors.push(FieldError::new("expires_in_days", "between 1 and 3650"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let info = sessions::insert_token(
        &mut tx,
        actor.tenant_id,
        actor.user_id,
        name.trim(),
        &sha256_hex(&token),
        &token[..TOKEN_PREFIX.len() + 6],
        now,
        expires_in_days.map(|d| now + d * 86_400),
    )
    .await?;
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "api_token.created",
            entity_type: "api_token",
            entity_id: info.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "name": info.name, "prefix": info.prefix })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(NewToken { token, info })
}

pub async fn api_tokens(app: &App, actor: &Actor) -> Result<Vec<ApiToken>> {
    let mut conn = app.db.read_conn().await?;
    Ok(sessions::tokens_of(&mut conn, actor.tenant_id, actor.user_id).await?)
}

pub async fn revoke_api_token(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    if !sessions::revoke_token(&mut tx, actor.tenant_id, actor.user_id, id, now).await? {
        return Err(AppError::NotFound("api token"));
    }
    audit::record(
        &mut tx,
        actor.tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "api_token.revoked",
            entity_type: "api_token",
            entity_id: id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    commit(tx).await?;
    Ok(())
}

/// The actor behind an `Authorization: Bearer` token.
pub async fn token_actor(app: &App, tenant_id: i64, token: &str) -> Result<Option<Actor>> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let mut conn = app.db.read_conn().await?;
    let Some(info) =
        sessions::find_token(&mut conn, tenant_id, &sha256_hex(token), app.now_secs()).await?
    else {
        return Ok(None);
    };
    load_actor(&mut conn, tenant_id, info.user_id).await
}

/// Checks a submitted CSRF token against the session's.
pub fn csrf_ok(expected: &str, submitted: Option<&str>) -> bool {
    submitted.is_some_and(|s| constant_time_eq(expected, s))
}

/// Roles a staff member holds, for the UI.
pub fn roles_of(actor: &Actor) -> Vec<Role> {
    let mut roles: Vec<Role> = actor.grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_phone_numbers_are_normalised() {
        assert_eq!(
            normalise_phone("0912 345 678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            normalise_phone("+84912345678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            normalise_phone("84912345678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("09123456ab"), None);
    }

    #[test]
    fn emails_are_checked_loosely_but_sanely() {
        assert!(valid_email("nguyen.van.a@example.vn"));
        assert!(!valid_email("nguyen van a@example.vn"));
        assert!(!valid_email("no-at-sign"));
        assert!(!valid_email("a@b"));
    }
}
