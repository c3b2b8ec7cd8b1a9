//! Daily flow aggregates of the handling report (`report_daily`, migration 0009): what makes a
//! province-year report cost the same at 10 thousand or 10 million files.
//!
//! Every column of Biểu 06 is a sum of *flows*, each dated by a local day (UTC+7):
//!
//! - on the day a file is received: `received_online` / `received_counter` / `received_post`;
//! - on the day it closes (`COALESCE(finished_at, ended_at)`): `closed`, and for a finished file
//!   `resolved_early|on_time|late` (judged on `legal_due_at`, as `reports::handling`), `refused`,
//!   `late_with_apology`; for an ended one `withdrawn`; for both `supplement_requests` and
//!   `repeated_supplements`;
//! - on the day of its apology: `apologies`;
//! - `open_due`, keyed by the file's due day: +1 on the receipt day and −1 on the close day,
//!   for a file not waiting for a supplement now, with a due moment, that was not closed by
//!   the end of its due day (otherwise it can never be open and overdue at a period's end).
//!
//! A period `[from, to]` (days `sd..ed`, `ed` exclusive) then reads the rows with `day < ed`:
//! new = Σ received with `day ≥ sd`; carried over = Σ received − Σ closed with `day < sd`;
//! resolved = Σ (closed − withdrawn), withdrawn, apologies… with `day ≥ sd`; pending =
//! received − Σ closed with `day ≥ sd`; overdue at the end = Σ `open_due` with `due_day < ed`
//! (a file counts iff received before the end, not closed by it, due before it). When the
//! period is not over, open files are judged *now*: the days before today come from the
//! aggregates and the files due earlier today are counted directly.
//!
//! Maintenance: [`file_contribution`] computes what one file adds (the rows the SQL of
//! [`rebuild`] gives for it) from its columns and units; a change computes it before and after
//! and [`difference`] gives the rows [`add_rows`] upserts in key order (so concurrent changes lock
//! rows in the same order).
//! Bulk loads add whole batches with [`add_files`] or [`rebuild`] a tenant afterwards.
//! `reports::handling` (the direct query over `files`) stays the reference: tests and
//! `motcua report verify` compare the two.

use crate::reports::{FigureRow, Grouping, HandlingQuery};
use crate::{Conn, Result};

/// The key of an aggregate row (after the tenant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub scope_kind: i64,
    pub unit_id: i64,
    /// 0: `day` is a day number; 1: `day` is a bucket of [`BUCKET_DAYS`] days.
    pub grain: i64,
    pub day: i64,
    pub field_id: i64,
    pub procedure_id: i64,
}

pub const COLUMNS: [&str; 15] = [
    "received_online",
    "received_counter",
    "received_post",
    "closed",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "withdrawn",
    "apologies",
    "late_with_apology",
    "supplement_requests",
    "repeated_supplements",
    "fell_due",
    "closed_after_due",
];

/// One aggregate row: its key and the 14 flows in the order of [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRow {
    pub key: Key,
    pub values: [i64; 15],
}

#[derive(sqlx::FromRow)]
struct RawRow {
    scope_kind: i64,
    unit_id: i64,
    grain: i64,
    day: i64,
    field_id: i64,
    procedure_id: i64,
    received_online: i64,
    received_counter: i64,
    received_post: i64,
    closed: i64,
    resolved_early: i64,
    resolved_on_time: i64,
    resolved_late: i64,
    refused: i64,
    withdrawn: i64,
    apologies: i64,
    late_with_apology: i64,
    supplement_requests: i64,
    repeated_supplements: i64,
    fell_due: i64,
    closed_after_due: i64,
}

impl From<RawRow> for DailyRow {
    fn from(r: RawRow) -> DailyRow {
        DailyRow {
            key: Key {
                scope_kind: r.scope_kind,
                unit_id: r.unit_id,
                grain: r.grain,
                day: r.day,
                field_id: r.field_id,
                procedure_id: r.procedure_id,
            },
            values: [
                r.received_online,
                r.received_counter,
                r.received_post,
                r.closed,
                r.resolved_early,
                r.resolved_on_time,
                r.resolved_late,
                r.refused,
                r.withdrawn,
                r.apologies,
                r.late_with_apology,
                r.supplement_requests,
                r.repeated_supplements,
                r.fell_due,
                r.closed_after_due,
            ],
        }
    }
}

