//! The few figures of the service-quality index that the handling report's aggregates do not
//! hold: the catalogue's online offer, and digitised documents and results per receiving unit.

use crate::{Conn, Result};

/// Procedures of the catalogue: how many, how many fully online, how many with online payment.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct CatalogueOffer {
    pub procedures: i64,
    pub fully_online: i64,
    pub online_payment: i64,
}

/// The procedures in force on `today` (`YYYY-MM-DD`).
pub async fn catalogue_offer(
    conn: &mut Conn,
    tenant_id: i64,
    today: &str,
) -> Result<CatalogueOffer> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) AS procedures,
                COALESCE(CAST(SUM(CASE WHEN online = 'full' THEN 1 ELSE 0 END) AS BIGINT), 0) AS fully_online,
                COALESCE(CAST(SUM(CASE WHEN online_payment <> 0 THEN 1 ELSE 0 END) AS BIGINT), 0) AS online_payment
         FROM procedures
         WHERE tenant_id = $1 AND (valid_from IS NULL OR valid_from <= $2)
           AND (valid_to IS NULL OR valid_to >= $2)",
    )
    .bind(tenant_id)
    .bind(today)
    .fetch_one(conn)
    .await?)
}

/// Per receiving unit, for `[start, end)`: files received, those with a document attached;
/// files whose processing finished with a result (not a refusal), those with a result attached.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Digitisation {
    pub unit_id: i64,
    pub received: i64,
    pub with_documents: i64,
    pub results: i64,
    pub with_result_file: i64,
}

pub async fn digitisation(
    conn: &mut Conn,
    tenant_id: i64,
    start: i64,
    end: i64,
) -> Result<Vec<Digitisation>> {
    Ok(sqlx::query_as(
        "SELECT f.receiving_unit_id AS unit_id,
                COALESCE(CAST(SUM(CASE WHEN f.received_at >= $2 AND f.received_at < $3 THEN 1 ELSE 0 END) AS BIGINT), 0) AS received,
                COALESCE(CAST(SUM(CASE WHEN f.received_at >= $2 AND f.received_at < $3 AND EXISTS (
                    SELECT 1 FROM file_attachments a WHERE a.tenant_id = f.tenant_id AND a.file_id = f.id AND a.kind = 'document')
                    THEN 1 ELSE 0 END) AS BIGINT), 0) AS with_documents,
                COALESCE(CAST(SUM(CASE WHEN f.finished_at >= $2 AND f.finished_at < $3 AND f.state <> 'refused' THEN 1 ELSE 0 END) AS BIGINT), 0) AS results,
                COALESCE(CAST(SUM(CASE WHEN f.finished_at >= $2 AND f.finished_at < $3 AND f.state <> 'refused' AND EXISTS (
                    SELECT 1 FROM file_attachments a WHERE a.tenant_id = f.tenant_id AND a.file_id = f.id AND a.kind = 'result')
                    THEN 1 ELSE 0 END) AS BIGINT), 0) AS with_result_file
         FROM files f
         WHERE f.tenant_id = $1 AND f.received_at IS NOT NULL AND f.received_at < $3
           AND (f.received_at >= $2 OR f.finished_at >= $2)
         GROUP BY f.receiving_unit_id",
    )
    .bind(tenant_id)
    .bind(start)
    .bind(end)
    .fetch_all(conn)
    .await?)
}
