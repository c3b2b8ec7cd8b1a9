//! Processes (quy trình) per procedure: administrators define the steps as new versions; staff
//! read them; a file shows the steps of the version it was received under with their due
//! moments. The process applies to every unit that receives the procedure, so defining one
//! needs `ManageProcesses` at the top of the organisation (and so over every unit it names).

use crate::audit::{self, Change};
use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use jiff::civil::Date;
use motcua_domain::calendar::deadline::ShareAmount;
use motcua_domain::catalogue::{ProcessingTime, TimeUnit};
use motcua_domain::file::FileRecord;
use motcua_domain::permission::Action;
use motcua_domain::process::{
    DefaultProcess, ProcessDefinition, ProcessError, ProcessStep, StepKind, schedule,
};
use motcua_store::catalogue::{self as procedures, ProcedureRow};
use motcua_store::processes::{self as store, ProcedureProcessRow, ProcessVersionRow};
use motcua_store::{Conn, commit, units};
use serde::{Deserialize, Serialize};

impl From<ProcessError> for AppError {
    fn from(err: ProcessError) -> Self {
        AppError::Rule {
            code: err.code(),
            message: err.to_string(),
            message_vi: err.message_vi(),
            conflict: false,
        }
    }
}

/// A step as shown: the stored step with its Vietnamese labels.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcessStepView)]
pub struct StepView {
    #[schema(value_type = String)]
    pub kind: StepKind,
    pub kind_label: String,
    pub role: String,
    pub role_label: String,
    /// The acting unit's code; absent: the unit that received the file.
    pub unit_code: Option<String>,
    /// The acting unit's name, or "Đơn vị tiếp nhận hồ sơ".
    pub unit_label: String,
    pub share_percent: Option<u32>,
    pub share_hours: Option<u32>,
    /// "20%" or "8 giờ làm việc".
    pub share_label: String,
}

fn step_view(step: &ProcessStep, unit_names: &[(String, String)]) -> StepView {
    let unit_label = match &step.unit_code {
        None => "Đơn vị tiếp nhận hồ sơ".to_owned(),
        Some(code) => unit_names
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.clone(), |(_, name)| name.clone()),
    };
    StepView {
        kind: step.kind,
        kind_label: step.kind.label_vi().to_owned(),
        role_label: step
            .role()
            .map_or_else(|| step.role.clone(), |r| r.label_vi().to_owned()),
        role: step.role.clone(),
        unit_code: step.unit_code.clone(),
        unit_label,
        share_percent: step.share_percent,
        share_hours: step.share_hours,
        share_label: step.share_label_vi(),
    }
}

/// One version of a procedure's process, or the shipped default.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcessView {
    pub procedure_code: String,
    /// The version number; absent for the default process.
    pub version: Option<i64>,
    /// The default process's version id, when this is the default.
    pub default_id: Option<String>,
    /// "Phiên bản 2" or the default's name.
    pub label: String,
    /// First day (YYYY-MM-DD) files are received under it.
    pub valid_from: String,
    pub created_by: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    pub steps: Vec<StepView>,
}

/// A procedure's process: the one in force today and every version, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcessVersions {
    pub procedure_code: String,
    pub procedure_name: String,
    pub processing_time_label: String,
    /// Files received today follow this one (a version, or the default).
    pub current: ProcessView,
    /// The newest version's number (0 if none): send it as `base_version` with a new one.
    pub latest_version: i64,
    pub versions: Vec<ProcessView>,
}

/// A new version of a procedure's process.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProcessVersion {
    pub steps: Vec<ProcessStep>,
    /// First day (YYYY-MM-DD) it applies; today if absent. Not in the past, nor before the
    /// newest version's first day.
    pub valid_from: Option<String>,
    /// The newest version you saw (0 if none): a version made meanwhile gets 409.
    pub base_version: i64,
}

/// A procedure with the state of its process, for the administration list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcedureProcess {
    pub code: String,
    pub name: String,
    pub field_name: String,
    pub latest_version: Option<i64>,
    pub versions: i64,
}

fn today(app: &App) -> Date {
    app.now().to_zoned(utc7()).date()
}