/// The flows of the files `fs` (a CTE the caller puts first), grouped by key. `{files}` is
/// replaced by the condition choosing the files (after `f.tenant_id = $1`).
const FLOWS: &str = "
fs AS (
    SELECT f.id, f.field_id, f.procedure_id, f.channel, f.state, f.received_at, f.due_at,
           f.legal_due_at, f.finished_at, f.ended_at, COALESCE(f.finished_at, f.ended_at) AS closed_at,
           f.apology_at, f.supplement_count
    FROM files f WHERE f.tenant_id = $1 AND f.received_at IS NOT NULL {files}
),
sc AS (
    SELECT fs.id AS file_id, 0 AS scope_kind, 0 AS unit_id FROM fs
    UNION ALL
    SELECT fu.file_id, 1, fu.unit_id FROM file_units fu JOIN fs ON fs.id = fu.file_id
    WHERE fu.tenant_id = $1
    UNION ALL
    SELECT DISTINCT fu.file_id, 2, a.id FROM file_units fu JOIN fs ON fs.id = fu.file_id
        JOIN units u ON u.tenant_id = fu.tenant_id AND u.id = fu.unit_id
        JOIN units a ON a.tenant_id = u.tenant_id AND u.path LIKE a.path || '%'
    WHERE fu.tenant_id = $1
),
g AS (SELECT 0 AS grain UNION ALL SELECT 1),
fl AS (
    SELECT id, field_id, procedure_id, (received_at + 25200) / 86400 AS day,
        CASE WHEN channel = 'online' THEN 1 ELSE 0 END AS received_online,
        CASE WHEN channel = 'counter' THEN 1 ELSE 0 END AS received_counter,
        CASE WHEN channel = 'post' THEN 1 ELSE 0 END AS received_post,
        0 AS closed, 0 AS resolved_early, 0 AS resolved_on_time, 0 AS resolved_late, 0 AS refused,
        0 AS withdrawn, 0 AS apologies, 0 AS late_with_apology, CAST(0 AS BIGINT) AS supplement_requests,
        0 AS repeated_supplements, 0 AS fell_due, 0 AS closed_after_due
    FROM fs
    UNION ALL
    SELECT id, field_id, procedure_id, (closed_at + 25200) / 86400, 0, 0, 0, 1,
        CASE WHEN finished_at IS NOT NULL AND finished_at <= legal_due_at
            AND (finished_at + 25200) / 86400 < (legal_due_at + 25200) / 86400 THEN 1 ELSE 0 END,
        CASE WHEN finished_at IS NOT NULL AND finished_at <= legal_due_at
            AND (finished_at + 25200) / 86400 = (legal_due_at + 25200) / 86400 THEN 1 ELSE 0 END,
        CASE WHEN finished_at IS NOT NULL AND NOT (finished_at <= legal_due_at) THEN 1 ELSE 0 END,
        CASE WHEN finished_at IS NOT NULL AND state = 'refused' THEN 1 ELSE 0 END,
        CASE WHEN finished_at IS NULL THEN 1 ELSE 0 END,
        0,
        CASE WHEN finished_at IS NOT NULL AND NOT (finished_at <= legal_due_at)
            AND apology_at IS NOT NULL THEN 1 ELSE 0 END,
        supplement_count,
        CASE WHEN supplement_count > 1 THEN 1 ELSE 0 END,
        0, 0
    FROM fs WHERE closed_at IS NOT NULL
    UNION ALL
    SELECT id, field_id, procedure_id, (apology_at + 25200) / 86400, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 0, 0, 0, 0, 0
    FROM fs WHERE apology_at IS NOT NULL
    UNION ALL
    SELECT id, field_id, procedure_id, (due_at + 25200) / 86400,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
    FROM fs WHERE state <> 'awaiting_supplement' AND due_at IS NOT NULL
        AND (closed_at IS NULL OR (closed_at + 25200) / 86400 > (due_at + 25200) / 86400)
    UNION ALL
    SELECT id, field_id, procedure_id, (closed_at + 25200) / 86400,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    FROM fs WHERE state <> 'awaiting_supplement' AND due_at IS NOT NULL
        AND closed_at IS NOT NULL AND (closed_at + 25200) / 86400 > (due_at + 25200) / 86400
)
SELECT CAST(sc.scope_kind AS BIGINT) AS scope_kind, CAST(sc.unit_id AS BIGINT) AS unit_id,
    CAST(g.grain AS BIGINT) AS grain,
    CAST(CASE WHEN g.grain = 1 THEN fl.day / 32 ELSE fl.day END AS BIGINT) AS day,
    CAST(fl.field_id AS BIGINT) AS field_id, CAST(fl.procedure_id AS BIGINT) AS procedure_id,
    CAST(SUM(fl.received_online) AS BIGINT) AS received_online,
    CAST(SUM(fl.received_counter) AS BIGINT) AS received_counter,
    CAST(SUM(fl.received_post) AS BIGINT) AS received_post,
    CAST(SUM(fl.closed) AS BIGINT) AS closed,
    CAST(SUM(fl.resolved_early) AS BIGINT) AS resolved_early,
    CAST(SUM(fl.resolved_on_time) AS BIGINT) AS resolved_on_time,
    CAST(SUM(fl.resolved_late) AS BIGINT) AS resolved_late,
    CAST(SUM(fl.refused) AS BIGINT) AS refused,
    CAST(SUM(fl.withdrawn) AS BIGINT) AS withdrawn,
    CAST(SUM(fl.apologies) AS BIGINT) AS apologies,
    CAST(SUM(fl.late_with_apology) AS BIGINT) AS late_with_apology,
    CAST(SUM(fl.supplement_requests) AS BIGINT) AS supplement_requests,
    CAST(SUM(fl.repeated_supplements) AS BIGINT) AS repeated_supplements,
    CAST(SUM(fl.fell_due) AS BIGINT) AS fell_due,
    CAST(SUM(fl.closed_after_due) AS BIGINT) AS closed_after_due
