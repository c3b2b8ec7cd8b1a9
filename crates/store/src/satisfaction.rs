//! Applicants' evaluations of finished files (Circular 01/2018's indicators), added up per unit,
//! field, procedure or officer over a period.

use crate::{Conn, Result};

/// What to group evaluations by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The receiving unit of the file.
    Unit,
    Field,
    Procedure,
    /// The officer the file was assigned to.
    Officer,
}

impl Dimension {
    fn key_and_label(self) -> (&'static str, &'static str) {
        match self {
            Dimension::Unit => ("u.code", "u.name"),
            Dimension::Field => ("fl.code", "fl.name"),
            Dimension::Procedure => ("p.code", "p.name"),
            Dimension::Officer => ("COALESCE(us.username, '')", "COALESCE(us.display_name, '')"),
        }
    }
}

/// One group's evaluations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SatisfactionRow {
    pub dim_key: String,
    pub dim_label: String,
    /// Files rated.
    pub rated: i64,
    /// Points given, and the most the scored indicators could give.
    pub points: i64,
    pub scored_max: i64,
}

/// Evaluations rated in `[from, to)` of files received at units whose path matches `unit_like`
/// (`LIKE` pattern: the unit's path, with `%` for its sub-units).
pub async fn by_dimension(
    conn: &mut Conn,
    tenant_id: i64,
    dim: Dimension,
    unit_like: &str,
    from: i64,
    to: i64,
) -> Result<Vec<SatisfactionRow>> {
    let (key, label) = dim.key_and_label();
    let sql = format!(
        "SELECT {key} AS dim_key, {label} AS dim_label, COUNT(*) AS rated,
                COALESCE(CAST(SUM(e.total) AS BIGINT), 0) AS points,
                COALESCE(CAST(SUM(e.scored_max) AS BIGINT), 0) AS scored_max
         FROM file_evaluations e
         JOIN files f ON f.tenant_id = e.tenant_id AND f.id = e.file_id
         JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.receiving_unit_id
         JOIN procedures p ON p.tenant_id = f.tenant_id AND p.id = f.procedure_id
         JOIN fields fl ON fl.tenant_id = f.tenant_id AND fl.id = f.field_id
         LEFT JOIN users us ON us.tenant_id = f.tenant_id AND us.id = f.assignee_id
         WHERE e.tenant_id = $1 AND u.path LIKE $2 AND e.rated_at >= $3 AND e.rated_at < $4
         GROUP BY {key}, {label}
         ORDER BY {label}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(tenant_id)
        .bind(unit_like)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?)
}
