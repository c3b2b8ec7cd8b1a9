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

const INSERT_RECORD: &str = "INSERT INTO audit_log (tenant_id, chain, seq, at, actor_id, action, \
     entity_type, entity_id, before_json, after_json, prev_hash, hash)";

/// The stored columns of a record that its content hash covers (all but its place in the
/// chain and its hashes).
pub struct Content<'a> {
    pub chain: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
}

/// A record to append: everything but its place in the chain, which [`append`] takes.
pub struct Entry<'a> {
    pub content: Content<'a>,
    /// SHA-256 (hex) of the content, as the application encodes it.
    pub content_hash: &'a str,
}

/// The hash that links a record into its chain: SHA-256 (lowercase hex) of
/// `<previous hash>:<sequence number>:<content hash>`. The PostgreSQL statement of [`append`]
/// computes the same in SQL.
pub fn link_hash(prev_hash: &str, seq: i64, content_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{prev_hash}:{seq}:{content_hash}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// PostgreSQL: a CTE `c` that moves the chain head to the next record (its row stays locked
/// until the transaction ends, so the chain cannot fork) and returns the sequence number, the
/// previous hash and the new one; and the INSERT of the record that reads them. `tenant` is the
/// tenant's parameter number, `first` the number of the entry's first parameter (bound by
/// [`bind_entry`]); `only_if` is a condition that must hold for anything to be written.
pub(crate) fn append_sql(tenant: usize, first: usize, only_if: &str) -> (String, String) {
    let p = |i: usize| format!("${}", first + i);
    append_sql_with(tenant, first, only_if, &p(7), &p(8))
}

/// [`append_sql`] for an [`EntryAroundCode`] (bound by [`bind_entry_around_code`]): its
/// after-JSON and content hash are made around `code`, the SQL expression of a code the same
/// statement writes.
pub(crate) fn append_around_code_sql(
    tenant: usize,
    first: usize,
    only_if: &str,
    code: &str,
) -> (String, String) {
    let p = |i: usize| format!("${}", first + i);
    append_sql_with(
        tenant,
        first,
        only_if,
        &format!("{} || {code} || {}", p(7), p(9)),
        &format!(
            "encode(sha256(convert_to({} || {code} || {}, 'UTF8')), 'hex')",
            p(8),
            p(10)
        ),
    )
}

/// The statement of [`append_sql`] with the SQL expressions of the after-JSON and of the
/// content hash.
fn append_sql_with(
    tenant: usize,
    first: usize,
    only_if: &str,
    after_json: &str,
    hash: &str,
) -> (String, String) {
    let p = |i: usize| format!("${}", first + i);
    let cte = format!(
        "c AS (UPDATE audit_chains
                  SET last_seq = last_seq + 1, prev_hash = last_hash,
                      last_hash = encode(sha256(convert_to(
                          last_hash || ':' || CAST(last_seq + 1 AS TEXT) || ':' || {hash}, 'UTF8')), 'hex')
                WHERE tenant_id = ${tenant} AND chain = {chain} AND {only_if}
                RETURNING last_seq, prev_hash, last_hash)",
        chain = p(0),
    );
    let insert = format!(
        "{INSERT_RECORD} SELECT ${tenant}, {}, c.last_seq, {}, {}, {}, {}, {}, {}, {after_json}, c.prev_hash, c.last_hash FROM c",
        p(0),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
    );
    (cte, insert)
}

/// A record whose after-JSON holds a code that the statement appending it makes (a file's,
/// numbered as it is received): the after-JSON and the text whose SHA-256 is the content hash
/// are each given as the text before the code and the text after it.
pub struct EntryAroundCode<'a> {
    /// `content.after_json` is the after-JSON before the code; `content_hash` is not read.
    pub content: Content<'a>,
    pub after_json_tail: &'a str,
    /// The application's encoding of the content (see `content_hash` of [`Entry`]), before the
    /// code and after it.
    pub canonical: (&'a str, &'a str),
}

/// Binds the parameters of [`append_sql`], in its order.
pub(crate) fn bind_entry<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    entry: &'q Entry<'q>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    bind_content(query, &entry.content, entry.content_hash)
}

/// Binds the parameters of [`append_around_code_sql`], in its order.
pub(crate) fn bind_entry_around_code<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    entry: &'q EntryAroundCode<'q>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    bind_content(query, &entry.content, entry.canonical.0)
        .bind(entry.after_json_tail)
        .bind(entry.canonical.1)
}

/// The content's columns, then `last`.
fn bind_content<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    content: &'q Content<'q>,
    last: &'q str,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    query
        .bind(content.chain)
        .bind(content.at)
        .bind(content.actor_id)
        .bind(content.action)
        .bind(content.entity_type)
        .bind(content.entity_id)
        .bind(content.before_json)
        .bind(content.after_json)
        .bind(last)
}

/// Appends a record to its chain in the caller's transaction; returns its sequence number.
/// Call it late in the transaction: the chain head stays locked until the transaction ends.
/// One statement on PostgreSQL; on SQLite (no data-modifying CTE, no SHA-256 in SQL, and
/// statements run in process) the head is moved, the link hashed here, the record inserted.
pub async fn append(conn: &mut Conn, tenant_id: i64, entry: &Entry<'_>) -> Result<i64> {
    if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        let (cte, insert) = append_sql(1, 2, "TRUE");
        let sql = format!("WITH {cte} {insert} RETURNING seq");
        let (seq,): (i64,) = bind_entry(sqlx::query_as(&sql).bind(tenant_id), entry)
            .fetch_one(conn)
            .await?;
        return Ok(seq);
    }
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE audit_chains SET last_seq = last_seq + 1 WHERE tenant_id = $1 AND chain = $2
         RETURNING last_seq, last_hash",
    )
    .bind(tenant_id)
    .bind(entry.content.chain)
    .fetch_one(&mut *conn)
    .await?;
    let hash = link_hash(&prev_hash, seq, entry.content_hash);
    sqlx::query(&format!(
        "{INSERT_RECORD} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(tenant_id)
    .bind(entry.content.chain)
    .bind(seq)
    .bind(entry.content.at)
    .bind(entry.content.actor_id)
    .bind(entry.content.action)
    .bind(entry.content.entity_type)
    .bind(entry.content.entity_id)
    .bind(entry.content.before_json)
    .bind(entry.content.after_json)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE audit_chains SET prev_hash = $1, last_hash = $2 WHERE tenant_id = $3 AND chain = $4",
    )
    .bind(&prev_hash)
    .bind(&hash)
    .bind(tenant_id)
    .bind(entry.content.chain)
    .execute(conn)
    .await?;
    Ok(seq)
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
