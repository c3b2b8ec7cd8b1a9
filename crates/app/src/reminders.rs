//! Reminders to staff: the daily digest of files due soon and overdue, and the warning that an
//! apology letter is needed before its legal cut-off. The background jobs call these; each
//! reads only what the recipient may see (the same work-list query and permission checks as
//! the work-list page).

use crate::calendar::{self, utc7};
use crate::files::{QueueItem, QueueQuery};
use crate::{Actor, App, AppError, Result, auth};
use jiff::Timestamp;
use jiff::civil::Date;
use motcua_domain::file::FileState;
use motcua_domain::org::Role;
use motcua_domain::reminders::{apology_cutoff, apology_warning_horizon};
use motcua_domain::rules::RuleSet;
use motcua_store::{reminders as store, users};
use std::collections::BTreeSet;

/// Roles that receive the daily digest: specialists (their own files) and leaders (their units).
pub const DIGEST_ROLES: [Role; 2] = [Role::Specialist, Role::Leader];

/// Most files listed per section of a digest (the total is always given).
pub const DIGEST_LIST_MAX: usize = 30;

/// One person's files due soon and overdue.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    pub overdue: Vec<QueueItem>,
    pub soon: Vec<QueueItem>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.soon.is_empty()
    }
}

/// Whether today (Vietnam's date) is a working day on the province's calendar: reminders
/// are sent on working days only.
pub async fn today_is_working_day(app: &App, tenant_id: i64) -> Result<bool> {
    let today = app.now().to_zoned(utc7()).date();
    let cal = calendar::working_calendar(app, tenant_id, None).await?;
    Ok(cal.is_working_day(today))
}

/// Staff who get a digest (active, with an e-mail address, holding a digest role).
pub async fn digest_recipients(app: &App, tenant_id: i64) -> Result<Vec<i64>> {
    let roles: Vec<&str> = DIGEST_ROLES.iter().map(|r| r.as_str()).collect();
    let mut conn = app.db.read_conn().await?;
    Ok(store::staff_with_email(&mut conn, tenant_id, &roles).await?)
}

/// A staff member as an actor, with their e-mail address; `None` when gone or without one.
pub async fn staff_contact(
    app: &App,
    tenant_id: i64,
    user_id: i64,
) -> Result<Option<(Actor, String)>> {
    let mut conn = app.db.read_conn().await?;
    let Some(actor) = auth::load_actor(&mut conn, tenant_id, user_id).await? else {
        return Ok(None);
    };
    let email = users::by_id(&mut conn, tenant_id, user_id)
        .await?
        .and_then(|u| u.email)
        .filter(|e| !e.trim().is_empty());
    Ok(email.filter(|_| !actor.is_citizen).map(|e| (actor, e)))
}

/// The files a person should hear about today: for a leader, open files at the units of their
/// leader grants; for a specialist, open files assigned to them. Overdue and due soon (by the
/// end of the next working day), as in the work lists; each file once.
pub async fn digest(app: &App, actor: &Actor) -> Result<Digest> {
    let mut scopes: Vec<QueueQuery> = Vec::new();
    if actor.has_role(Role::Specialist) || actor.has_role(Role::Leader) {
        scopes.push(QueueQuery {
            mine: true,
            ..QueueQuery::default()
        });
    }
    for grant in actor.grants.iter().filter(|g| g.role == Role::Leader) {
        scopes.push(QueueQuery {
            unit: Some(grant.unit_code.clone()),
            ..QueueQuery::default()
        });
    }
    let mut digest = Digest::default();
    let mut seen = BTreeSet::new();
    for due in ["overdue", "soon"] {
        for scope in &scopes {
            let query = QueueQuery {
                due: Some(due.to_owned()),
                per_page: Some(200),
                ..scope.clone()
            };
            let page = crate::files::queue(app, actor, &query).await?;
            for item in page.items {
                // "soon" includes overdue files: each file goes in one section only.
                if seen.insert(item.id) {
                    if due == "overdue" {
                        digest.overdue.push(item);
                    } else {
                        digest.soon.push(item);
                    }
                }
            }
        }
    }
    digest.overdue.sort_by_key(|i| (i.due, i.id));
    digest.soon.sort_by_key(|i| (i.due, i.id));
    Ok(digest)
}

