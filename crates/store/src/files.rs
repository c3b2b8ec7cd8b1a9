//! Files (hồ sơ): the row beside the workflow record, its history, code sequences and the
//! outbox written with every change.

use crate::{Conn, Result, StoreError};

/// Takes the next running number for codes of files received by `unit_id` on local `day`
/// (`YYYY-MM-DD`). Call it inside the intake transaction: the row stays locked until commit,
/// so concurrent intakes queue for it and a rolled-back intake leaves no gap.
pub async fn next_code_seq(
    conn: &mut Conn,
    tenant_id: i64,
    unit_id: i64,
    day: &str,
) -> Result<i64> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO file_code_sequences (tenant_id, unit_id, day, last_seq) VALUES ($1, $2, $3, 1)
         ON CONFLICT (tenant_id, unit_id, day) DO UPDATE SET last_seq = file_code_sequences.last_seq + 1
         RETURNING last_seq",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

/// Stores a calendar configuration once per distinct content.
pub async fn save_calendar_snapshot(
    conn: &mut Conn,
    tenant_id: i64,
    hash: &str,
    json: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_snapshots (tenant_id, hash, config_json, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, hash) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(hash)
    .bind(json)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn calendar_snapshot(conn: &mut Conn, tenant_id: i64, hash: &str) -> Result<String> {
    let (json,): (String,) = sqlx::query_as(
        "SELECT config_json FROM calendar_snapshots WHERE tenant_id = $1 AND hash = $2",
    )
    .bind(tenant_id)
    .bind(hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(json)
}

/// Queues a message for the background workers, in the caller's transaction.
pub async fn enqueue(
    conn: &mut Conn,
    tenant_id: i64,
    topic: &str,
    payload_json: &str,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (tenant_id, topic, payload_json, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant_id)
    .bind(topic)
    .bind(payload_json)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A file's row: the searchable columns and the workflow record as JSON.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub code: Option<String>,
    pub procedure_id: i64,
    pub field_id: i64,
    pub receiving_unit_id: i64,
    pub current_unit_id: i64,
    pub assignee_id: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub applicant_address: Option<String>,
    pub lookup_pin_hash: Option<String>,
    pub channel: String,
    pub state: String,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub appointment_date: Option<String>,
    pub finished_at: Option<i64>,
    pub rule_version: String,
    pub calendar_hash: String,
    pub record_json: String,
    pub version: i64,
    pub documents_json: String,
}

macro_rules! file_columns {
    () => {
        "id, code, procedure_id, field_id, receiving_unit_id, current_unit_id, assignee_id, owner_user_id,
         applicant_name, applicant_phone, applicant_email, applicant_address, lookup_pin_hash, channel, state,
         received_at, due_at, appointment_date, finished_at, rule_version, calendar_hash, record_json, version,
         documents_json"
    };
}

/// Columns that follow the workflow record; written on insert and on every change.
pub struct FileState<'a> {
    pub code: Option<&'a str>,
    pub current_unit_id: i64,
    pub assignee_id: Option<i64>,
    pub state: &'a str,
    pub received_at: Option<i64>,
    pub received_date: Option<&'a str>,
    pub due_at: Option<i64>,
    pub legal_due_at: Option<i64>,
    pub appointment_date: Option<&'a str>,
    pub finished_at: Option<i64>,
    pub handed_over_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub supplement_count: i64,
    pub apology_at: Option<i64>,
    pub record_json: &'a str,
    pub version: i64,
}

/// Binds the state columns of [`FileState`], in the order both `insert_file` and
/// `update_file` list them.
macro_rules! bind_state {
    ($query:expr, $s:expr) => {
        $query
            .bind($s.code)
            .bind($s.current_unit_id)
            .bind($s.assignee_id)
            .bind($s.state)
            .bind($s.received_at)
            .bind($s.received_date)
            .bind($s.due_at)
            .bind($s.legal_due_at)
            .bind($s.appointment_date)
            .bind($s.finished_at)
            .bind($s.handed_over_at)
            .bind($s.ended_at)
            .bind($s.supplement_count)
            .bind($s.apology_at)
            .bind($s.record_json)
            .bind($s.version)
    };
}

/// What is fixed when a file is created.
pub struct NewFileRow<'a> {
    pub procedure_id: i64,
    pub field_id: i64,
    pub receiving_unit_id: i64,
    pub owner_user_id: Option<i64>,
    pub applicant_name: &'a str,
    pub applicant_phone: Option<&'a str>,
    pub applicant_email: Option<&'a str>,
    pub applicant_address: Option<&'a str>,
    pub lookup_pin_hash: Option<&'a str>,
    pub channel: &'a str,
    pub rule_version: &'a str,
    pub calendar_hash: &'a str,
    pub documents_json: &'a str,
}