fn processing_time(p: &ProcedureRow) -> Result<ProcessingTime> {
    Ok(ProcessingTime {
        value: u32::try_from(p.time_value).unwrap_or(0),
        unit: TimeUnit::parse(&p.time_unit)
            .ok_or_else(|| AppError::Internal("procedure time unit".into()))?,
    })
}

fn parse_steps(json: &str) -> Result<ProcessDefinition> {
    serde_json::from_str(json).map_err(|_| AppError::Internal("stored process steps".into()))
}

fn default_view(code: &str, d: &DefaultProcess, names: &[(String, String)]) -> ProcessView {
    ProcessView {
        procedure_code: code.to_owned(),
        version: None,
        default_id: Some(d.id.clone()),
        label: d.name.clone(),
        valid_from: d.valid_from.to_string(),
        created_by: None,
        created_at: None,
        steps: d.steps.iter().map(|s| step_view(s, names)).collect(),
    }
}

fn version_view(
    code: &str,
    row: &ProcessVersionRow,
    names: &[(String, String)],
) -> Result<ProcessView> {
    let def = parse_steps(&row.steps_json)?;
    Ok(ProcessView {
        procedure_code: code.to_owned(),
        version: Some(row.version),
        default_id: None,
        label: format!("Phiên bản {}", row.version),
        valid_from: row.valid_from.clone(),
        created_by: row.created_by_name.clone(),
        created_at: Timestamp::from_second(row.created_at).ok(),
        steps: def.steps.iter().map(|s| step_view(s, names)).collect(),
    })
}

/// Codes and names of the units the steps name.
async fn unit_names<'a>(
    conn: &mut Conn,
    tenant_id: i64,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<(String, String)>> {
    let mut names: Vec<(String, String)> = Vec::new();
    for code in codes {
        if names.iter().any(|(c, _)| c == code) {
            continue;
        }
        if let Some(u) = units::by_code(conn, tenant_id, code).await? {
            names.push((u.code, u.name));
        }
    }
    Ok(names)
}

