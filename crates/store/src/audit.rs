//! The append-only audit trail, kept as a fixed number of hash chains per tenant.
//! Hashing is the application's business; this module stores and reads the records.

use crate::{Conn, Result};
use serde::Serialize;

/// Number of chains per tenant. Changes to different entities land on different chains, so
/// concurrent transactions rarely wait on the same chain head.
pub const CHAINS: i64 = 16;

/// The hash that starts every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub chain: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Creates the chain heads of a new tenant.
pub async fn create_chains(conn: &mut Conn, tenant_id: i64) -> Result<()> {
    for chain in 0..CHAINS {
        sqlx::query(
            "INSERT INTO audit_chains (tenant_id, chain, last_seq, last_hash) VALUES ($1, $2, 0, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant_id)
        .bind(chain)
        .bind(GENESIS)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Takes the next slot of a chain: returns the new sequence number and the previous hash.
/// The UPDATE holds the chain head's row lock until the transaction ends, so two writers on the
/// same chain are serialised and the chain cannot fork.
pub async fn reserve(conn: &mut Conn, tenant_id: i64, chain: i64) -> Result<(i64, String)> {
    Ok(sqlx::query_as(
        "UPDATE audit_chains SET last_seq = last_seq + 1 WHERE tenant_id = $1 AND chain = $2
         RETURNING last_seq, last_hash",
    )
    .bind(tenant_id)
    .bind(chain)
    .fetch_one(conn)
    .await?)
}

pub struct NewRecord<'a> {
    pub chain: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

macro_rules! insert_record {
    () => {
        "INSERT INTO audit_log (tenant_id, chain, seq, at, actor_id, action, entity_type, entity_id,
                                before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    };
}

/// Appends a record to the chain reserved with [`reserve`] and moves the chain head to it.
/// On PostgreSQL both writes are one statement (a data-modifying CTE), one round trip less
/// per change; SQLite has no such CTE and runs in process, so it takes two.
pub async fn append(conn: &mut Conn, tenant_id: i64, record: NewRecord<'_>) -> Result<()> {
    let postgres = conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME;
    let sql = if postgres {
        concat!(
            "WITH appended AS (",
            insert_record!(),
            ") UPDATE audit_chains SET last_hash = $12 WHERE tenant_id = $1 AND chain = $2"
        )
    } else {
        insert_record!()
    };
    sqlx::query(sql)
        .bind(tenant_id)
        .bind(record.chain)
        .bind(record.seq)
        .bind(record.at)
        .bind(record.actor_id)
        .bind(record.action)
        .bind(record.entity_type)
        .bind(record.entity_id)
        .bind(record.before_json)
        .bind(record.after_json)
        .bind(record.prev_hash)
        .bind(record.hash)
        .execute(&mut *conn)
        .await?;
    if !postgres {
        sqlx::query("UPDATE audit_chains SET last_hash = $1 WHERE tenant_id = $2 AND chain = $3")
            .bind(record.hash)
            .bind(tenant_id)
            .bind(record.chain)
            .execute(conn)
            .await?;
    }
    Ok(())
}

macro_rules! columns {
    () => {
        "id, chain, seq, at, actor_id, action, entity_type, entity_id, before_json, after_json, prev_hash, hash"
    };
}

/// One page of a chain, in sequence order, starting after `after_seq`.
pub async fn chain_page(
    conn: &mut Conn,
    tenant_id: i64,
    chain: i64,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditRecord>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE tenant_id = $1 AND chain = $2 AND seq > $3 ORDER BY seq LIMIT $4"
    ))
    .bind(tenant_id)
    .bind(chain)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The recorded head of a chain: (last sequence number, last hash).
pub async fn head(conn: &mut Conn, tenant_id: i64, chain: i64) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT last_seq, last_hash FROM audit_chains WHERE tenant_id = $1 AND chain = $2",
    )
    .bind(tenant_id)
    .bind(chain)
    .fetch_optional(conn)
    .await?)
}

/// History of one entity, newest first.
pub async fn for_entity(
    conn: &mut Conn,
    tenant_id: i64,
    entity_type: &str,
    entity_id: &str,
    limit: i64,
) -> Result<Vec<AuditRecord>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3
          ORDER BY at DESC, id DESC LIMIT $4"
    ))
    .bind(tenant_id)
    .bind(entity_type)
    .bind(entity_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The most recent records of the tenant, newest first, for the administrators' audit page.
pub async fn recent(
    conn: &mut Conn,
    tenant_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRecord>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(tenant_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}
