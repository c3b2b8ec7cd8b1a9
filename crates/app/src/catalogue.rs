//! The procedure catalogue: public search and read; administrators create, change and delete.

use crate::audit::{self, Change};
use crate::org::By;
use crate::{App, AppError, Result};
use motcua_domain::catalogue::{
    Channels, Fee, FieldError, Level, OnlineService, ProcedureSpec, ProcessingTime,
    RequiredDocument, TimeUnit, check_text,
};
use motcua_domain::permission::Action;
use motcua_domain::text;
use motcua_store::catalogue::{
    self as store, FieldCount, ProcedureFilter, ProcedureRow, ProcedureValues,
};
use motcua_store::{Conn, commit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldRef {
    pub code: String,
    pub name: String,
}

/// A procedure as shown to everyone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub field: FieldRef,
    pub level: Level,
    pub processing_time: ProcessingTime,
    /// Vietnamese rendering of the processing time, e.g. "05 ngày làm việc".
    pub processing_time_label: String,
    pub fees: Vec<Fee>,
    pub documents: Vec<RequiredDocument>,
    pub channels: Channels,
    pub online_payment: bool,
    pub result: String,
    pub legal_basis: Vec<String>,
    pub agency: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// Increases with every change; send it back when updating (optimistic concurrency).
    pub version: i64,
}

impl TryFrom<ProcedureRow> for Procedure {
    type Error = AppError;
    fn try_from(r: ProcedureRow) -> Result<Procedure> {
        let corrupt =
            |what: &str| AppError::Internal(format!("procedure {}: bad stored {what}", r.code));
        let processing_time = ProcessingTime {
            value: u32::try_from(r.time_value).map_err(|_| corrupt("time"))?,
            unit: TimeUnit::parse(&r.time_unit).ok_or_else(|| corrupt("time unit"))?,
        };
        Ok(Procedure {
            processing_time_label: processing_time.label_vi(),
            processing_time,
            level: Level::parse(&r.level).ok_or_else(|| corrupt("level"))?,
            fees: serde_json::from_str(&r.fees_json).map_err(|_| corrupt("fees"))?,
            documents: serde_json::from_str(&r.documents_json).map_err(|_| corrupt("documents"))?,
            legal_basis: serde_json::from_str(&r.legal_basis_json)
                .map_err(|_| corrupt("legal basis"))?,
            channels: Channels {
                counter: r.channel_counter != 0,
                post: r.channel_post != 0,
                online: OnlineService::parse(&r.online).ok_or_else(|| corrupt("online"))?,
            },
            online_payment: r.online_payment != 0,
            field: FieldRef {
                code: r.field_code,
                name: r.field_name,
            },
            code: r.code,
            name: r.name,
            result: r.result,
            agency: r.agency,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            version: r.version,
        })
    }
}