/// What a change writes beside the file row: its history entry, the units it now takes part
/// in, and the outbox message (topic `file.changed`) that announces it.
pub struct FileChange<'a> {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub event_json: &'a str,
    pub link_units: &'a [i64],
    /// The message as compact JSON (serde_json's `to_string`) of an object without `file_id`,
    /// which is put first when it is written (a new file's id is not known before its row is).
    pub message: &'a str,
}

/// The stored message of a change to file `file_id`: `file_id` put first into the change's
/// message, a compact JSON object as serde_json writes it (the PostgreSQL statement does the
/// same in SQL).
fn message_json(file_id: i64, message: &str) -> String {
    match message {
        "{}" => format!("{{\"file_id\":{file_id}}}"),
        _ => format!(
            "{{\"file_id\":{file_id},{}",
            message.get(1..).unwrap_or_default()
        ),
    }
}

/// The rest of a PostgreSQL file write: CTEs that add the history entry, unit links and outbox
/// message for the row `f` (none when `f` is empty: a stale update writes nothing).
/// `tenant` is the tenant's parameter number, `first` the number of the
/// change's first parameter (bound by [`bind_change`]).
fn change_ctes(tenant: usize, first: usize, units: usize) -> String {
    let p = |i: usize| format!("${}", first + i);
    let mut sql = format!(
        ", e AS (INSERT INTO file_events (tenant_id, file_id, seq, at, actor_id, action, from_state, to_state,
                                          event_json)
                 SELECT ${tenant}, id, {}, {}, {}, {}, {}, {}, {} FROM f)
         , o AS (INSERT INTO outbox (tenant_id, topic, payload_json, created_at)
                 SELECT ${tenant}, 'file.changed',
                        CASE WHEN {m} = '{{}}' THEN '{{\"file_id\":' || id || '}}'
                             ELSE '{{\"file_id\":' || id || ',' || substr({m}, 2) END,
                        {} FROM f)",
        p(0),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(8),
        m = p(7),
    );
    if units > 0 {
        let values: Vec<String> = (0..units).map(|i| format!("({})", p(9 + i))).collect();
        sql.push_str(&format!(
            ", u AS (INSERT INTO file_units (tenant_id, file_id, unit_id)
                     SELECT ${tenant}, f.id, v.unit_id FROM f, (VALUES {}) AS v (unit_id)
                     ON CONFLICT DO NOTHING)",
            values.join(", ")
        ));
    }
    sql
}

/// Binds the parameters of [`change_ctes`], in its order.
fn bind_change<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    change: &'q FileChange<'q>,
    now: i64,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    query = query
        .bind(change.seq)
        .bind(change.at)
        .bind(change.actor_id)
        .bind(change.action)
        .bind(change.from_state)
        .bind(change.to_state)
        .bind(change.event_json)
        .bind(change.message)
        .bind(now);
    for unit in change.link_units {
        query = query.bind(*unit);
    }
    query
}

/// The history entry, unit links and outbox message one at a time (SQLite: no data-modifying
/// CTEs, and statements run in process).
async fn write_change(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    change: &FileChange<'_>,
    now: i64,
) -> Result<()> {
    insert_event(
        conn,
        tenant_id,
        file_id,
        change.seq,
        change.at,
        change.actor_id,
        change.action,
        change.from_state,
        change.to_state,
        change.event_json,
    )
    .await?;
    for unit in change.link_units {
        link_unit(conn, tenant_id, file_id, *unit).await?;
    }
    enqueue(
        conn,
        tenant_id,
        "file.changed",
        &message_json(file_id, change.message),
        now,
    )
    .await?;
    Ok(())
}

fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// The columns of a new file, in the order of [`insert_file`]'s parameters.
const INSERT_COLUMNS: &str = "tenant_id, procedure_id, field_id, receiving_unit_id, owner_user_id,
     applicant_name, applicant_phone, applicant_email, applicant_address, lookup_pin_hash, channel,
     rule_version, calendar_hash, code, current_unit_id, assignee_id, state, received_at, received_date,
     due_at, legal_due_at, appointment_date, finished_at, handed_over_at, ended_at, supplement_count,
     apology_at, record_json, version, created_at, updated_at, documents_json";