/// States in which a file is still being worked on and could still be late. Waiting for the
/// applicant's supplement (the deadline restarts) and approved files are left out.
const APOLOGY_STATES: [FileState; 6] = [
    FileState::Received,
    FileState::AtAgency,
    FileState::Assigned,
    FileState::UnderExamination,
    FileState::AtOtherAgency,
    FileState::AwaitingApproval,
];

/// A file whose apology letter is needed soon, and who must hear about it.
#[derive(Debug, Clone)]
pub struct ApologyWarning {
    pub file_id: i64,
    /// The assignee and the leaders whose grants reach the file's current unit.
    pub recipients: Vec<i64>,
}

fn lead_days(rule_version: Option<&str>, today: Date) -> u32 {
    rule_version
        .and_then(|v| RuleSet::builtin().iter().find(|r| r.id == v || r.code == v))
        .or_else(|| RuleSet::in_force_at(today))
        .map_or(1, |r| r.apology_lead_working_days)
}

/// Open files without an apology letter whose apology cut-off (one working day before the
/// deadline) falls by the next working day, with their recipients.
pub async fn apology_warnings(app: &App, tenant_id: i64) -> Result<Vec<ApologyWarning>> {
    let now = app.now();
    let today = now.to_zoned(utc7()).date();
    let cal = calendar::working_calendar(app, tenant_id, None).await?;
    let horizon = apology_warning_horizon(&cal, today, lead_days(None, today))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let before = horizon
        .to_zoned(utc7())
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp()
        .as_second();
    let states: Vec<&str> = APOLOGY_STATES.iter().map(|s| s.as_str()).collect();
    let mut conn = app.db.read_conn().await?;
    let files =
        store::apology_candidates(&mut conn, tenant_id, &states, now.as_second(), before).await?;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let mut recipients: Vec<i64> = f.assignee_id.into_iter().collect();
        for staff in users::grants_reaching(&mut conn, tenant_id, &f.current_unit_path).await? {
            if staff.role == Role::Leader.as_str() && !recipients.contains(&staff.user_id) {
                recipients.push(staff.user_id);
            }
        }
        out.push(ApologyWarning {
            file_id: f.id,
            recipients,
        });
    }
    Ok(out)
}

/// What an apology warning says about one file, read when the warning is sent; `None` when
/// the warning is no longer needed (an apology was issued, the file was finished or is gone)
/// or the recipient may no longer see the file.
#[derive(Debug, Clone)]
pub struct ApologyNotice {
    pub file_id: i64,
    pub code: String,
    pub procedure_name: String,
    pub due: Timestamp,
    /// The last date to issue the apology letter.
    pub cutoff: Date,
}

pub async fn apology_notice(
    app: &App,
    actor: &Actor,
    file_id: i64,
) -> Result<Option<ApologyNotice>> {
    let row = match crate::files::load_scoped(app, actor, file_id).await {
        Ok(row) => row,
        Err(AppError::Forbidden | AppError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let state = FileState::parse(&row.state);
    let still_needed = state.is_some_and(|s| APOLOGY_STATES.contains(&s))
        && row.due_at.is_some_and(|d| d > app.now().as_second());
    let rec = crate::files::parse_record(&row)?;
    let (Some(due), Some(code), true, None) = (
        row.due_at.and_then(|d| Timestamp::from_second(d).ok()),
        row.code.clone(),
        still_needed,
        rec.apology.as_ref(),
    ) else {
        return Ok(None);
    };
    let mut conn = app.db.read_conn().await?;
    let procedure_name =
        motcua_store::catalogue::procedure_by_id(&mut conn, actor.tenant_id, row.procedure_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
    let cal =
        calendar::snapshot_calendar(app, &mut conn, actor.tenant_id, &row.calendar_hash).await?;
    let due_date = due.to_zoned(utc7()).date();
    let today = app.now().to_zoned(utc7()).date();
    let cutoff = apology_cutoff(&cal, due_date, lead_days(Some(&row.rule_version), today))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    drop(conn);
    Ok(Some(ApologyNotice {
        file_id,
        code,
        procedure_name,
        due,
        cutoff,
    }))
}
