//! Administration pages: units of the organisation and staff accounts with their roles. Each
//! page only calls the `org` use cases, which check `ManageUnits` / `ManageUsers` at the unit.

use super::{Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::org::{self, By, StaffInput, UnitInput};
use motcua_app::store::units::Unit;
use motcua_app::store::users::StaffEntry;
use motcua_app::{Actor, AppError};
use motcua_domain::org::{Role, UnitKind};
use motcua_domain::permission::Action;
use serde::Deserialize;

fn unit_kind_vi(kind: &str) -> &'static str {
    match kind {
        "province" => "UBND tỉnh",
        "department" => "Sở, ban, ngành",
        "office" => "Phòng",
        "district" => "Huyện (trước 01/7/2025)",
        "commune" => "Xã, phường, đặc khu",
        "service_centre" => "Trung tâm Phục vụ hành chính công",
        _ => "",
    }
}

/// The signed-in person if they may do `action` somewhere; otherwise a page or a redirect.
fn admin<'a>(ctx: &'a Ctx, action: Action, back_to: &str) -> Result<&'a Actor, Box<Response>> {
    signed_in(
        ctx,
        back_to,
        |a| a.can(action),
        &message_vi(&AppError::Forbidden),
    )
}

/// Units the actor manages for `action`, in tree order.
pub(super) async fn managed_units(state: &AppState, actor: &Actor, action: Action) -> Vec<Unit> {
    let mut units = org::list_units(&state.app, actor.tenant_id)
        .await
        .unwrap_or_default();
    units.retain(|u| actor.require_at(action, &u.path).is_ok());
    units.sort_by(|a, b| a.path.cmp(&b.path));
    units
}

// ---------------------------------------------------------------- units

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    chrome: Chrome,
    units: Vec<Unit>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
    values: UnitForm,
}

impl UnitsPage {
    fn kind_vi(&self, kind: &str) -> &'static str {
        unit_kind_vi(kind)
    }
    fn depth(&self, path: &str) -> usize {
        path.matches('/').count().saturating_sub(2)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct UnitForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_code: String,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(rename = "da-tao")]
    created: Option<String>,
}

async fn units_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    values: UnitForm,
    error: Option<String>,
    notice: Option<String>,
) -> UnitsPage {
    UnitsPage {
        chrome: Chrome::of(ctx),
        units: managed_units(state, actor, Action::ManageUnits).await,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), unit_kind_vi(k.as_str())))
            .collect(),
        error,
        notice,
        values,
    }
}

pub async fn units(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> PageResult {
    let actor = match admin(&ctx, Action::ManageUnits, "/quan-tri/don-vi") {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let notice = query.ok().and_then(|q| q.0.created).map(|code| {
        format!(
            "Đã tạo đơn vị {}.",
            code.chars().take(40).collect::<String>()
        )
    });
    Ok(render(
        &units_page(&state, &ctx, actor, UnitForm::default(), None, notice).await,
    ))
}

pub async fn create_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UnitForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let input = UnitInput {
        code: form.code.trim().to_owned(),
        name: form.name.trim().to_owned(),
        kind: form.kind.clone(),
        parent_code: Some(form.parent_code.trim().to_owned()).filter(|c| !c.is_empty()),
        valid_from: None,
        valid_to: None,
    };
    match org::create_unit(&state.app, By::User(actor), input).await {
        Ok(unit) => Ok(Redirect::to(&format!(
            "/quan-tri/don-vi?da-tao={}",
            super::public::encode(&unit.code)
        ))
        .into_response()),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let page = units_page(&state, &ctx, actor, form, Some(message), None).await;
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---------------------------------------------------------------- staff

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    units: Vec<Unit>,
    unit: String,
    staff: Vec<StaffEntry>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
    values: StaffForm,
}

impl UsersPage {
    fn role_vi(&self, role: &str) -> &'static str {
        role.parse::<Role>().map_or("", Role::label_vi)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct StaffForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    role: String,
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(rename = "don-vi")]
    unit: Option<String>,
    #[serde(rename = "da-tao")]
    created: Option<String>,
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    unit: Option<String>,
    values: StaffForm,
    error: Option<String>,
    notice: Option<String>,
) -> Result<UsersPage, PageError> {
    let units = managed_units(state, actor, Action::ManageUsers).await;
    let unit = unit
        .filter(|u| units.iter().any(|x| x.code == *u))
        .or_else(|| units.first().map(|u| u.code.clone()))
        .unwrap_or_default();
    let staff = if unit.is_empty() {
        Vec::new()
    } else {
        org::staff(&state.app, actor, &unit, 500, 0)
            .await
            .map_err(|e| super::with_chrome(e, ctx))?
    };
    Ok(UsersPage {
        chrome: Chrome::of(ctx),
        units,
        unit,
        staff,
        roles: Role::ALL
            .iter()
            .filter(|r| **r != Role::Citizen)
            .map(|r| (r.as_str(), r.label_vi()))
            .collect(),
        error,
        notice,
        values,
    })
}

pub async fn users(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<UsersQuery>, QueryRejection>,
) -> PageResult {
    let actor = match admin(&ctx, Action::ManageUsers, "/quan-tri/nguoi-dung") {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let q = query.map(|q| q.0).unwrap_or_default();
    let notice = q.created.map(|u| {
        format!(
            "Đã tạo tài khoản {}.",
            u.chars().take(64).collect::<String>()
        )
    });
    let page = users_page(
        &state,
        &ctx,
        actor,
        q.unit,
        StaffForm::default(),
        None,
        notice,
    )
    .await?;
    Ok(render(&page))
}

pub async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<StaffForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = StaffInput {
        username: form.username.trim().to_owned(),
        display_name: form.display_name.trim().to_owned(),
        email: opt(&form.email),
        phone: opt(&form.phone),
        password: form.password.clone(),
        unit_code: form.unit_code.clone(),
        role: form.role.clone(),
    };
    match org::create_staff(&state.app, By::User(actor), input).await {
        Ok(created) => Ok(Redirect::to(&format!(
            "/quan-tri/nguoi-dung?don-vi={}&da-tao={}",
            super::public::encode(&created.unit_code),
            super::public::encode(&created.username)
        ))
        .into_response()),
        Err(e) => {
            let message = message_vi(&e);
            let status = PageError::from(e).status;
            let unit = Some(form.unit_code.clone());
            let mut values = form;
            values.password = String::new();
            let page = users_page(&state, &ctx, actor, unit, values, Some(message), None).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}