/// The values of [`INSERT_COLUMNS`]: parameters `$1`…`$31` (created and updated at the same
/// moment), with the lookup PIN hash and the code as the SQL expressions given.
fn insert_values(pin_hash: &str, code: &str) -> String {
    let mut values: Vec<String> = (1..=29)
        .map(|i| match i {
            10 => pin_hash.to_owned(),
            14 => code.to_owned(),
            _ => format!("${i}"),
        })
        .collect();
    values.extend(["$30", "$30", "$31"].map(String::from));
    values.join(", ")
}

fn insert_file_sql() -> String {
    format!(
        "INSERT INTO files ({INSERT_COLUMNS}) VALUES ({}) RETURNING id",
        insert_values("$10", "$14")
    )
}

/// The process version a new file follows: the procedure's version in force on local `day`
/// (`YYYY-MM-DD`), or the default process `default_id` if it has none.
pub struct ProcessPin<'a> {
    pub day: &'a str,
    pub default_id: &'a str,
}

/// The CTE `p` that pins the process version of the new file `f` (see [`ProcessPin`]):
/// parameters `$1` tenant, `$2` procedure, `day` and `default` as numbered.
fn process_cte(day: usize, default: usize) -> String {
    format!(
        "p AS (INSERT INTO file_processes (tenant_id, file_id, procedure_id, version, default_id)
               SELECT $1, f.id, $2, (SELECT MAX(version) FROM process_versions
                                     WHERE tenant_id = $1 AND procedure_id = $2
                                       AND valid_from <= ${day}),
                      ${default} FROM f)"
    )
}

/// Binds `$1`…`$31` of [`insert_values`].
fn bind_new<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    tenant_id: i64,
    new: &'q NewFileRow<'q>,
    s: &'q FileState<'q>,
    now: i64,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    let query = query
        .bind(tenant_id)
        .bind(new.procedure_id)
        .bind(new.field_id)
        .bind(new.receiving_unit_id)
        .bind(new.owner_user_id)
        .bind(new.applicant_name)
        .bind(new.applicant_phone)
        .bind(new.applicant_email)
        .bind(new.applicant_address)
        .bind(new.lookup_pin_hash)
        .bind(new.channel)
        .bind(new.rule_version)
        .bind(new.calendar_hash);
    bind_state!(query, s).bind(now).bind(new.documents_json)
}

/// Creates a file with its first history entry, unit links, outbox message and process pin:
/// one statement on PostgreSQL, one per row on SQLite. Returns the new file's id.
pub async fn insert_file(
    conn: &mut Conn,
    tenant_id: i64,
    new: &NewFileRow<'_>,
    s: &FileState<'_>,
    now: i64,
    change: &FileChange<'_>,
    process: &ProcessPin<'_>,
) -> Result<i64> {
    let postgres = is_postgres(conn);
    let sql = if postgres {
        let units = change.link_units.len();
        format!(
            "WITH f AS ({}){}, {} SELECT id FROM f",
            insert_file_sql(),
            change_ctes(1, 32, units),
            process_cte(41 + units, 42 + units),
        )
    } else {
        insert_file_sql()
    };
    let query = bind_new(sqlx::query_as(&sql), tenant_id, new, s, now);
    let (id,): (i64,) = if postgres {
        bind_change(query, change, now)
            .bind(process.day)
            .bind(process.default_id)
            .fetch_one(&mut *conn)
            .await?
    } else {
        let row = query.fetch_one(&mut *conn).await?;
        write_change(conn, tenant_id, row.0, change, now).await?;
        crate::processes::pin_file(
            conn,
            tenant_id,
            row.0,
            new.procedure_id,
            process.day,
            process.default_id,
        )
        .await?;
        row
    };
    Ok(id)
}

/// PostgreSQL: the id the next file will have (taken now, so that what is written with the
/// file can name it before its row exists).
pub async fn next_file_id(conn: &mut Conn) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("SELECT nextval(pg_get_serial_sequence('files', 'id'))")
        .fetch_one(conn)
        .await?;
    Ok(id)
}

