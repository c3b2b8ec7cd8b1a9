//! Workflow actions on a file, by staff or (for a few actions) by the applicant.

use super::row::{ChangeRows, Columns, record_of};
use crate::audit::{self, Change};
use crate::calendar;
use crate::remembered::Remembered;
use crate::{Actor, App, AppError, Result};
use jiff::civil::Date;
use motcua_domain::calendar::deadline::ShareAmount;
use motcua_domain::file::{
    Action, ActionContext, Effect, FileRecord, HandoverMethod, applicant_may_perform, apply,
    required_permission,
};
use motcua_domain::permission;
use motcua_domain::rules::RuleSet;
use motcua_store::files as store;
use motcua_store::{Backend, Conn, ReadConn, begin_on, commit, report_daily, units};
use serde::Deserialize;
use std::sync::Arc;

/// An action as API callers name it: units by code and people by user name.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionInput {
    Receive,
    ReturnForCompletion {
        missing_items: Vec<String>,
    },
    Resubmit,
    Transfer {
        unit_code: String,
    },
    Assign {
        assignee: String,
        unit_code: Option<String>,
    },
    Reassign {
        assignee: String,
        unit_code: Option<String>,
        reason: String,
    },
    StartExamination,
    RequestSupplement {
        missing_items: Vec<String>,
    },
    SupplementReceived,
    /// Send to another agency with its share of the deadline in working hours; without
    /// `working_hours`, the share of the inter-agency step at that unit in the process the file
    /// follows.
    SendToAgency {
        unit_code: String,
        #[serde(default)]
        working_hours: Option<u32>,
    },
    ReceiveFromAgency {
        unit_code: String,
    },
    SubmitForApproval,
    SendBack {
        reason: String,
    },
    Approve,
    Refuse {
        reasons: Vec<String>,
    },
    StopProcessing {
        reason: String,
    },
    Withdraw {
        reason: Option<String>,
    },
    Cancel {
        reason: String,
    },
    Apologize {
        reason: String,
        #[schema(value_type = String, format = Date)]
        new_date: Date,
    },
    MarkResultReady,
    /// `counter`, `post` or `electronic`.
    HandOver {
        method: String,
    },
    Close,
}

async fn unit_id(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<(i64, String)> {
    let unit = units::by_code(conn, tenant_id, code)
        .await?
        .ok_or_else(|| AppError::invalid("unit_code", "no such unit"))?;
    Ok((unit.id, unit.path))
}

/// The specialist must be able to process files at the unit.
async fn assignee(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    username: &str,
    unit_path: &str,
) -> Result<i64> {
    let found = crate::lookups::user_with_grants(app, conn, tenant_id, username)
        .await?
        .filter(|found| !found.0.is_citizen() && found.0.is_active())
        .ok_or_else(|| AppError::invalid("assignee", "no such staff member"))?;
    let (user, grants) = &*found;
    let can = grants.iter().any(|g| {
        let covers = if g.include_subunits != 0 {
            unit_path.starts_with(&g.unit_path)
        } else {
            unit_path == g.unit_path
        };
        covers
            && g.role
                .parse()
                .is_ok_and(|r| permission::allows(r, permission::Action::ProcessFiles))
    });
    if !can {
        return Err(AppError::invalid(
            "assignee",
            "this person does not process files at that unit",
        ));
    }
    Ok(user.id)
}

/// The file an action is resolved for.
struct Target<'a> {
    id: i64,
    record: &'a FileRecord,
    current_unit_path: &'a str,
}

