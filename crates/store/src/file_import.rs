//! Bulk writes of files migrated from an older system: multi-row INSERTs, so that a million
//! files take minutes, not hours. The caller runs them in one transaction per batch.

use crate::{Backend, Conn, Result};

/// One imported file, with everything its row, history entry and unit link need.
#[derive(Debug, Clone)]
pub struct ImportedFile {
    pub code: String,
    pub procedure_id: i64,
    pub field_id: i64,
    pub unit_id: i64,
    pub channel: &'static str,
    pub state: &'static str,
    pub received_at: i64,
    pub received_date: String,
    pub due_at: i64,
    pub legal_due_at: i64,
    pub appointment_date: String,
    pub finished_at: Option<i64>,
    pub handed_over_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub apology_at: Option<i64>,
    pub rule_version: String,
    pub calendar_hash: String,
    pub record_json: String,
    pub event_json: String,
}

/// Rows per INSERT statement. PostgreSQL takes many; SQLite (through sqlx) finds each `$n`
/// parameter by name, which costs time in the square of the parameters of a statement, so it
/// gets short statements (its inserts are in-process calls, the count of statements is cheap).
pub fn rows_per_statement(backend: Backend) -> usize {
    match backend {
        Backend::Postgres => 500,
        Backend::Sqlite => 24,
    }
}

const FILE_PARAMS: usize = 19;

/// Inserts the files whose code is not taken yet; returns `(id, code)` of those inserted (a
/// code already present, e.g. from an earlier run, is left alone).
pub async fn insert_files(
    conn: &mut Conn,
    backend: Backend,
    tenant_id: i64,
    now: i64,
    files: &[ImportedFile],
) -> Result<Vec<(i64, String)>> {
    let mut inserted = Vec::with_capacity(files.len());
    for chunk in files.chunks(rows_per_statement(backend)) {
        let mut sql = String::with_capacity(200 + chunk.len() * 140);
        sql.push_str(
            "INSERT INTO files (tenant_id, created_at, updated_at, applicant_name, version, code,
                 procedure_id, field_id, receiving_unit_id, current_unit_id, channel, state,
                 received_at, received_date, due_at, legal_due_at, appointment_date, finished_at,
                 handed_over_at, ended_at, apology_at, rule_version, calendar_hash, record_json,
                 supplement_count)
             VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let base = 3 + i * FILE_PARAMS;
            sql.push_str("($1, $2, $2, '', 0");
            for p in base..base + FILE_PARAMS {
                sql.push_str(", $");
                sql.push_str(&p.to_string());
            }
            sql.push_str(", 0)");
        }
        sql.push_str(
            " ON CONFLICT (tenant_id, code) WHERE code IS NOT NULL DO NOTHING RETURNING id, code",
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql)
            .bind(tenant_id)
            .bind(now);
        for f in chunk {
            query = query
                .bind(f.code.as_str())
                .bind(f.procedure_id)
                .bind(f.field_id)
                .bind(f.unit_id)
                .bind(f.unit_id)
                .bind(f.channel)
                .bind(f.state)
                .bind(f.received_at)
                .bind(f.received_date.as_str())
                .bind(f.due_at)
                .bind(f.legal_due_at)
                .bind(f.appointment_date.as_str())
                .bind(f.finished_at)
                .bind(f.handed_over_at)
                .bind(f.ended_at)
                .bind(f.apology_at)
                .bind(f.rule_version.as_str())
                .bind(f.calendar_hash.as_str())
                .bind(f.record_json.as_str());
        }
        inserted.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(inserted)
}

/// The history entry (`import`, sequence 0) and the unit link of each inserted file:
/// `(file_id, unit_id, to_state, event_json)`.
pub async fn insert_history(
    conn: &mut Conn,
    backend: Backend,
    tenant_id: i64,
    at: i64,
    rows: &[(i64, i64, &str, &str)],
) -> Result<()> {
    for chunk in rows.chunks(rows_per_statement(backend) * 4) {
        let mut events = String::from(
            "INSERT INTO file_events (tenant_id, file_id, seq, at, actor_id, action, from_state, to_state, event_json) VALUES ",
        );
        let mut links =
            String::from("INSERT INTO file_units (tenant_id, file_id, unit_id) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                events.push(',');
                links.push(',');
            }
            let e = 3 + i * 3;
            events.push_str(&format!(
                "($1, ${e}, 0, $2, NULL, 'import', NULL, ${}, ${})",
                e + 1,
                e + 2
            ));
            let l = 2 + i * 2;
            links.push_str(&format!("($1, ${l}, ${})", l + 1));
        }
        links.push_str(" ON CONFLICT DO NOTHING");
        let mut query = sqlx::query(&events).bind(tenant_id).bind(at);
        for (file_id, _, state, json) in chunk {
            query = query.bind(*file_id).bind(*state).bind(*json);
        }
        query.execute(&mut *conn).await?;
        let mut query = sqlx::query(&links).bind(tenant_id);
        for (file_id, unit_id, _, _) in chunk {
            query = query.bind(*file_id).bind(*unit_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Raises the daily running numbers to at least the imported ones `(unit_id, day, seq)`
/// (keys unique), so that intake never issues a code an imported file already has.
pub async fn raise_code_sequences(
    conn: &mut Conn,
    backend: Backend,
    tenant_id: i64,
    seqs: &[(i64, String, i64)],
) -> Result<()> {
    for chunk in seqs.chunks(rows_per_statement(backend) * 4) {
        let mut sql = String::from(
            "INSERT INTO file_code_sequences (tenant_id, unit_id, day, last_seq) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let p = 2 + i * 3;
            sql.push_str(&format!("($1, ${p}, ${}, ${})", p + 1, p + 2));
        }
        sql.push_str(
            " ON CONFLICT (tenant_id, unit_id, day) DO UPDATE SET last_seq = CASE
                 WHEN excluded.last_seq > file_code_sequences.last_seq THEN excluded.last_seq
                 ELSE file_code_sequences.last_seq END",
        );
        let mut query = sqlx::query(&sql).bind(tenant_id);
        for (unit_id, day, seq) in chunk {
            query = query.bind(*unit_id).bind(day.as_str()).bind(*seq);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// What an import needs of each procedure: `(id, code, field_id, time_value, time_unit)`.
pub async fn procedure_terms(
    conn: &mut Conn,
    tenant_id: i64,
) -> Result<Vec<(i64, String, i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, code, field_id, time_value, time_unit FROM procedures WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}