/// The code of a file received by [`insert_received_file`]: the statement takes the next
/// running number of `unit_id` for local `day` (`YYYY-MM-DD`) and writes it between `prefix`
/// and `suffix`, zero-padded to `width` digits.
pub struct NumberedCode<'a> {
    pub unit_id: i64,
    pub day: &'a str,
    pub prefix: &'a str,
    pub width: i64,
    /// The largest running number the code can hold: beyond it nothing is written.
    pub max_sequence: i64,
    pub suffix: &'a str,
}

/// What [`insert_received_file`] writes beside the file.
pub struct Receipt<'a> {
    /// The file's id, from [`next_file_id`].
    pub id: i64,
    pub code: NumberedCode<'a>,
    /// The lookup PIN hash is SHA-256 (lowercase hex) of the first text, the code, the second.
    pub pin_hash_around: (&'a str, &'a str),
    pub audit: &'a crate::audit::EntryAroundCode<'a>,
    /// What the file adds to the report aggregates, in key order.
    pub report_rows: &'a [crate::report_daily::DailyRow],
}

/// PostgreSQL: receives a new file in one statement, atomic by itself: the unit's running
/// number of the day (its row stays locked only to the statement's commit), the file with its
/// code and lookup PIN hash, its first history entry, unit links, outbox message, process pin,
/// audit record and report rows. Returns the code, or `None` (nothing written) when the day's
/// running numbers are used up.
#[allow(clippy::too_many_arguments)]
pub async fn insert_received_file(
    conn: &mut Conn,
    tenant_id: i64,
    new: &NewFileRow<'_>,
    s: &FileState<'_>,
    now: i64,
    change: &FileChange<'_>,
    process: &ProcessPin<'_>,
    receipt: &Receipt<'_>,
) -> Result<Option<String>> {
    let units = change.link_units.len();
    let first = 43 + units;
    let p = |i: usize| format!("${}", first + i);
    // The code's slot ($14) holds the text before the running number, the PIN hash's ($10)
    // the text its hash has before the code.
    let code = format!(
        "$14 || CASE WHEN length(CAST(last_seq AS TEXT)) >= {width} THEN CAST(last_seq AS TEXT)
                     ELSE lpad(CAST(last_seq AS TEXT), CAST({width} AS INTEGER), '0') END || {suffix}",
        width = p(2),
        suffix = p(4),
    );
    let pin_hash = format!(
        "encode(sha256(convert_to($10 || k.code || {}, 'UTF8')), 'hex')",
        p(5)
    );
    let only_if = "EXISTS (SELECT 1 FROM f)";
    let (chain_cte, audit_insert) =
        crate::audit::append_around_code_sql(1, first + 7, only_if, "(SELECT code FROM k)");
    let report = match receipt.report_rows.len() {
        0 => String::new(),
        n => format!(
            ", r AS ({})",
            crate::report_daily::add_rows_sql(1, first + 18, n, Some(only_if))
        ),
    };
    let sql = format!(
        "WITH s AS (INSERT INTO file_code_sequences (tenant_id, unit_id, day, last_seq) VALUES ($1, {unit}, {day}, 1)
                    ON CONFLICT (tenant_id, unit_id, day) DO UPDATE SET last_seq = file_code_sequences.last_seq + 1
                    WHERE file_code_sequences.last_seq < {max}
                    RETURNING last_seq),
              k AS (SELECT {code} AS code FROM s),
              f AS (INSERT INTO files (id, {INSERT_COLUMNS}) SELECT {id}, {} FROM k RETURNING id){},
              {}, {chain_cte}, a AS ({audit_insert}){report}
         SELECT code FROM k",
        insert_values(&pin_hash, "k.code"),
        change_ctes(1, 32, units),
        process_cte(41 + units, 42 + units),
        unit = p(0),
        day = p(1),
        max = p(3),
        id = p(6),
    );
    let state = FileState {
        code: Some(receipt.code.prefix),
        ..*s
    };
    let new = NewFileRow {
        lookup_pin_hash: Some(receipt.pin_hash_around.0),
        ..*new
    };
    let query = bind_new(sqlx::query_as(&sql), tenant_id, &new, &state, now);
    let query = bind_change(query, change, now)
        .bind(process.day)
        .bind(process.default_id)
        .bind(receipt.code.unit_id)
        .bind(receipt.code.day)
        .bind(receipt.code.width)
        .bind(receipt.code.max_sequence)
        .bind(receipt.code.suffix)
        .bind(receipt.pin_hash_around.1)
        .bind(receipt.id);
    let query = crate::audit::bind_entry_around_code(query, receipt.audit);
    let code: Option<(String,)> = crate::report_daily::bind_rows(query, receipt.report_rows)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(code.map(|(code,)| code))
}