FROM fl JOIN sc ON sc.file_id = fl.id CROSS JOIN g
WHERE 1 = 1
GROUP BY sc.scope_kind, sc.unit_id, g.grain, CASE WHEN g.grain = 1 THEN fl.day / 32 ELSE fl.day END,
    fl.field_id, fl.procedure_id
ORDER BY 1, 2, 3, 4, 5, 6";

fn flows(files: &str) -> String {
    format!("WITH {}", FLOWS.replace("{files}", files))
}

/// What one file contributes to the aggregates: the rows [`FLOWS`] gives for it, computed
/// here from its columns and the units it took part in (id and materialised path, whose
/// segments are the ids of the unit and its ancestors). Empty if it was never received.
/// `report_aggregates` and `motcua report verify` compare what this maintains with a recount
/// by the SQL.
pub fn file_contribution(
    field_id: i64,
    procedure_id: i64,
    channel: &str,
    s: &crate::files::FileState<'_>,
    units: &[(i64, String)],
) -> Vec<DailyRow> {
    let Some(received_at) = s.received_at else {
        return Vec::new();
    };
    let day = |t: i64| (t + 25_200) / 86_400;
    let closed_at = s.finished_at.or(s.ended_at);
    let refused = s.state == "refused";
    let waiting = s.state == "awaiting_supplement";
    let one = |b: bool| i64::from(b);
    // (day, flows in the order of COLUMNS)
    let mut flows: Vec<(i64, [i64; 15])> = Vec::with_capacity(5);
    let mut receipt = [0; 15];
    receipt[0] = one(channel == "online");
    receipt[1] = one(channel == "counter");
    receipt[2] = one(channel == "post");
    flows.push((day(received_at), receipt));
    if let Some(closed) = closed_at {
        let mut c = [0; 15];
        c[3] = 1;
        if let Some(fin) = s.finished_at {
            // SQL: a comparison with a missing legal due moment is unknown, so neither holds.
            let in_time = s.legal_due_at.map(|due| fin <= due);
            let due_day = s.legal_due_at.map(day);
            c[4] = one(in_time == Some(true) && Some(day(fin)) < due_day);
            c[5] = one(in_time == Some(true) && Some(day(fin)) == due_day);
            c[6] = one(in_time == Some(false));
            c[7] = one(refused);
            c[10] = one(in_time == Some(false) && s.apology_at.is_some());
        } else {
            c[8] = 1;
        }
        c[11] = s.supplement_count;
        c[12] = one(s.supplement_count > 1);
        flows.push((day(closed), c));
    }
    if let Some(apology) = s.apology_at {
        let mut a = [0; 15];
        a[9] = 1;
        flows.push((day(apology), a));
    }
    if let (false, Some(due)) = (waiting, s.due_at) {
        let closed_after_due = closed_at.filter(|c| day(*c) > day(due));
        if closed_at.is_none() || closed_after_due.is_some() {
            let mut f = [0; 15];
            f[13] = 1;
            flows.push((day(due), f));
        }
        if let Some(closed) = closed_after_due {
            let mut f = [0; 15];
            f[14] = 1;
            flows.push((day(closed), f));
        }
    }
    let mut scopes: Vec<(i64, i64)> = vec![(0, 0)];
    scopes.extend(units.iter().map(|(id, _)| (1, *id)));
    let mut subtrees: Vec<i64> = units
        .iter()
        .flat_map(|(_, path)| path.split('/').filter_map(|seg| seg.parse().ok()))
        .collect();
    subtrees.sort_unstable();
    subtrees.dedup();
    scopes.extend(subtrees.into_iter().map(|id| (2, id)));
    let mut rows: std::collections::BTreeMap<Key, [i64; 15]> = Default::default();
    for (scope_kind, unit_id) in scopes {
        for grain in [0, 1] {
            for (d, values) in &flows {
                let key = Key {
                    scope_kind,
                    unit_id,
                    grain,
                    day: if grain == 1 { d / BUCKET_DAYS } else { *d },
                    field_id,
                    procedure_id,
                };
                let sums = rows.entry(key).or_insert([0; 15]);
                for (sum, v) in sums.iter_mut().zip(values) {
                    *sum += v;
                }
            }
        }
    }
    rows.into_iter()
        .map(|(key, values)| DailyRow { key, values })
        .collect()
}

