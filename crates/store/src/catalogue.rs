//! The procedure catalogue: fields (lĩnh vực) and procedures (thủ tục hành chính).

use crate::{Conn, Result, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Field {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Inserts a field or renames the existing one with the same code; returns it.
pub async fn upsert_field(
    conn: &mut Conn,
    tenant_id: i64,
    code: &str,
    name: &str,
    folded: &str,
) -> Result<Field> {
    Ok(sqlx::query_as(
        "INSERT INTO fields (tenant_id, code, name, name_folded) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, code) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded
         RETURNING id, code, name",
    )
    .bind(tenant_id)
    .bind(code)
    .bind(name)
    .bind(folded)
    .fetch_one(conn)
    .await?)
}

pub async fn field_by_code(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Option<Field>> {
    Ok(
        sqlx::query_as("SELECT id, code, name FROM fields WHERE tenant_id = $1 AND code = $2")
            .bind(tenant_id)
            .bind(code)
            .fetch_optional(conn)
            .await?,
    )
}

/// Fields with the number of procedures in each.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FieldCount {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub procedures: i64,
}

pub async fn fields(conn: &mut Conn, tenant_id: i64) -> Result<Vec<FieldCount>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.code, f.name, COUNT(p.id) AS procedures
         FROM fields f LEFT JOIN procedures p ON p.tenant_id = f.tenant_id AND p.field_id = f.id
         WHERE f.tenant_id = $1 GROUP BY f.id, f.code, f.name ORDER BY f.name",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProcedureRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub field_id: i64,
    pub field_code: String,
    pub field_name: String,
    pub level: String,
    pub time_value: i64,
    pub time_unit: String,
    pub fees_json: String,
    pub documents_json: String,
    pub channel_counter: i64,
    pub channel_post: i64,
    pub online: String,
    pub online_payment: i64,
    pub result: String,
    pub legal_basis_json: String,
    pub agency: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub version: i64,
    pub updated_at: i64,
}

macro_rules! select_procedures {
    () => {
        "SELECT p.id, p.code, p.name, p.field_id, f.code AS field_code, f.name AS field_name, p.level,
                p.time_value, p.time_unit, p.fees_json, p.documents_json, p.channel_counter,
                p.channel_post, p.online, p.online_payment, p.result, p.legal_basis_json, p.agency,
                p.valid_from, p.valid_to, p.version, p.updated_at
         FROM procedures p JOIN fields f ON f.tenant_id = p.tenant_id AND f.id = p.field_id "
    };
}

/// Column values of a procedure, as stored.
pub struct ProcedureValues<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_folded: &'a str,
    pub field_id: i64,
    pub level: &'a str,
    pub time_value: i64,
    pub time_unit: &'a str,
    pub fees_json: &'a str,
    pub documents_json: &'a str,
    pub channel_counter: bool,
    pub channel_post: bool,
    pub online: &'a str,
    pub online_payment: bool,
    pub result: &'a str,
    pub legal_basis_json: &'a str,
    pub agency: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
}

pub async fn insert_procedure(
    conn: &mut Conn,
    tenant_id: i64,
    v: &ProcedureValues<'_>,
    now: i64,
) -> Result<i64> {
    let query = sqlx::query_as(
        "INSERT INTO procedures (tenant_id, code, name, name_folded, field_id, level, time_value, time_unit,
             fees_json, documents_json, channel_counter, channel_post, online, online_payment, result,
             legal_basis_json, agency, valid_from, valid_to, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $20, $20)
         RETURNING id",
    )
    .bind(tenant_id)
    .bind(v.code);
    let (id,): (i64,) = bind_values(query, v).bind(now).fetch_one(conn).await?;
    Ok(id)
}

/// Updates a procedure if it is still at `expected_version`; the code never changes.
pub async fn update_procedure(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    expected_version: i64,
    v: &ProcedureValues<'_>,
    now: i64,
) -> Result<()> {
    let query = sqlx::query_as::<_, (i64,)>(
        "UPDATE procedures SET name = $1, name_folded = $2, field_id = $3, level = $4, time_value = $5,
             time_unit = $6, fees_json = $7, documents_json = $8, channel_counter = $9, channel_post = $10,
             online = $11, online_payment = $12, result = $13, legal_basis_json = $14, agency = $15,
             valid_from = $16, valid_to = $17, version = version + 1, updated_at = $18
         WHERE tenant_id = $19 AND id = $20 AND version = $21
         RETURNING version",
    );
    let updated = bind_values(query, v)
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(conn)
        .await?;
    updated.map(|_| ()).ok_or(StoreError::Stale)
}