async fn resolve(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    file: Target<'_>,
    input: ActionInput,
) -> Result<Action> {
    let (current_unit_path, current_unit_id) =
        (file.current_unit_path, file.record.current_unit_id);
    use ActionInput as I;
    Ok(match input {
        I::Receive => Action::Receive,
        I::ReturnForCompletion { missing_items } => Action::ReturnForCompletion { missing_items },
        I::Resubmit => Action::Resubmit,
        I::Transfer { unit_code } => Action::Transfer {
            unit_id: unit_id(conn, tenant_id, &unit_code).await?.0,
        },
        I::Assign {
            assignee: who,
            unit_code,
        } => {
            let (unit, path) = match unit_code {
                Some(code) => unit_id(conn, tenant_id, &code).await?,
                None => (current_unit_id, current_unit_path.to_owned()),
            };
            Action::Assign {
                unit_id: unit,
                assignee_id: assignee(app, conn, tenant_id, &who, &path).await?,
            }
        }
        I::Reassign {
            assignee: who,
            unit_code,
            reason,
        } => {
            let (unit, path) = match unit_code {
                Some(code) => unit_id(conn, tenant_id, &code).await?,
                None => (current_unit_id, current_unit_path.to_owned()),
            };
            Action::Reassign {
                unit_id: unit,
                assignee_id: assignee(app, conn, tenant_id, &who, &path).await?,
                reason,
            }
        }
        I::StartExamination => Action::StartExamination,
        I::RequestSupplement { missing_items } => Action::RequestSupplement { missing_items },
        I::SupplementReceived => Action::SupplementReceived,
        I::SendToAgency {
            unit_code,
            working_hours,
        } => {
            let unit = unit_id(conn, tenant_id, &unit_code).await?.0;
            let share = match (working_hours, file.record.received_at) {
                (Some(hours), _) => ShareAmount::WorkingHours(hours),
                (None, Some(received)) => crate::processes::inter_agency_share(
                    conn,
                    tenant_id,
                    file.id,
                    received,
                    unit_code.trim(),
                )
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "working_hours",
                        "the file's process has no inter-agency step at this unit: give the working hours",
                    )
                })?,
                (None, None) => {
                    return Err(AppError::invalid(
                        "working_hours",
                        "give the working hours of the other agency",
                    ));
                }
            };
            Action::SendToAgency {
                unit_id: unit,
                share,
            }
        }
        I::ReceiveFromAgency { unit_code } => Action::ReceiveFromAgency {
            unit_id: unit_id(conn, tenant_id, &unit_code).await?.0,
        },
        I::SubmitForApproval => Action::SubmitForApproval,
        I::SendBack { reason } => Action::SendBack { reason },
        I::Approve => Action::Approve,
        I::Refuse { reasons } => Action::Refuse { reasons },
        I::StopProcessing { reason } => Action::StopProcessing { reason },
        I::Withdraw { reason } => Action::Withdraw { reason },
        I::Cancel { reason } => Action::Cancel { reason },
        I::Apologize { reason, new_date } => Action::Apologize { reason, new_date },
        I::MarkResultReady => Action::MarkResultReady,
        I::HandOver { method } => Action::HandOver {
            method: match method.as_str() {
                "counter" => HandoverMethod::Counter,
                "post" => HandoverMethod::Post,
                "electronic" => HandoverMethod::Electronic,
                _ => return Err(AppError::invalid("method", "counter, post or electronic")),
            },
        },
        I::Close => Action::Close,
    })
}

/// What an action reads of a file: remembered between actions by the instance that wrote it
/// (see [`crate::remembered`]), and used for an action on the version it holds. The action's
/// write lands only if the file is still at that version, so a remembered base that another
/// instance has since changed cannot be acted on: that write finds another version, and the
/// action is decided again on a fresh read.
pub(crate) struct FileBase {
    code: Option<String>,
    owner_user_id: Option<i64>,
    field_id: i64,
    procedure_id: i64,
    channel: String,
    rule_version: String,
    calendar_hash: String,
    record: FileRecord,
    /// Every unit the file is or was at, with its path.
    units: Vec<(i64, String)>,
}

/// File bases by tenant and file id.
pub(crate) type FileBases = Remembered<(i64, i64), Arc<FileBase>>;

impl FileBase {
    /// A file just received at `unit`.
    pub(crate) fn received(
        code: Option<String>,
        new: &store::NewFileRow<'_>,
        record: FileRecord,
        unit: (i64, String),
    ) -> FileBase {
        FileBase {
            code,
            owner_user_id: new.owner_user_id,
            field_id: new.field_id,
            procedure_id: new.procedure_id,
            channel: new.channel.to_owned(),
            rule_version: new.rule_version.to_owned(),
            calendar_hash: new.calendar_hash.to_owned(),
            record,
            units: vec![unit],
        }
    }
}