/// Adds `rows` (in key order, as [`difference`] gives them) to the aggregates.
pub async fn add_rows(conn: &mut Conn, tenant_id: i64, rows: &[DailyRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = add_rows_sql(1, 2, rows.len(), None);
    bind_rows(sqlx::query_as::<_, (i64,)>(&sql).bind(tenant_id), rows)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(())
}

/// The upsert of `n` rows (parameters from `first`, key then values of each row; the tenant's
/// is `tenant`), in the order given. With `only_if` (PostgreSQL, inside a data-modifying CTE)
/// the rows are written only if that condition holds.
pub(crate) fn add_rows_sql(tenant: usize, first: usize, n: usize, only_if: Option<&str>) -> String {
    let per_row = 6 + COLUMNS.len();
    let values: Vec<String> = (0..n)
        .map(|r| {
            let params: Vec<String> = (0..per_row)
                .map(|i| format!("${}", first + r * per_row + i))
                .collect();
            format!("(${tenant}, {})", params.join(", "))
        })
        .collect();
    let cols = COLUMNS.join(", ");
    let rows = match only_if {
        None => format!("VALUES {}", values.join(", ")),
        Some(cond) => format!(
            "SELECT * FROM (VALUES {}) AS v (tenant_id, {KEY_COLUMNS}, {cols}) WHERE {cond}",
            values.join(", ")
        ),
    };
    format!(
        "INSERT INTO report_daily (tenant_id, {KEY_COLUMNS}, {cols}) {rows}{conflict}",
        conflict = on_conflict_add()
    )
}

/// Binds the rows of [`add_rows_sql`], in its order.
pub(crate) fn bind_rows<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    rows: &'q [DailyRow],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for r in rows {
        query = query
            .bind(r.key.scope_kind)
            .bind(r.key.unit_id)
            .bind(r.key.grain)
            .bind(r.key.day)
            .bind(r.key.field_id)
            .bind(r.key.procedure_id);
        for v in r.values {
            query = query.bind(v);
        }
    }
    query
}