macro_rules! update_file_sql {
    () => {
        "UPDATE files SET code = $1, current_unit_id = $2, assignee_id = $3, state = $4, received_at = $5,
             received_date = $6, due_at = $7, legal_due_at = $8, appointment_date = $9, finished_at = $10,
             handed_over_at = $11, ended_at = $12, supplement_count = $13, apology_at = $14, record_json = $15,
             version = $16, updated_at = $17
         WHERE tenant_id = $18 AND id = $19 AND version = $20
         RETURNING id"
    };
}

/// Writes the new state if the row is still at `expected_version` (optimistic concurrency;
/// `Stale` otherwise), with the change's history entry, unit links and outbox message, the
/// audit record and the rows the change adds to the report aggregates (`report_rows`, in key
/// order): one statement on PostgreSQL (which needs no transaction around it), one per part on
/// SQLite. The audit chain head and the aggregate rows stay locked until the transaction ends.
#[allow(clippy::too_many_arguments)]
pub async fn update_file(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    expected_version: i64,
    s: &FileState<'_>,
    now: i64,
    change: &FileChange<'_>,
    audit: &crate::audit::Entry<'_>,
    report_rows: &[crate::report_daily::DailyRow],
) -> Result<()> {
    let postgres = is_postgres(conn);
    let sql = if postgres {
        let units = change.link_units.len();
        let only_if = "EXISTS (SELECT 1 FROM f)";
        let (chain_cte, audit_insert) = crate::audit::append_sql(18, 30 + units, only_if);
        let report = if report_rows.is_empty() {
            String::new()
        } else {
            let upsert =
                crate::report_daily::add_rows_sql(18, 39 + units, report_rows.len(), Some(only_if));
            format!(", r AS ({upsert})")
        };
        format!(
            "WITH f AS ({}){}, {chain_cte}, a AS ({audit_insert}){report} SELECT id FROM f",
            update_file_sql!(),
            change_ctes(18, 21, units)
        )
    } else {
        update_file_sql!().to_owned()
    };
    let query = bind_state!(sqlx::query_as(&sql), s)
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .bind(expected_version);
    let updated: Option<(i64,)> = if postgres {
        let query = crate::audit::bind_entry(bind_change(query, change, now), audit);
        crate::report_daily::bind_rows(query, report_rows)
            .fetch_optional(&mut *conn)
            .await?
    } else {
        query.fetch_optional(&mut *conn).await?
    };
    if updated.is_none() {
        return Err(StoreError::Stale);
    }
    if !postgres {
        write_change(conn, tenant_id, id, change, now).await?;
        crate::audit::append(conn, tenant_id, audit).await?;
        crate::report_daily::add_rows(conn, tenant_id, report_rows).await?;
    }
    Ok(())
}

pub async fn file_by_id(conn: &mut Conn, tenant_id: i64, id: i64) -> Result<Option<FileRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        file_columns!(),
        " FROM files WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn file_by_code(conn: &mut Conn, tenant_id: i64, code: &str) -> Result<Option<FileRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        file_columns!(),
        " FROM files WHERE tenant_id = $1 AND code = $2"
    ))
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

/// What the public lookup needs, read in one statement: the failed attempts against the code
/// since a moment (counted whether or not a file has the code, so the answer cannot tell), and
/// the file with that code, its procedure's name and its evaluation, if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LookupRow {
    pub failures: i64,
    pub id: Option<i64>,
    pub lookup_pin_hash: Option<String>,
    pub applicant_phone: Option<String>,
    pub received_at: Option<i64>,
    pub appointment_date: Option<String>,
    pub record_json: Option<String>,
    pub procedure_name: Option<String>,
    pub evaluation_scores_json: Option<String>,
    pub evaluation_total: Option<i64>,
    pub evaluation_scored_max: Option<i64>,
}