/// Reads what an action needs of a file.
async fn read_base(conn: &mut Conn, tenant_id: i64, file_id: i64) -> Result<FileBase> {
    // With every unit the file is or was at, the current one included (linked when it became
    // current).
    let (row, units) = store::file_with_units(conn, tenant_id, file_id)
        .await?
        .ok_or(AppError::NotFound("file"))?;
    Ok(FileBase {
        record: record_of(&row)?,
        code: row.code,
        owner_user_id: row.owner_user_id,
        field_id: row.field_id,
        procedure_id: row.procedure_id,
        channel: row.channel,
        rule_version: row.rule_version,
        calendar_hash: row.calendar_hash,
        units,
    })
}

/// Applies an action to file `file_id`. `expected_version` is the version the user saw;
/// a file changed meanwhile gets `Stale` (409).
pub async fn act(
    app: &App,
    actor: &Actor,
    file_id: i64,
    input: ActionInput,
    expected_version: Option<i64>,
    note: Option<&str>,
) -> Result<super::FileSummary> {
    let key = (actor.tenant_id, file_id);
    // Reads outside a transaction: the write only lands if the file is still at the version
    // read (optimistic concurrency), so what they saw is what it changes.
    let mut conn = app.db.write_conn().await?;
    let on = Acting {
        app,
        actor,
        file_id,
        expected_version,
        note,
    };
    // A remembered base serves an action on the version it holds. If the file has moved on
    // through another instance, the write finds another version; that, or any other refusal
    // from the remembered base, is decided again on a fresh read.
    let epoch = app.file_bases.epoch();
    let remembered = app
        .file_bases
        .get(&key, |base| expected_version == Some(base.record.version));
    if let Some(base) = remembered {
        match on.apply(&mut conn, &base, input.clone(), epoch).await {
            Err(_) => app.file_bases.remove(&key),
            done => return done,
        }
    }
    let epoch = app.file_bases.epoch();
    let base = read_base(&mut conn, actor.tenant_id, file_id).await?;
    on.apply(&mut conn, &base, input, epoch).await
}

/// An action under way.
struct Acting<'a> {
    app: &'a App,
    actor: &'a Actor,
    file_id: i64,
    expected_version: Option<i64>,
    note: Option<&'a str>,
}