fn require_read(actor: &Actor) -> Result<()> {
    if actor.can(Action::ManageProcesses) || actor.can(Action::ViewFiles) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether the actor may define processes: `ManageProcesses` at a top unit of the organisation.
pub async fn may_manage(app: &App, actor: &Actor) -> Result<bool> {
    if !actor.can(Action::ManageProcesses) {
        return Ok(false);
    }
    let mut conn = app.db.read_conn().await?;
    let all = units::list(&mut conn, actor.tenant_id).await?;
    Ok(all
        .iter()
        .filter(|u| u.parent_id.is_none())
        .any(|u| actor.require_at(Action::ManageProcesses, &u.path).is_ok()))
}

async fn require_manage(app: &App, actor: &Actor) -> Result<()> {
    if may_manage(app, actor).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Every procedure with its process versions (administration list).
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<ProcedureProcess>> {
    require_manage(app, actor).await?;
    let mut conn = app.db.read_conn().await?;
    let rows: Vec<ProcedureProcessRow> = store::by_procedure(&mut conn, actor.tenant_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| ProcedureProcess {
            code: r.code,
            name: r.name,
            field_name: r.field_name,
            latest_version: r.latest_version,
            versions: r.versions,
        })
        .collect())
}

async fn procedure(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<ProcedureRow> {
    procedures::procedure_by_code(conn, tenant_id, code.trim())
        .await?
        .ok_or(AppError::NotFound("procedure"))
}

/// A procedure's process: in force today, and all versions.
pub async fn versions(app: &App, actor: &Actor, code: &str) -> Result<ProcessVersions> {
    require_read(actor)?;
    let tenant_id = actor.tenant_id;
    let mut conn = app.db.read_conn().await?;
    let p = procedure(&mut conn, tenant_id, code).await?;
    let rows = store::versions(&mut conn, tenant_id, p.id).await?;
    let mut defs = Vec::with_capacity(rows.len());
    for r in &rows {
        defs.push(parse_steps(&r.steps_json)?);
    }
    let default = DefaultProcess::in_force_at(today(app));
    let codes = defs
        .iter()
        .chain(std::iter::once(&default.definition()))
        .flat_map(|d| d.unit_codes().into_iter().map(str::to_owned))
        .collect::<Vec<String>>();
    let names = unit_names(&mut conn, tenant_id, codes.iter().map(String::as_str)).await?;
    let day = today(app).to_string();
    let current = match rows.iter().find(|r| r.valid_from <= day) {
        Some(r) => version_view(&p.code, r, &names)?,
        None => default_view(&p.code, default, &names),
    };
    let versions = rows
        .iter()
        .map(|r| version_view(&p.code, r, &names))
        .collect::<Result<Vec<_>>>()?;
    Ok(ProcessVersions {
        processing_time_label: processing_time(&p)?.label_vi(),
        procedure_code: p.code,
        procedure_name: p.name,
        current,
        latest_version: rows.first().map_or(0, |r| r.version),
        versions,
    })
}

/// The process files of the procedure received today follow.
pub async fn current(app: &App, actor: &Actor, code: &str) -> Result<ProcessView> {
    Ok(versions(app, actor, code).await?.current)
}

/// Defines a new version of a procedure's process. Earlier versions stay as they were; files
/// already received keep theirs.
pub async fn define(
    app: &App,
    actor: &Actor,
    code: &str,
    input: NewProcessVersion,
) -> Result<ProcessView> {
    require_manage(app, actor).await?;
    let tenant_id = actor.tenant_id;
    let day = today(app);
    let valid_from = match input.valid_from.as_deref().map(str::trim) {
        None | Some("") => day,
        Some(raw) => raw
            .parse::<Date>()
            .ok()
            .filter(|d| *d >= day)
            .ok_or_else(|| {
                AppError::invalid("valid_from", "a date (YYYY-MM-DD), today or later")
            })?,
    };
    let definition = ProcessDefinition { steps: input.steps }.normalised();
    let mut conn = app.db.read_conn().await?;
    let p = procedure(&mut conn, tenant_id, code).await?;
    definition.validate(processing_time(&p)?)?;
    let names = unit_names(&mut conn, tenant_id, definition.unit_codes()).await?;
    for (i, s) in definition.steps.iter().enumerate() {
        if let Some(code) = &s.unit_code
            && !names.iter().any(|(c, _)| c == code)
        {
            return Err(ProcessError::UnknownUnit {
                step: i + 1,
                code: code.clone(),
            }
            .into());
        }
    }
    drop(conn);
    let steps_json =
        serde_json::to_string(&definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = app.now_secs();
    let mut tx = app.db.begin().await?;
    let latest = store::latest(&mut tx, tenant_id, p.id).await?;
    let latest_version = latest.as_ref().map_or(0, |(v, _)| *v);
    if input.base_version != latest_version {
        return Err(AppError::Stale);
    }
    if let Some((_, from)) = &latest
        && valid_from.to_string() < *from
    {
        return Err(AppError::invalid(
            "valid_from",
            format!("not before the newest version's first day ({from})"),
        ));
    }
    let version = latest_version + 1;
    store::insert_version(
        &mut tx,
        tenant_id,
        &store::NewVersion {
            procedure_id: p.id,
            version,
            valid_from: &valid_from.to_string(),
            steps_json: &steps_json,
            created_by: actor.user_id,
        },
        now,
    )
    .await
    .map_err(|e| match e {
        motcua_store::StoreError::Duplicate(_) => AppError::Stale,
        other => other.into(),
    })?;
    audit::record(
        &mut tx,
        tenant_id,
        Some(actor.user_id),
        now,
        Change {
            action: "process.defined",
            entity_type: "procedure",
            entity_id: p.code.clone(),
            before: latest.map(|(v, _)| serde_json::json!({ "version": v })),
            after: Some(serde_json::json!({
                "version": version,
                "valid_from": valid_from.to_string(),
                "steps": definition.steps,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(ProcessView {
        procedure_code: p.code,
        version: Some(version),
        default_id: None,
        label: format!("Phiên bản {version}"),
        valid_from: valid_from.to_string(),
        created_by: Some(actor.display_name.clone()),
        created_at: Timestamp::from_second(now).ok(),
        steps: definition
            .steps
            .iter()
            .map(|s| step_view(s, &names))
            .collect(),
    })
}

/// The id of the default process in force on `day`, which a new file follows if its procedure
/// has no process version then (pinned with the file by `store::files::insert_file`).
pub(crate) fn default_process_id(day: Date) -> &'static str {
    &DefaultProcess::in_force_at(day).id
}

/// A step of a file's process with its due moment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileStep {
    #[serde(flatten)]
    pub step: StepView,
    #[schema(value_type = String, format = DateTime)]
    pub due: Timestamp,
    /// The file is at this step now.
    pub current: bool,
}

/// The process a file follows, with each step's due moment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileProcess {
    /// The procedure's process version; absent: the default process.
    pub version: Option<i64>,
    pub default_id: Option<String>,
    pub label: String,
    pub steps: Vec<FileStep>,
}

/// The process file `file_id` (received at `received`) follows: its procedure's version, or
/// a default (`version`, `default_id`, the steps, a label).
async fn followed(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    received: Timestamp,
) -> Result<(Option<i64>, Option<String>, ProcessDefinition, String)> {
    let pinned = store::of_file(conn, tenant_id, file_id).await?;
    let day = received.to_zoned(utc7()).date();
    Ok(match pinned {
        Some(store::FileProcessRow {
            version: Some(v),
            steps_json: Some(json),
            ..
        }) => (Some(v), None, parse_steps(&json)?, format!("Phiên bản {v}")),
        other => {
            let d = other
                .and_then(|r| DefaultProcess::by_id(&r.default_id))
                .unwrap_or_else(|| DefaultProcess::in_force_at(day));
            (None, Some(d.id.clone()), d.definition(), d.name.clone())
        }
    })
}

/// The share of the deadline the inter-agency step at `unit_code` has in the process file
/// `file_id` follows (percent of the processing time, or working hours); `None` if that
/// process has no such step.
pub(crate) async fn inter_agency_share(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    received: Timestamp,
    unit_code: &str,
) -> Result<Option<ShareAmount>> {
    let (_, _, definition, _) = followed(conn, tenant_id, file_id, received).await?;
    Ok(definition
        .steps
        .iter()
        .find(|s| s.kind == StepKind::InterAgency && s.unit_code.as_deref() == Some(unit_code))
        .and_then(|s| match (s.share_percent, s.share_hours) {
            (Some(num), _) => Some(ShareAmount::Fraction { num, den: 100 }),
            (None, Some(hours)) => Some(ShareAmount::WorkingHours(hours)),
            (None, None) => None,
        }))
}

/// The process of a received file with the steps' due moments on the file's calendar. Files
/// received before processes existed (or imported) follow the default of their receipt day.
pub(crate) async fn of_file(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    rec: &FileRecord,
    cal: &motcua_domain::calendar::WorkingCalendar,
) -> Result<Option<FileProcess>> {
    let (Some(received), Some(deadline)) = (rec.received_at, &rec.deadline) else {
        return Ok(None);
    };
    let (version, default_id, definition, label) =
        followed(conn, tenant_id, file_id, received).await?;
    let mut leg_codes = Vec::new();
    for leg in rec.open_legs() {
        if let Some(u) = units::by_id(conn, tenant_id, leg.unit_id).await? {
            leg_codes.push(u.code);
        }
    }
    let leg_refs: Vec<&str> = leg_codes.iter().map(String::as_str).collect();
    let Some(scheduled) = schedule(
        cal,
        &definition,
        deadline.effective_start,
        deadline.due,
        rec.state,
        &leg_refs,
    ) else {
        return Ok(None);
    };
    let names = unit_names(conn, tenant_id, definition.unit_codes()).await?;
    Ok(Some(FileProcess {
        version,
        default_id,
        label,
        steps: scheduled
            .iter()
            .map(|s| FileStep {
                step: step_view(&s.step, &names),
                due: s.due,
                current: s.current,
            })
            .collect(),
    }))
}
