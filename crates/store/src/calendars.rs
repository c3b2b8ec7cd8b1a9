//! A tenant's calendar changes and units' working hours, stored as JSON text.

use crate::{Conn, Result, StoreError};

/// The stored changes and their version (0 when the tenant never edited its calendar).
pub async fn changes(conn: &mut Conn, tenant_id: i64) -> Result<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT changes_json, version FROM tenant_calendars WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// [`changes`] and, for `unit_id`, the unit's own working hours ([`unit_hours`]) in one
/// statement: what building a unit's calendar reads.
pub async fn changes_and_unit_hours(
    conn: &mut Conn,
    tenant_id: i64,
    unit_id: Option<i64>,
) -> Result<(Option<(String, i64)>, Option<String>)> {
    let (json, version, hours): (Option<String>, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT (SELECT changes_json FROM tenant_calendars WHERE tenant_id = $1),
                (SELECT version FROM tenant_calendars WHERE tenant_id = $1),
                (SELECT hours_json FROM unit_working_hours WHERE tenant_id = $1 AND unit_id = $2)",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .fetch_one(conn)
    .await?;
    Ok((json.zip(version), hours))
}

/// Saves the changes if the stored version is still `expected_version` (0: none stored yet).
pub async fn save_changes(
    conn: &mut Conn,
    tenant_id: i64,
    json: &str,
    expected_version: i64,
    now: i64,
) -> Result<i64> {
    let done = if expected_version == 0 {
        sqlx::query(
            "INSERT INTO tenant_calendars (tenant_id, changes_json, version, updated_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(json)
        .bind(now)
        .execute(conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE tenant_calendars SET changes_json = $1, version = version + 1, updated_at = $2
             WHERE tenant_id = $3 AND version = $4",
        )
        .bind(json)
        .bind(now)
        .bind(tenant_id)
        .bind(expected_version)
        .execute(conn)
        .await?
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(expected_version + 1)
}

pub async fn unit_hours(conn: &mut Conn, tenant_id: i64, unit_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT hours_json FROM unit_working_hours WHERE tenant_id = $1 AND unit_id = $2",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn set_unit_hours(
    conn: &mut Conn,
    tenant_id: i64,
    unit_id: i64,
    json: Option<&str>,
    now: i64,
) -> Result<()> {
    match json {
        Some(json) => {
            sqlx::query(
                "INSERT INTO unit_working_hours (tenant_id, unit_id, hours_json, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, unit_id) DO UPDATE SET hours_json = excluded.hours_json,
                     updated_at = excluded.updated_at",
            )
            .bind(tenant_id)
            .bind(unit_id)
            .bind(json)
            .bind(now)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM unit_working_hours WHERE tenant_id = $1 AND unit_id = $2")
                .bind(tenant_id)
                .bind(unit_id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
