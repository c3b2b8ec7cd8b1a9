//! Organisation: units and staff. Administrators act within their units' subtrees; the command
//! line acts as the system (`By::System`), e.g. to create the first units and administrator.

use crate::audit::{self, Change};
use crate::secret::{check_password_policy, hash_password};
use crate::{Actor, App, AppError, Result};
use motcua_domain::catalogue::{FieldError, check_text};
use motcua_domain::org::{Role, UnitCode, UnitKind};
use motcua_domain::permission::Action;
use motcua_store::units::{self, NewUnit, Unit};
use motcua_store::users::{self, NewUser, StaffEntry};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};

/// Who is making a change: a signed-in user, or the system (command line, demo set-up).
#[derive(Clone, Copy)]
pub enum By<'a> {
    User(&'a Actor),
    System { tenant_id: i64 },
}

impl By<'_> {
    pub fn tenant_id(&self) -> i64 {
        match self {
            By::User(a) => a.tenant_id,
            By::System { tenant_id } => *tenant_id,
        }
    }
    pub(crate) fn actor_id(&self) -> Option<i64> {
        match self {
            By::User(a) => Some(a.user_id),
            By::System { .. } => None,
        }
    }
    /// Checks `action` at the unit with `path` (`None`: the tree root, system only).
    fn require_at(&self, action: Action, path: Option<&str>) -> Result<()> {
        match (self, path) {
            (By::System { .. }, _) => Ok(()),
            (By::User(a), Some(path)) => a.require_at(action, path),
            (By::User(_), None) => Err(AppError::Forbidden),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// National agency code (QCVN 102), e.g. `000.00.12.H26`.
    pub code: String,
    pub name: String,
    /// province, department, office, district, commune or service_centre.
    pub kind: String,
    /// Code of the parent unit; required except for the root.
    pub parent_code: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

fn check_date(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) {
    if let Some(v) = value
        && v.parse::<jiff::civil::Date>().is_err()
    {
        errors.push(FieldError::new(field, "a date YYYY-MM-DD"));
    }
}

fn validate_unit(input: &UnitInput) -> Result<(UnitCode, UnitKind)> {
    let mut errors = Vec::new();
    let code = UnitCode::parse(&input.code)
        .map_err(|e| errors.push(FieldError::new("code", e)))
        .ok();
    let kind = input
        .kind
        .parse::<UnitKind>()
        .map_err(|e| errors.push(FieldError::new("kind", e)))
        .ok();
    check_text(&mut errors, "name", &input.name, true, 300);
    check_date(&mut errors, "valid_from", input.valid_from.as_deref());
    check_date(&mut errors, "valid_to", input.valid_to.as_deref());
    match (code, kind) {
        (Some(code), Some(kind)) if errors.is_empty() => Ok((code, kind)),
        _ => Err(AppError::Validation(errors)),
    }
}

async fn unit_by_code(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Unit> {
    units::by_code(conn, tenant_id, code)
        .await?
        .ok_or(AppError::NotFound("unit"))
}

pub async fn create_unit(app: &App, by: By<'_>, input: UnitInput) -> Result<Unit> {
    let (code, kind) = validate_unit(&input)?;
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let parent = match &input.parent_code {
        Some(pc) => Some(unit_by_code(&mut tx, tenant_id, pc).await.map_err(|_| {
            AppError::invalid(
                "parent_code",
                format!(
                    "no unit with code `{}`",
                    pc.chars().take(40).collect::<String>()
                ),
            )
        })?),
        None => None,
    };
    by.require_at(
        Action::ManageUnits,
        parent.as_ref().map(|p| p.path.as_str()),
    )?;
    let unit = units::insert(
        &mut tx,
        tenant_id,
        NewUnit {
            parent: parent.as_ref(),
            code: code.as_str(),
            name: input.name.trim(),
            kind: kind.as_str(),
            valid_from: input.valid_from.as_deref(),
            valid_to: input.valid_to.as_deref(),
        },
        now,
    )
    .await
    .map_err(AppError::duplicate_as(
        "duplicate_unit_code",
        format!("a unit with code {code} already exists"),
    ))?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "unit.created",
            entity_type: "unit",
            entity_id: unit.id.to_string(),
            before: None,
            after: Some(serde_json::to_value(&unit).unwrap_or_default()),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(unit)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitUpdate {
    pub name: String,
    pub kind: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

pub async fn update_unit(app: &App, by: By<'_>, code: &str, update: UnitUpdate) -> Result<Unit> {
    let input = UnitInput {
        code: code.to_owned(),
        name: update.name,
        kind: update.kind,
        parent_code: None,
        valid_from: update.valid_from,
        valid_to: update.valid_to,
    };
    let (_, kind) = validate_unit(&input)?;
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let before = unit_by_code(&mut tx, tenant_id, code).await?;
    by.require_at(Action::ManageUnits, Some(&before.path))?;
    units::update(
        &mut tx,
        tenant_id,
        before.id,
        input.name.trim(),
        kind.as_str(),
        input.valid_from.as_deref(),
        input.valid_to.as_deref(),
    )
    .await?;
    let after = unit_by_code(&mut tx, tenant_id, code).await?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "unit.updated",
            entity_type: "unit",
            entity_id: after.id.to_string(),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    commit(tx).await?;
    // What signed-in users may do changed.
    crate::remembered::changed(app);
    Ok(after)
}

/// The unit tree. Agency names and codes are public information.
pub async fn list_units(app: &App, tenant_id: i64) -> Result<Vec<Unit>> {
    let mut conn = app.db.read_conn().await?;
    Ok(units::list(&mut conn, tenant_id).await?)
}

pub async fn unit(app: &App, tenant_id: i64, code: &str) -> Result<Unit> {
    let mut conn = app.db.read_conn().await?;
    unit_by_code(&mut conn, tenant_id, code).await
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
    pub unit_code: String,
    /// counter_officer, specialist, leader, reform_office or administrator.
    pub role: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffCreated {
    pub user_id: i64,
    pub username: String,
    pub unit_code: String,
    pub role: String,
}

fn valid_username(u: &str) -> bool {
    (3..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
}

/// Creates a staff account holding one role at one unit.
pub async fn create_staff(app: &App, by: By<'_>, input: StaffInput) -> Result<StaffCreated> {
    let mut errors = Vec::new();
    if !valid_username(&input.username) {
        errors.push(FieldError::new(
            "username",
            "3–64 letters, digits, '.', '_', '-' or '@'",
        ));
    }
    check_text(&mut errors, "display_name", &input.display_name, true, 200);
    let role = input
        .role
        .parse::<Role>()
        .map_err(|e| errors.push(FieldError::new("role", e)))
        .ok();
    if role == Some(Role::Citizen) {
        errors.push(FieldError::new("role", "citizens register themselves"));
    }
    if let Err(AppError::Validation(mut e)) = check_password_policy(&input.password) {
        errors.append(&mut e);
    }
    let role = match role {
        Some(r) if errors.is_empty() => r,
        _ => return Err(AppError::Validation(errors)),
    };
    let tenant_id = by.tenant_id();
    {
        let mut conn = app.db.read_conn().await?;
        let unit = unit_by_code(&mut conn, tenant_id, &input.unit_code).await?;
        by.require_at(Action::ManageUsers, Some(&unit.path))?;
    }
    let hash = hash_password(input.password.clone()).await?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let unit = unit_by_code(&mut tx, tenant_id, &input.unit_code).await?;
    let user = users::insert(
        &mut tx,
        tenant_id,
        NewUser {
            username: input.username.trim(),
            display_name: input.display_name.trim(),
            email: input
                .email
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            phone: input
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            password_hash: &hash,
            is_citizen: false,
        },
        now,
    )
    .await
    .map_err(AppError::duplicate_as(
        "duplicate_username",
        format!("user name `{}` is taken", input.username.trim()),
    ))?;
    users::insert_grant(
        &mut tx,
        tenant_id,
        user.id,
        unit.id,
        role.as_str(),
        role.covers_subunits_by_default(),
        now,
    )
    .await?;
    let created = StaffCreated {
        user_id: user.id,
        username: user.username.clone(),
        unit_code: unit.code.clone(),
        role: role.as_str().to_owned(),
    };
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "user.created",
            entity_type: "user",
            entity_id: user.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "username": created.username, "display_name": user.display_name,
                "unit": created.unit_code, "role": created.role
            })),
        },
    )
    .await?;
    commit(tx).await?;
    // What signed-in users may do changed.
    crate::remembered::changed(app);
    Ok(created)
}

/// Grants an existing user a role at a unit.
pub async fn grant_role(
    app: &App,
    by: By<'_>,
    user_id: i64,
    unit_code: &str,
    role: Role,
) -> Result<i64> {
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let unit = unit_by_code(&mut tx, tenant_id, unit_code).await?;
    by.require_at(Action::ManageUsers, Some(&unit.path))?;
    users::by_id(&mut tx, tenant_id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let id = users::insert_grant(
        &mut tx,
        tenant_id,
        user_id,
        unit.id,
        role.as_str(),
        role.covers_subunits_by_default(),
        now,
    )
    .await
    .map_err(AppError::duplicate_as(
        "duplicate_grant",
        "the user already holds this role at this unit",
    ))?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "role.granted",
            entity_type: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "unit": unit.code, "role": role.as_str() })),
        },
    )
    .await?;
    commit(tx).await?;
    // What signed-in users may do changed.
    crate::remembered::changed(app);
    Ok(id)
}

/// Staff holding roles at a unit and its sub-units, for those who manage users there.
pub async fn staff(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<StaffEntry>> {
    let mut conn = app.db.read_conn().await?;
    let unit = unit_by_code(&mut conn, actor.tenant_id, unit_code).await?;
    actor.require_at(Action::ManageUsers, &unit.path)?;
    Ok(users::staff_under(
        &mut conn,
        actor.tenant_id,
        &unit.path,
        limit.clamp(1, 500),
        offset.max(0),
    )
    .await?)
}