/// `after − before`, by key in key order, without the rows whose difference is zero.
pub fn difference(before: &[DailyRow], after: &[DailyRow]) -> Vec<DailyRow> {
    let mut rows: std::collections::BTreeMap<Key, [i64; 15]> = Default::default();
    for (sign, side) in [(1, after), (-1, before)] {
        for r in side {
            let sums = rows.entry(r.key).or_insert([0; 15]);
            for (sum, v) in sums.iter_mut().zip(r.values) {
                *sum += sign * v;
            }
        }
    }
    rows.into_iter()
        .filter(|(_, values)| values.iter().any(|v| *v != 0))
        .map(|(key, values)| DailyRow { key, values })
        .collect()
}

const KEY_COLUMNS: &str = "scope_kind, unit_id, grain, day, field_id, procedure_id";

fn on_conflict_add() -> String {
    let sets: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("{c} = report_daily.{c} + excluded.{c}"))
        .collect();
    format!(
        " ON CONFLICT (tenant_id, scope_kind, unit_id, grain, day, field_id, procedure_id) DO UPDATE SET {}",
        sets.join(", ")
    )
}

fn insert_select(files: &str) -> String {
    format!(
        "INSERT INTO report_daily (tenant_id, scope_kind, unit_id, grain, day, field_id, procedure_id, {cols})
         SELECT $1, scope_kind, unit_id, grain, day, field_id, procedure_id, {cols} FROM ({flows}) AS x
         WHERE 1 = 1{conflict}",
        cols = COLUMNS.join(", "),
        flows = flows(files),
        conflict = on_conflict_add()
    )
}