impl Acting<'_> {
    async fn apply(
        &self,
        conn: &mut ReadConn,
        base: &FileBase,
        input: ActionInput,
        // Taken before `base` was read (see [`Remembered::put`]).
        epoch: u64,
    ) -> Result<super::FileSummary> {
        let Acting {
            app,
            actor,
            file_id,
            expected_version,
            note,
        } = *self;
        let tenant_id = actor.tenant_id;
        let rec = &base.record;
        let units_of_file = &base.units;
        let current_path = match units_of_file
            .iter()
            .find(|(id, _)| *id == rec.current_unit_id)
        {
            Some((_, path)) => path.clone(),
            None => {
                units::by_id(conn, tenant_id, rec.current_unit_id)
                    .await?
                    .ok_or(AppError::NotFound("unit"))?
                    .path
            }
        };
        let target = Target {
            id: file_id,
            record: rec,
            current_unit_path: &current_path,
        };
        let action = resolve(app, conn, tenant_id, target, input).await?;
        // Staff need the action's permission at a unit the file is (or was) at; applicants may
        // do a few things to their own file.
        let is_owner = base.owner_user_id == Some(actor.user_id);
        if !(is_owner && applicant_may_perform(&action)) {
            let needed = required_permission(&action);
            if !units_of_file
                .iter()
                .any(|(_, p)| actor.require_at(needed, p).is_ok())
            {
                return Err(AppError::Forbidden);
            }
        }
        let cal = calendar::snapshot_calendar(app, conn, tenant_id, &base.calendar_hash).await?;
        let now = app.now();
        let mut ctx = ActionContext::new(actor.user_id, now, &cal);
        ctx.expected_version = expected_version;
        ctx.note = note;
        let transition = apply(rec, &action, &ctx)?;
        let new = &transition.record;
        let mut code = base.code.clone();
        let allocates_code = code.is_none()
            && transition
                .effects
                .iter()
                .any(|e| matches!(e, Effect::AllocateFileCode));
        let columns = Columns::of(new)?;
        let now_secs = now.as_second();
        let linked: Vec<i64> = units_of_file.iter().map(|(id, _)| *id).collect();
        let change = ChangeRows::of(&transition, &linked)?;
        let audit = audit::Prepared::of(
            tenant_id,
            Some(actor.user_id),
            now_secs,
            Change {
                action: "file.action",
                entity_type: "file",
                entity_id: file_id.to_string(),
                before: Some(
                    serde_json::json!({ "state": rec.state.as_str(), "version": rec.version }),
                ),
                after: Some(serde_json::json!({
                    "action": transition.event.kind, "state": new.state.as_str(), "version": new.version,
                    "reason": transition.event.reason,
                })),
            },
        );
        // What the change adds to the report aggregates: the file's contribution after (with
        // the units it now takes part in) minus before. Most steps (assign, examine, submit…)
        // change nothing the report counts: the difference is empty and no aggregate row is
        // written.
        let mut units_after = units_of_file.clone();
        for id in change.new_units() {
            let unit = units::by_id(conn, tenant_id, *id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            units_after.push((unit.id, unit.path));
        }
        let contribution = |state: &motcua_store::files::FileState<'_>, units: &[(i64, String)]| {
            report_daily::file_contribution(
                base.field_id,
                base.procedure_id,
                &base.channel,
                state,
                units,
            )
        };
        let report_rows = report_daily::difference(
            &contribution(&Columns::of(rec)?.state(rec, None), units_of_file),
            &contribution(&columns.state(new, None), &units_after),
        );
        // The row, its history, links, outbox message, audit record and report rows.
        let write = async |target: &mut Conn, code: Option<&str>| -> Result<()> {
            store::update_file(
                target,
                tenant_id,
                file_id,
                rec.version,
                &columns.state(new, code),
                now_secs,
                &change.change(&transition),
                &audit.entry(),
                &report_rows,
            )
            .await?;
            Ok(())
        };
        if app.db.backend() == Backend::Postgres && !allocates_code {
            // One statement, atomic by itself, so no transaction around it (and the chain head
            // and aggregate rows it locks are held only through its own commit).
            write(conn, code.as_deref()).await?;
        } else {
            let mut tx = begin_on(conn).await?;
            if allocates_code {
                let receiving = units::by_id(&mut tx, tenant_id, new.receiving_unit_id)
                    .await?
                    .ok_or(AppError::NotFound("unit"))?;
                let rule_set = RuleSet::builtin()
                    .iter()
                    .find(|r| r.id == base.rule_version)
                    .ok_or_else(|| {
                        AppError::Internal(format!("unknown rule version {}", base.rule_version))
                    })?;
                let received_at = new.received_at.unwrap_or(now);
                code = Some(
                    super::intake::allocate_code(
                        app,
                        &mut tx,
                        tenant_id,
                        rule_set,
                        &receiving,
                        received_at,
                    )
                    .await?,
                );
            }
            write(&mut tx, code.as_deref()).await?;
            commit(tx).await?;
        }
        let summary = super::read::summary(file_id, code.clone(), &base.channel, new);
        // The base as this write leaves it (its record and units are the new ones: not
        // cloned from the old base only to be replaced).
        let next = FileBase {
            code,
            owner_user_id: base.owner_user_id,
            field_id: base.field_id,
            procedure_id: base.procedure_id,
            channel: base.channel.clone(),
            rule_version: base.rule_version.clone(),
            calendar_hash: base.calendar_hash.clone(),
            record: transition.record,
            units: units_after,
        };
        app.file_bases
            .put((tenant_id, file_id), Arc::new(next), epoch);
        Ok(summary)
    }
}