/// The failed attempts are the rows of `login_failures` under `failure_subject`, as
/// [`crate::sessions::login_failures_since`] counts them.
pub async fn lookup_by_code(
    conn: &mut Conn,
    tenant_id: i64,
    code: &str,
    failure_subject: &str,
    failures_since: i64,
) -> Result<LookupRow> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM login_failures
                  WHERE tenant_id = $1 AND subject = $3 AND at > $4) AS failures,
                f.id, f.lookup_pin_hash, f.applicant_phone, f.received_at, f.appointment_date,
                f.record_json, p.name AS procedure_name, e.scores_json AS evaluation_scores_json,
                e.total AS evaluation_total, e.scored_max AS evaluation_scored_max
         FROM (SELECT 1 AS one) AS one
         LEFT JOIN files f ON f.tenant_id = $1 AND f.code = $2
         LEFT JOIN procedures p ON p.tenant_id = f.tenant_id AND p.id = f.procedure_id
         LEFT JOIN file_evaluations e ON e.tenant_id = f.tenant_id AND e.file_id = f.id",
    )
    .bind(tenant_id)
    .bind(code)
    .bind(failure_subject)
    .bind(failures_since)
    .fetch_one(conn)
    .await?)
}

/// Gives a file its code and the hash of its lookup PIN (at receipt).
pub async fn set_code(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    code: &str,
    pin_hash: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE files SET code = $1, lookup_pin_hash = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(code)
    .bind(pin_hash)
    .bind(tenant_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The end of an intake, after its code's running number was taken: the file's code and
/// lookup PIN hash (a received file; none for an online submission), its audit record and the
/// rows it adds to the report aggregates (in key order). One statement on PostgreSQL, one per
/// part on SQLite; the audit chain head and the aggregate rows stay locked until commit.
pub async fn finish_intake(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
    code_and_pin_hash: Option<(&str, &str)>,
    audit: &crate::audit::Entry<'_>,
    report_rows: &[crate::report_daily::DailyRow],
) -> Result<()> {
    if !is_postgres(conn) {
        if let Some((code, pin_hash)) = code_and_pin_hash {
            set_code(conn, tenant_id, id, code, pin_hash).await?;
        }
        crate::audit::append(conn, tenant_id, audit).await?;
        return crate::report_daily::add_rows(conn, tenant_id, report_rows).await;
    }
    let mut ctes = Vec::new();
    let mut next = 2;
    if code_and_pin_hash.is_some() {
        ctes.push(
            "s AS (UPDATE files SET code = $2, lookup_pin_hash = $3 WHERE tenant_id = $1 AND id = $4)"
                .to_owned(),
        );
        next = 5;
    }
    let (chain_cte, audit_insert) = crate::audit::append_sql(1, next, "TRUE");
    ctes.push(chain_cte);
    ctes.push(format!("a AS ({audit_insert})"));
    if !report_rows.is_empty() {
        let upsert =
            crate::report_daily::add_rows_sql(1, next + 9, report_rows.len(), Some("TRUE"));
        ctes.push(format!("r AS ({upsert})"));
    }
    let sql = format!("WITH {} SELECT CAST(1 AS BIGINT)", ctes.join(", "));
    let mut query = sqlx::query_as::<_, (i64,)>(&sql).bind(tenant_id);
    if let Some((code, pin_hash)) = code_and_pin_hash {
        query = query.bind(code).bind(pin_hash).bind(id);
    }
    let query = crate::audit::bind_entry(query, audit);
    crate::report_daily::bind_rows(query, report_rows)
        .fetch_one(&mut *conn)
        .await?;
    Ok(())
}

/// Replaces the lookup PIN (a new receipt was printed).
pub async fn set_pin_hash(conn: &mut Conn, tenant_id: i64, id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE files SET lookup_pin_hash = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(hash)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that a unit has taken part in a file (once per unit).
pub async fn link_unit(conn: &mut Conn, tenant_id: i64, file_id: i64, unit_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO file_units (tenant_id, file_id, unit_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(tenant_id)
        .bind(file_id)
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The units that took part in a file (id and materialised path), for scope checks.
pub async fn units_of(conn: &mut Conn, tenant_id: i64, file_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.path FROM file_units fu JOIN units u ON u.tenant_id = fu.tenant_id AND u.id = fu.unit_id
         WHERE fu.tenant_id = $1 AND fu.file_id = $2",
    )
    .bind(tenant_id)
    .bind(file_id)
    .fetch_all(conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct FileUnitRow {
    #[sqlx(flatten)]
    file: FileRow,
    unit_id: Option<i64>,
    unit_path: Option<String>,
}

/// A file's row with the units that took part in it (id and materialised path, as
/// [`units_of`]), in one statement: a workflow action needs both before it changes anything.
pub async fn file_with_units(
    conn: &mut Conn,
    tenant_id: i64,
    id: i64,
) -> Result<Option<(FileRow, Vec<(i64, String)>)>> {
    let rows: Vec<FileUnitRow> = sqlx::query_as(concat!(
        "SELECT f.*, u.id AS unit_id, u.path AS unit_path FROM (SELECT ",
        file_columns!(),
        " FROM files WHERE tenant_id = $1 AND id = $2) AS f
         LEFT JOIN file_units fu ON fu.tenant_id = $1 AND fu.file_id = f.id
         LEFT JOIN units u ON u.tenant_id = fu.tenant_id AND u.id = fu.unit_id"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_all(conn)
    .await?;
    let units = rows
        .iter()
        .filter_map(|r| r.unit_id.zip(r.unit_path.clone()))
        .collect();
    Ok(rows.into_iter().next().map(|r| (r.file, units)))
}

/// Materialised paths of the units that took part in a file, for scope checks.
pub async fn unit_paths(conn: &mut Conn, tenant_id: i64, file_id: i64) -> Result<Vec<String>> {
    let units = units_of(conn, tenant_id, file_id).await?;
    Ok(units.into_iter().map(|(_, path)| path).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub event_json: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    seq: i64,
    at: i64,
    actor_id: Option<i64>,
    action: &str,
    from_state: Option<&str>,
    to_state: &str,
    event_json: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO file_events (tenant_id, file_id, seq, at, actor_id, action, from_state, to_state, event_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant_id)
    .bind(file_id)
    .bind(seq)
    .bind(at)
    .bind(actor_id)
    .bind(action)
    .bind(from_state)
    .bind(to_state)
    .bind(event_json)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events(conn: &mut Conn, tenant_id: i64, file_id: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT seq, at, actor_id, action, from_state, to_state, event_json FROM file_events
         WHERE tenant_id = $1 AND file_id = $2 ORDER BY seq",
    )
    .bind(tenant_id)
    .bind(file_id)
    .fetch_all(conn)
    .await?)
}

/// One line of a work list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub channel: String,
    pub state: String,
    pub current_unit_code: String,
    pub assignee_id: Option<i64>,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub version: i64,
    /// When the apology letter was issued, if it was.
    pub apology_at: Option<i64>,
}

/// Work-list filters. Empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Files currently at a unit whose path starts with this.
    pub unit_path_prefix: String,
    pub states: Vec<String>,
    pub assignee_id: Option<i64>,
    /// Only files due before this instant (overdue or due soon).
    pub due_before: Option<i64>,
    /// Only files whose appointment (ngày hẹn trả) is this date, `YYYY-MM-DD`.
    pub appointment_on: Option<String>,
}

/// At most this many states in one filter.
pub const MAX_QUEUE_STATES: usize = 8;

/// The columns of a work-list row, with the joins they need.
macro_rules! queue_select {
    () => {
        "SELECT f.id, f.code, p.code AS procedure_code, p.name AS procedure_name, f.applicant_name, f.channel,
                f.state, u.code AS current_unit_code, f.assignee_id, f.received_at, f.due_at, f.version,
                f.apology_at
         FROM files f
         JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         JOIN procedures p ON p.tenant_id = f.tenant_id AND p.id = f.procedure_id "
    };
}

macro_rules! queue_where {
    () => {
        "WHERE f.tenant_id = $1 AND u.path LIKE $2 || '%'
           AND ($3 = '' OR f.state IN ($3, $4, $5, $6, $7, $8, $9, $10))
           AND ($11 = 0 OR f.assignee_id = $12)
           AND ($13 = 0 OR f.due_at < $14)
           AND ($15 = '' OR f.appointment_date = $15) "
    };
}

fn bind_queue<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    tenant_id: i64,
    filter: &'q QueueFilter,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    query = query.bind(tenant_id).bind(filter.unit_path_prefix.as_str());
    let first = filter.states.first().map_or("", String::as_str);
    for i in 0..MAX_QUEUE_STATES {
        query = query.bind(filter.states.get(i).map_or(first, String::as_str));
    }
    query
        .bind(i64::from(filter.assignee_id.is_some()))
        .bind(filter.assignee_id.unwrap_or(0))
        .bind(i64::from(filter.due_before.is_some()))
        .bind(filter.due_before.unwrap_or(0))
        .bind(filter.appointment_on.as_deref().unwrap_or(""))
}

pub async fn queue(
    conn: &mut Conn,
    tenant_id: i64,
    filter: &QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueRow>> {
    let query = sqlx::query_as(concat!(
        queue_select!(),
        queue_where!(),
        "ORDER BY f.due_at IS NULL, f.due_at, f.id LIMIT $16 OFFSET $17"
    ));
    Ok(bind_queue(query, tenant_id, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

pub async fn queue_count(conn: &mut Conn, tenant_id: i64, filter: &QueueFilter) -> Result<i64> {
    let query = sqlx::query_as(concat!(
        "SELECT COUNT(*) FROM files f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id ",
        queue_where!()
    ));
    let (n,): (i64,) = bind_queue(query, tenant_id, filter).fetch_one(conn).await?;
    Ok(n)
}

/// Files per state at a unit and its sub-units.
pub async fn counts_by_state(
    conn: &mut Conn,
    tenant_id: i64,
    unit_path_prefix: &str,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT f.state, COUNT(*) FROM files f JOIN units u ON u.tenant_id = f.tenant_id AND u.id = f.current_unit_id
         WHERE f.tenant_id = $1 AND u.path LIKE $2 || '%' GROUP BY f.state ORDER BY f.state",
    )
    .bind(tenant_id)
    .bind(unit_path_prefix)
    .fetch_all(conn)
    .await?)
}

/// An applicant's own files (online submissions and files linked to the account), newest first.
pub async fn files_of_owner(
    conn: &mut Conn,
    tenant_id: i64,
    owner_user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueRow>> {
    Ok(sqlx::query_as(concat!(
        queue_select!(),
        "WHERE f.tenant_id = $1 AND f.owner_user_id = $2
         ORDER BY f.created_at DESC, f.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(tenant_id)
    .bind(owner_user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// A stored evaluation of a file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvaluationRow {
    pub file_id: i64,
    pub set_id: String,
    pub answers_json: String,
    pub scores_json: String,
    pub total: i64,
    pub scored_max: i64,
    pub max_points: i64,
    pub rated_at: i64,
}

pub async fn evaluation(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
) -> Result<Option<EvaluationRow>> {
    Ok(sqlx::query_as(
        "SELECT file_id, set_id, answers_json, scores_json, total, scored_max, max_points, rated_at
         FROM file_evaluations WHERE tenant_id = $1 AND file_id = $2",
    )
    .bind(tenant_id)
    .bind(file_id)
    .fetch_optional(conn)
    .await?)
}

/// Stores a file's evaluation; `false` if the file was already rated (nothing changes).
pub async fn insert_evaluation(
    conn: &mut Conn,
    tenant_id: i64,
    row: &EvaluationRow,
    rated_by: Option<i64>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO file_evaluations (tenant_id, file_id, set_id, answers_json, scores_json, total,
                                       scored_max, max_points, rated_at, rated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tenant_id, file_id) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(row.file_id)
    .bind(&row.set_id)
    .bind(&row.answers_json)
    .bind(&row.scores_json)
    .bind(row.total)
    .bind(row.scored_max)
    .bind(row.max_points)
    .bind(row.rated_at)
    .bind(rated_by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A document attached to a file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub file_id: i64,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: i64,
}

pub async fn insert_attachment(conn: &mut Conn, tenant_id: i64, a: &AttachmentRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO file_attachments (tenant_id, file_id, kind, name, content_type, size_bytes, sha256,
                                       uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(tenant_id)
    .bind(a.file_id)
    .bind(&a.kind)
    .bind(&a.name)
    .bind(&a.content_type)
    .bind(a.size_bytes)
    .bind(&a.sha256)
    .bind(a.uploaded_by)
    .bind(a.uploaded_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

macro_rules! attachment_columns {
    () => {
        "id, file_id, kind, name, content_type, size_bytes, sha256, uploaded_by, uploaded_at"
    };
}

pub async fn attachments(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
) -> Result<Vec<AttachmentRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        attachment_columns!(),
        " FROM file_attachments WHERE tenant_id = $1 AND file_id = $2 ORDER BY id"
    ))
    .bind(tenant_id)
    .bind(file_id)
    .fetch_all(conn)
    .await?)
}

pub async fn attachment(
    conn: &mut Conn,
    tenant_id: i64,
    file_id: i64,
    id: i64,
) -> Result<Option<AttachmentRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        attachment_columns!(),
        " FROM file_attachments WHERE tenant_id = $1 AND file_id = $2 AND id = $3"
    ))
    .bind(tenant_id)
    .bind(file_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