/// Adds the whole contribution of newly inserted files (a bulk import batch), set-based.
pub async fn add_files(conn: &mut Conn, tenant_id: i64, file_ids: &[i64]) -> Result<()> {
    for chunk in file_ids.chunks(1_000) {
        let params: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = insert_select(&format!("AND f.id IN ({})", params.join(", ")));
        let mut q = sqlx::query(&sql).bind(tenant_id);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Recomputes a tenant's aggregates from its files (after a bulk load, or to repair).
///
/// The files are taken a slice of receipt moments at a time ([`REBUILD_SLICE_SECS`]), each
/// slice's flows added to the rows the earlier slices wrote: one statement over ten million
/// files would sort hundreds of millions of flow rows at once, a slice sorts a month's, and
/// a month's flows land on a few months of days, so the slices' rows barely overlap.
/// Returns the number of rows stored.
pub async fn rebuild(conn: &mut Conn, tenant_id: i64) -> Result<u64> {
    sqlx::query("DELETE FROM report_daily WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    let (first, last): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(received_at), MAX(received_at) FROM files WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(&mut *conn)
            .await?;
    if let (Some(first), Some(last)) = (first, last) {
        let sql = insert_select("AND f.received_at >= $2 AND f.received_at < $3");
        let mut from = first;
        while from <= last {
            sqlx::query(&sql)
                .bind(tenant_id)
                .bind(from)
                .bind(from + REBUILD_SLICE_SECS)
                .execute(&mut *conn)
                .await?;
            from += REBUILD_SLICE_SECS;
        }
    }
    let (rows,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM report_daily WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(rows.try_into().unwrap_or(0))
}

/// The receipt moments a [`rebuild`] statement covers: 31 days.
const REBUILD_SLICE_SECS: i64 = 31 * 86_400;

/// The stored aggregate rows of a tenant that are not all zero, in key order.
pub async fn stored(conn: &mut Conn, tenant_id: i64) -> Result<Vec<DailyRow>> {
    let nonzero: Vec<String> = COLUMNS.iter().map(|c| format!("{c} <> 0")).collect();
    let sql = format!(
        "SELECT scope_kind, unit_id, grain, day, field_id, procedure_id, {} FROM report_daily
         WHERE tenant_id = $1 AND ({}) ORDER BY scope_kind, unit_id, grain, day, field_id, procedure_id",
        COLUMNS.join(", "),
        nonzero.join(" OR ")
    );
    let rows: Vec<RawRow> = sqlx::query_as(&sql).bind(tenant_id).fetch_all(conn).await?;
    Ok(rows.into_iter().map(DailyRow::from).collect())
}

/// The aggregate rows a full recount of a tenant's files gives, in key order.
pub async fn recount(conn: &mut Conn, tenant_id: i64) -> Result<Vec<DailyRow>> {
    let rows: Vec<RawRow> = sqlx::query_as(&flows(""))
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(DailyRow::from)
        .filter(|r| r.values.iter().any(|v| *v != 0))
        .collect())
}

/// The local day number (UTC+7) of an instant; period bounds are local midnights.
pub fn day_of(t: i64) -> i64 {
    (t + 25200).div_euclid(86400)
}

/// Where a report reads its rows: like [`Scope`] but a subtree also names its top unit.
#[derive(Debug, Clone)]
pub enum DailyScope {
    Tenant,
    Subtree { unit_id: i64, path: String },
    Unit(i64),
}

#[derive(sqlx::FromRow)]
struct SumRow {
    key: i64,
    new_online: i64,
    new_counter: i64,
    new_post: i64,
    carried_over: i64,
    closed: i64,
    early: i64,
    on_time: i64,
    late: i64,
    refused: i64,
    withdrawn: i64,
    apologies: i64,
    late_with_apology: i64,
    supplement_requests: i64,
    repeated_supplements: i64,
    overdue: i64,
}

// Each column over the period is B(end) − B(start), B(X) being the sum of the flows on days
// before X: whole buckets before X's bucket (grain 1) plus the days of X's bucket before X
// (grain 0). $2/$3/$4 = the first day, the day after the last, the day open files are judged
// on; $5/$6/$7 = their buckets; $8/$9/$10 = the buckets' first days.
const IN_B_START: &str =
    "((x.grain = 1 AND x.day < $5) OR (x.grain = 0 AND x.day >= $8 AND x.day < $2))";
const IN_B_END: &str =
    "((x.grain = 1 AND x.day < $6) OR (x.grain = 0 AND x.day >= $9 AND x.day < $3))";
const IN_B_JUDGED: &str =
    "((x.grain = 1 AND x.day < $7) OR (x.grain = 0 AND x.day >= $10 AND x.day < $4))";

/// The sums of the period over rows `d` that carry three 0/1 flags (see [`flagged`]): `s`, the
/// row is in B(start); `e`, in B(end); `j`, in B(judged). A flow over the period is
/// Σ (e − s) × flow: rows before the start (most of the history) weigh 0 but for the carried
/// over and the overdue; each flag is decided once per row, not once per column.
fn daily_sums() -> String {
    let mut cols: Vec<String> = [
        ("new_online", "received_online"),
        ("new_counter", "received_counter"),
        ("new_post", "received_post"),
        ("closed", "closed"),
        ("early", "resolved_early"),
        ("on_time", "resolved_on_time"),
        ("late", "resolved_late"),
        ("refused", "refused"),
        ("withdrawn", "withdrawn"),
        ("apologies", "apologies"),
        ("late_with_apology", "late_with_apology"),
        ("supplement_requests", "supplement_requests"),
        ("repeated_supplements", "repeated_supplements"),
    ]
    .iter()
    .map(|(name, x)| format!("CAST(COALESCE(SUM((d.e - d.s) * d.{x}), 0) AS BIGINT) AS {name}"))
    .collect();
    cols.push(
        "CAST(COALESCE(SUM(d.s * (d.received_online + d.received_counter + d.received_post - d.closed)), 0)
            AS BIGINT) AS carried_over"
            .to_owned(),
    );
    // Open at the end and due before the judging day: fell due before it, minus those closed
    // (after their due day) before the end.
    cols.push(
        "CAST(COALESCE(SUM(d.j * d.fell_due), 0) - COALESCE(SUM(d.e * d.closed_after_due), 0)
            AS BIGINT) AS overdue"
            .to_owned(),
    );
    cols.join(",\n    ")
}

/// The rows of `rows` (a subquery over `report_daily`) with the flags [`daily_sums`] reads.
fn flagged(rows: &str) -> String {
    let flag = |range: &str| format!("CASE WHEN {range} THEN 1 ELSE 0 END");
    format!(
        "(SELECT x.*, {} AS s, {} AS e, {} AS j FROM ({rows}) x)",
        flag(IN_B_START),
        flag(IN_B_END),
        flag(IN_B_JUDGED)
    )
}

/// Days in a bucket (grain 1 rows).
pub const BUCKET_DAYS: i64 = 32;

/// `[a, b)` day ranges merged into at most three disjoint ones (padded with empty ranges).
fn disjoint(mut ranges: Vec<(i64, i64)>) -> [(i64, i64); 3] {
    ranges.retain(|(a, b)| a < b);
    ranges.sort();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = [(0, 0); 3];
    for (slot, r) in out.iter_mut().zip(merged) {
        *slot = r;
    }
    out
}

/// The rows of the handling report read from the aggregates; the same rows as
/// [`crate::reports::handling`] with the same query (rows with nothing received are dropped).
pub async fn handling(
    conn: &mut Conn,
    tenant_id: i64,
    scope: &DailyScope,
    q: &HandlingQuery,
) -> Result<Vec<FigureRow>> {
    let start_day = day_of(q.start);
    let end_day = day_of(q.end);
    let judged_day = day_of(q.judged_at).min(end_day);
    // Scope parameters start at $17.
    let (key, mut filter, join) = match (q.grouping, scope) {
        (Grouping::Unit, DailyScope::Tenant) => {
            ("d.unit_id", " AND r.scope_kind = 1".to_owned(), "")
        }
        (Grouping::Unit, DailyScope::Subtree { .. }) => (
            "d.unit_id",
            " AND r.scope_kind = 1".to_owned(),
            " JOIN units u ON u.tenant_id = d.tenant_id AND u.id = d.unit_id AND u.path LIKE $17 || '%'",
        ),
        (grouping, scope) => {
            let key = match grouping {
                Grouping::Field => "d.field_id",
                Grouping::Procedure => "d.procedure_id",
                Grouping::Unit => "d.unit_id",
                Grouping::None => "0",
            };
            let filter = match scope {
                DailyScope::Tenant => " AND r.scope_kind = 0 AND r.unit_id = 0",
                DailyScope::Subtree { .. } => " AND r.scope_kind = 2 AND r.unit_id = $17",
                DailyScope::Unit(_) => " AND r.scope_kind = 1 AND r.unit_id = $17",
            };
            (key, filter.to_owned(), "")
        }
    };
    let field_param = if matches!(scope, DailyScope::Tenant) {
        "$17"
    } else {
        "$18"
    };
    if q.field_id.is_some() {
        filter.push_str(&format!(" AND r.field_id = {field_param}"));
    }
    let group = if q.grouping == Grouping::None {
        String::new()
    } else {
        format!(" GROUP BY {key} ORDER BY {key}")
    };
    // Each range its own index scan: whole buckets, then up to three runs of single days.
    let part = |range: &str| {
        format!("SELECT * FROM report_daily r WHERE r.tenant_id = $1{filter} AND {range}")
    };
    let rows = [
        part("r.grain = 1 AND r.day < $6"),
        part("r.grain = 0 AND r.day >= $11 AND r.day < $12"),
        part("r.grain = 0 AND r.day >= $13 AND r.day < $14"),
        part("r.grain = 0 AND r.day >= $15 AND r.day < $16"),
    ]
    .join(" UNION ALL ");
    let sql = format!(
        "SELECT CAST({key} AS BIGINT) AS key, {sums} FROM {flagged} d{join}{group}",
        sums = daily_sums(),
        flagged = flagged(&rows)
    );
    let bucket = |day: i64| day.div_euclid(BUCKET_DAYS);
    let days = disjoint(vec![
        (bucket(start_day) * BUCKET_DAYS, start_day),
        (bucket(end_day) * BUCKET_DAYS, end_day),
        (bucket(judged_day) * BUCKET_DAYS, judged_day),
    ]);
    let mut query = sqlx::query_as::<_, SumRow>(&sql)
        .bind(tenant_id)
        .bind(start_day)
        .bind(end_day)
        .bind(judged_day)
        .bind(bucket(start_day))
        .bind(bucket(end_day))
        .bind(bucket(judged_day))
        .bind(bucket(start_day) * BUCKET_DAYS)
        .bind(bucket(end_day) * BUCKET_DAYS)
        .bind(bucket(judged_day) * BUCKET_DAYS);
    for (a, b) in days {
        query = query.bind(a).bind(b);
    }
    match scope {
        DailyScope::Tenant => {}
        DailyScope::Subtree { unit_id, path } => {
            query = if q.grouping == Grouping::Unit {
                query.bind(path.clone())
            } else {
                query.bind(*unit_id)
            };
        }
        DailyScope::Unit(id) => query = query.bind(*id),
    }
    if let Some(field) = q.field_id {
        query = query.bind(field);
    }
    let sums: Vec<SumRow> = query.fetch_all(&mut *conn).await?;
    // Open files due earlier today (the period is not over): counted from the files.
    let midnight = judged_day * 86400 - 25200;
    let today: Vec<(i64, i64)> = if q.judged_at > midnight && q.judged_at < q.end {
        crate::reports::overdue_since(conn, tenant_id, q, midnight).await?
    } else {
        Vec::new()
    };
    Ok(sums
        .into_iter()
        .map(|s| {
            let extra = today
                .iter()
                .find(|(k, _)| *k == s.key)
                .map_or(0, |(_, n)| *n);
            let received = s.carried_over + s.new_online + s.new_counter + s.new_post;
            FigureRow {
                key: s.key,
                received,
                new_online: s.new_online,
                new_counter: s.new_counter,
                new_post: s.new_post,
                carried_over: s.carried_over,
                resolved: s.closed - s.withdrawn,
                early: s.early,
                on_time: s.on_time,
                late: s.late,
                refused: s.refused,
                pending: received - s.closed,
                overdue: s.overdue + extra,
                withdrawn: s.withdrawn,
                apologies: s.apologies,
                late_with_apology: s.late_with_apology,
                supplement_requests: s.supplement_requests,
                repeated_supplements: s.repeated_supplements,
            }
        })
        .filter(|r| r.received > 0)
        .collect())
}

/// A locked reporting period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LockedPeriod {
    pub from_date: String,
    pub to_date: String,
    pub locked_at: i64,
    pub locked_by: Option<i64>,
    pub data_version: i64,
    pub figures_json: String,
}