/// Catalogue search parameters (all optional).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find in the name (diacritics optional) or the start of the code.
    pub q: Option<String>,
    /// Field code, e.g. `HOTICH`.
    pub field: Option<String>,
    /// `tinh`, `huyen` or `xa`.
    pub level: Option<String>,
    /// `none`, `partial` or `full`.
    pub online: Option<String>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcedurePage {
    pub items: Vec<Procedure>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

fn filter_of(query: &SearchQuery) -> Result<ProcedureFilter> {
    let mut errors = Vec::new();
    let q = query.q.as_deref().unwrap_or("");
    check_text(&mut errors, "q", q, false, 200);
    let level = query.level.clone().unwrap_or_default();
    if !level.is_empty() && Level::parse(&level).is_none() {
        errors.push(FieldError::new("level", "one of tinh, huyen, xa"));
    }
    let online = query.online.clone().unwrap_or_default();
    if !online.is_empty() && OnlineService::parse(&online).is_none() {
        errors.push(FieldError::new("online", "one of none, partial, full"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let terms = text::fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(store::MAX_TERMS)
        .map(text::like_pattern)
        .collect();
    Ok(ProcedureFilter {
        terms,
        field_code: query.field.clone().unwrap_or_default(),
        level,
        online,
    })
}

/// Public catalogue search, diacritic-insensitive, paginated.
pub async fn search(app: &App, tenant_id: i64, query: &SearchQuery) -> Result<ProcedurePage> {
    let filter = filter_of(query)?;
    let per_page = query.per_page.unwrap_or(20).clamp(1, 100);
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let mut conn = app.db.read_conn().await?;
    let total = store::count_procedures(&mut conn, tenant_id, &filter).await?;
    let rows = store::search_procedures(
        &mut conn,
        tenant_id,
        &filter,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    let items = rows
        .into_iter()
        .map(Procedure::try_from)
        .collect::<Result<_>>()?;
    Ok(ProcedurePage {
        items,
        total,
        page,
        per_page,
    })
}

pub async fn get(app: &App, tenant_id: i64, code: &str) -> Result<Procedure> {
    let mut conn = app.db.read_conn().await?;
    load(&mut conn, tenant_id, code).await
}

async fn load(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Procedure> {
    store::procedure_by_code(conn, tenant_id, code)
        .await?
        .ok_or(AppError::NotFound("procedure"))?
        .try_into()
}

pub async fn fields(app: &App, tenant_id: i64) -> Result<Vec<FieldCount>> {
    let mut conn = app.db.read_conn().await?;
    Ok(store::fields(&mut conn, tenant_id).await?)
}

fn check_field(code: &str, name: &str) -> Result<()> {
    let mut errors = Vec::new();
    if !(1..=32).contains(&code.len())
        || !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        errors.push(FieldError::new(
            "code",
            "1–32 upper-case letters, digits or '_'",
        ));
    }
    check_text(&mut errors, "name", name, true, 200);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Creates a field (lĩnh vực) or renames the one with the same code.
pub async fn upsert_field(app: &App, by: By<'_>, code: &str, name: &str) -> Result<FieldRef> {
    require_catalogue(by)?;
    check_field(code, name)?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let field = store::upsert_field(
        &mut tx,
        by.tenant_id(),
        code,
        name.trim(),
        &text::fold(name),
    )
    .await?;
    audit::record(
        &mut tx,
        by.tenant_id(),
        by.actor_id(),
        now,
        Change {
            action: "field.saved",
            entity_type: "field",
            entity_id: field.code.clone(),
            before: None,
            after: Some(serde_json::json!({ "code": field.code, "name": field.name })),
        },
    )
    .await?;
    commit(tx).await?;
    app.lookups.changed();
    Ok(FieldRef {
        code: field.code,
        name: field.name,
    })
}

fn require_catalogue(by: By<'_>) -> Result<()> {
    match by {
        By::User(actor) => actor.require(Action::ManageCatalogue),
        By::System { .. } => Ok(()),
    }
}

/// Owned column values of a validated spec.
struct Encoded {
    folded: String,
    fees: String,
    documents: String,
    legal_basis: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.to_string()))
}

fn encode(spec: &ProcedureSpec) -> Result<Encoded> {
    Ok(Encoded {
        folded: text::fold(&spec.name),
        fees: to_json(&spec.fees)?,
        documents: to_json(&spec.documents)?,
        legal_basis: to_json(&spec.legal_basis)?,
        valid_from: spec.valid_from.map(|d| d.to_string()),
        valid_to: spec.valid_to.map(|d| d.to_string()),
    })
}

fn values<'a>(spec: &'a ProcedureSpec, enc: &'a Encoded, field_id: i64) -> ProcedureValues<'a> {
    ProcedureValues {
        code: spec.code.trim(),
        name: spec.name.trim(),
        name_folded: &enc.folded,
        field_id,
        level: spec.level.as_str(),
        time_value: i64::from(spec.processing_time.value),
        time_unit: spec.processing_time.unit.as_str(),
        fees_json: &enc.fees,
        documents_json: &enc.documents,
        channel_counter: spec.channels.counter,
        channel_post: spec.channels.post,
        online: spec.channels.online.as_str(),
        online_payment: spec.online_payment,
        result: spec.result.trim(),
        legal_basis_json: &enc.legal_basis,
        agency: spec.agency.trim(),
        valid_from: enc.valid_from.as_deref(),
        valid_to: enc.valid_to.as_deref(),
    }
}

async fn field_id(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<i64> {
    store::field_by_code(conn, tenant_id, code)
        .await?
        .map(|f| f.id)
        .ok_or_else(|| {
            AppError::invalid(
                "field_code",
                format!(
                    "no field with code `{}`",
                    code.chars().take(40).collect::<String>()
                ),
            )
        })
}

pub async fn create(app: &App, by: By<'_>, spec: ProcedureSpec) -> Result<Procedure> {
    require_catalogue(by)?;
    spec.validate().map_err(AppError::Validation)?;
    let enc = encode(&spec)?;
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let field_id = field_id(&mut tx, tenant_id, &spec.field_code).await?;
    store::insert_procedure(&mut tx, tenant_id, &values(&spec, &enc, field_id), now)
        .await
        .map_err(AppError::duplicate_as(
            "duplicate_procedure_code",
            format!("a procedure with code {} already exists", spec.code.trim()),
        ))?;
    let created = load(&mut tx, tenant_id, spec.code.trim()).await?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "procedure.created",
            entity_type: "procedure",
            entity_id: created.code.clone(),
            before: None,
            after: serde_json::to_value(&created).ok(),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(created)
}

/// Replaces a procedure's data if it is still at `expected_version`.
pub async fn update(
    app: &App,
    by: By<'_>,
    code: &str,
    expected_version: i64,
    spec: ProcedureSpec,
) -> Result<Procedure> {
    require_catalogue(by)?;
    if spec.code.trim() != code {
        return Err(AppError::invalid(
            "code",
            "the code of a procedure cannot change",
        ));
    }
    spec.validate().map_err(AppError::Validation)?;
    let enc = encode(&spec)?;
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let before = load(&mut tx, tenant_id, code).await?;
    let field_id = field_id(&mut tx, tenant_id, &spec.field_code).await?;
    let id = store::procedure_by_code(&mut tx, tenant_id, code)
        .await?
        .map(|r| r.id)
        .ok_or(AppError::NotFound("procedure"))?;
    store::update_procedure(
        &mut tx,
        tenant_id,
        id,
        expected_version,
        &values(&spec, &enc, field_id),
        now,
    )
    .await?;
    let after = load(&mut tx, tenant_id, code).await?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "procedure.updated",
            entity_type: "procedure",
            entity_id: code.to_owned(),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    commit(tx).await?;
    app.lookups.changed();
    Ok(after)
}

pub async fn delete(app: &App, by: By<'_>, code: &str) -> Result<()> {
    require_catalogue(by)?;
    let tenant_id = by.tenant_id();
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let before = load(&mut tx, tenant_id, code).await?;
    let id = store::procedure_by_code(&mut tx, tenant_id, code)
        .await?
        .map(|r| r.id)
        .ok_or(AppError::NotFound("procedure"))?;
    store::delete_procedure(&mut tx, tenant_id, id).await?;
    audit::record(
        &mut tx,
        tenant_id,
        by.actor_id(),
        now,
        Change {
            action: "procedure.deleted",
            entity_type: "procedure",
            entity_id: code.to_owned(),
            before: serde_json::to_value(&before).ok(),
            after: None,
        },
    )
    .await?;
    commit(tx).await?;
    app.lookups.changed();
    Ok(())
}