type ValuesQuery<'q, O> = sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>;

/// Binds a procedure's values from `name` to `valid_to`, in column order (17 parameters).
fn bind_values<'q, O>(query: ValuesQuery<'q, O>, v: &'q ProcedureValues<'_>) -> ValuesQuery<'q, O> {
    query
        .bind(v.name)
        .bind(v.name_folded)
        .bind(v.field_id)
        .bind(v.level)
        .bind(v.time_value)
        .bind(v.time_unit)
        .bind(v.fees_json)
        .bind(v.documents_json)
        .bind(i64::from(v.channel_counter))
        .bind(i64::from(v.channel_post))
        .bind(v.online)
        .bind(i64::from(v.online_payment))
        .bind(v.result)
        .bind(v.legal_basis_json)
        .bind(v.agency)
        .bind(v.valid_from)
        .bind(v.valid_to)
}

pub async fn delete_procedure(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM procedures WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn procedure_by_id(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
) -> Result<Option<ProcedureRow>> {
    Ok(sqlx::query_as(concat!(
        select_procedures!(),
        "WHERE p.tenant_id = $1 AND p.id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn procedure_by_code(
    conn: &mut Conn,
    tenant_id: i64,
    code: &str,
) -> Result<Option<ProcedureRow>> {
    Ok(sqlx::query_as(concat!(
        select_procedures!(),
        "WHERE p.tenant_id = $1 AND p.code = $2"
    ))
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

/// Search filters. `terms` are folded LIKE patterns (see `motcua_domain::text::like_pattern`);
/// each must occur in the folded name or start the code. Empty strings mean "any".
#[derive(Debug, Default, Clone)]
pub struct ProcedureFilter {
    pub terms: Vec<String>,
    pub field_code: String,
    pub level: String,
    pub online: String,
}

/// At most this many search words are used; more rarely narrows anything.
pub const MAX_TERMS: usize = 6;

macro_rules! filter_clause {
    () => {
        "WHERE p.tenant_id = $1
           AND ($2 = '' OR p.name_folded LIKE '%' || $2 || '%' ESCAPE '\\' OR p.code LIKE $2 || '%' ESCAPE '\\')
           AND ($3 = '' OR p.name_folded LIKE '%' || $3 || '%' ESCAPE '\\')
           AND ($4 = '' OR p.name_folded LIKE '%' || $4 || '%' ESCAPE '\\')
           AND ($5 = '' OR p.name_folded LIKE '%' || $5 || '%' ESCAPE '\\')
           AND ($6 = '' OR p.name_folded LIKE '%' || $6 || '%' ESCAPE '\\')
           AND ($7 = '' OR p.name_folded LIKE '%' || $7 || '%' ESCAPE '\\')
           AND ($8 = '' OR f.code = $8)
           AND ($9 = '' OR p.level = $9)
           AND ($10 = '' OR p.online = $10) "
    };
}

fn bind_filter<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    tenant_id: i64,
    filter: &'q ProcedureFilter,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    query = query.bind(tenant_id);
    for i in 0..MAX_TERMS {
        query = query.bind(filter.terms.get(i).map_or("", String::as_str));
    }
    query
        .bind(filter.field_code.as_str())
        .bind(filter.level.as_str())
        .bind(filter.online.as_str())
}

pub async fn search_procedures(
    conn: &mut Conn,
    tenant_id: i64,
    filter: &ProcedureFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProcedureRow>> {
    let query = sqlx::query_as(concat!(
        select_procedures!(),
        filter_clause!(),
        "ORDER BY f.name, p.name, p.code LIMIT $11 OFFSET $12"
    ));
    Ok(bind_filter(query, tenant_id, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

pub async fn count_procedures(
    conn: &mut Conn,
    tenant_id: i64,
    filter: &ProcedureFilter,
) -> Result<i64> {
    let query = sqlx::query_as(concat!(
        "SELECT COUNT(*) FROM procedures p JOIN fields f ON f.tenant_id = p.tenant_id AND f.id = p.field_id ",
        filter_clause!()
    ));
    let (n,): (i64,) = bind_filter(query, tenant_id, filter)
        .fetch_one(conn)
        .await?;
    Ok(n)
}