const PERIOD_COLUMNS: &str = "from_date, to_date, locked_at, locked_by, data_version, figures_json";

/// The data version of a tenant: how many file events (changes) have been recorded.
pub async fn data_version(conn: &mut Conn, tenant_id: i64) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM file_events WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// Locked periods overlapping `[from, to]` (dates `YYYY-MM-DD`).
pub async fn overlapping_periods(
    conn: &mut Conn,
    tenant_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<LockedPeriod>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERIOD_COLUMNS} FROM report_periods
         WHERE tenant_id = $1 AND from_date <= $3 AND to_date >= $2 ORDER BY from_date"
    ))
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// The locked period ending on `to` (the one just before a period starting the day after).
pub async fn period_ending(
    conn: &mut Conn,
    tenant_id: i64,
    to: &str,
) -> Result<Option<LockedPeriod>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERIOD_COLUMNS} FROM report_periods WHERE tenant_id = $1 AND to_date = $2
         ORDER BY from_date LIMIT 1"
    ))
    .bind(tenant_id)
    .bind(to)
    .fetch_optional(conn)
    .await?)
}

pub async fn periods(conn: &mut Conn, tenant_id: i64) -> Result<Vec<LockedPeriod>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERIOD_COLUMNS} FROM report_periods WHERE tenant_id = $1 ORDER BY from_date DESC"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn insert_period(conn: &mut Conn, tenant_id: i64, p: &LockedPeriod) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_periods (tenant_id, from_date, to_date, locked_at, locked_by, data_version, figures_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id)
    .bind(&p.from_date)
    .bind(&p.to_date)
    .bind(p.locked_at)
    .bind(p.locked_by)
    .bind(p.data_version)
    .bind(&p.figures_json)
    .execute(conn)
    .await?;
    Ok(())
}
