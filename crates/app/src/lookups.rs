//! The reads that every intake and every assignment make, remembered between requests under
//! [`crate::remembered`]'s rule (PostgreSQL with a live listener only; the triggers of
//! migrations 0018 and 0019 announce every change to what they return): a unit and a
//! procedure by code, the calendar a unit receives files with, and a staff member with their
//! grants. A miss reads the database; nothing absent is remembered.

use crate::remembered::Remembered;
use crate::{App, Result, calendar};
use motcua_domain::calendar::WorkingCalendar;
use motcua_store::Conn;
use motcua_store::catalogue::{self, ProcedureRow};
use motcua_store::units::{self, Unit};
use motcua_store::users::{self, Grant, UserRow};
use std::sync::Arc;

/// The calendar files received at a unit get: its snapshot's content hash and JSON, and the
/// calendar built from it.
pub(crate) struct IntakeCalendar {
    pub hash: String,
    pub json: String,
    pub calendar: Arc<WorkingCalendar>,
}

/// A user by login, with their grants.
type UserWithGrants = (UserRow, Vec<Grant>);

#[derive(Default)]
pub(crate) struct Lookups {
    units: Remembered<(i64, String), Arc<Unit>>,
    procedures: Remembered<(i64, String), Arc<ProcedureRow>>,
    calendars: Remembered<(i64, i64), Arc<IntakeCalendar>>,
    staff: Remembered<(i64, String), Arc<UserWithGrants>>,
}

impl Lookups {
    /// Forgets everything; `live` says whether announcements are heard from now on.
    pub(crate) fn forget(&self, live: bool) {
        self.units.forget(live);
        self.procedures.forget(live);
        self.calendars.forget(live);
        self.staff.forget(live);
    }

    /// Forgets everything after a change this process made.
    pub(crate) fn changed(&self) {
        self.units.changed();
        self.procedures.changed();
        self.calendars.changed();
        self.staff.changed();
    }
}

/// The value of `key` from `cache`, or read (and remembered if found).
async fn remembered<K: Eq + std::hash::Hash, V>(
    cache: &Remembered<K, Arc<V>>,
    key: K,
    read: impl AsyncFnOnce() -> Result<Option<V>>,
) -> Result<Option<Arc<V>>> {
    if let Some(found) = cache.get(&key, |_| true) {
        return Ok(Some(found));
    }
    let epoch = cache.epoch();
    let found = read().await?.map(Arc::new);
    if let Some(value) = &found {
        cache.put(key, value.clone(), epoch);
    }
    Ok(found)
}

pub(crate) async fn unit_by_code(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    code: &str,
) -> Result<Option<Arc<Unit>>> {
    remembered(
        &app.lookups.units,
        (tenant_id, code.to_owned()),
        async || Ok(units::by_code(conn, tenant_id, code).await?),
    )
    .await
}

pub(crate) async fn procedure_by_code(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    code: &str,
) -> Result<Option<Arc<ProcedureRow>>> {
    remembered(
        &app.lookups.procedures,
        (tenant_id, code.to_owned()),
        async || Ok(catalogue::procedure_by_code(conn, tenant_id, code).await?),
    )
    .await
}

/// A staff member or citizen by login, with their grants.
pub(crate) async fn user_with_grants(
    app: &App,
    conn: &mut Conn,
    tenant_id: i64,
    login: &str,
) -> Result<Option<Arc<UserWithGrants>>> {
    remembered(
        &app.lookups.staff,
        (tenant_id, login.to_owned()),
        async || Ok(users::by_login_with_grants(conn, tenant_id, login).await?),
    )
    .await
}

/// The calendar of files received at `unit` now (see [`calendar::config`]).
pub(crate) async fn intake_calendar(
    app: &App,
    tenant_id: i64,
    unit: &Unit,
) -> Result<Arc<IntakeCalendar>> {
    let found = remembered(&app.lookups.calendars, (tenant_id, unit.id), async || {
        let config = calendar::config(app, tenant_id, Some(unit)).await?;
        let (hash, json, calendar) = calendar::snapshot_and_calendar(app, &config)?;
        Ok(Some(IntakeCalendar {
            hash,
            json,
            calendar,
        }))
    })
    .await?;
    found.ok_or_else(|| crate::AppError::Internal("no calendar".into()))
}
