//! Historical import (`motcua import files PATH.csv`): files migrated from an older system
//! become first-class files — state, deadline, timeliness, history entry, unit link — built by
//! the domain's [`motcua_domain::file::import`], then written with multi-row INSERTs in
//! transactions of [`BATCH_ROWS`] rows, each with one audit record. Reading and validating
//! (this task) overlaps with writing (a second task).
//!
//! A row is imported whole or not at all: a row with an error is reported with its line number
//! and nothing of it is written; a code already stored is skipped (so a rerun imports nothing
//! twice). Imported files send no notifications: the applicants were told long ago.

use super::csv::{CsvError, CsvReader};
use super::intake::channel_str;
use crate::audit::{self, Change};
use crate::calendar::{self, utc7};
use crate::{App, AppError, Result};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use jiff::Timestamp;
use jiff::civil::Date;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::calendar::deadline::Channel;
use motcua_domain::catalogue::{ProcessingTime, TimeUnit};
use motcua_domain::file::{
    ActionContext, CodeRequest, HistoricalFile, HistoricalOutcome, ProcedureTerms, file_code,
    import,
};
use motcua_domain::rules::RuleSet;
use motcua_store::file_import::{self as store, ImportedFile};
use motcua_store::units::Unit;
use motcua_store::{commit, files};
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

/// The CSV columns, in the order the header usually has them (any order is accepted).
pub const COLUMNS: [&str; 10] = [
    "code",
    "procedure_code",
    "unit_code",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "outcome",
    "apology_at",
];

/// Rows per transaction: large enough for multi-row INSERTs to pay off, small enough that a
/// transaction holds its locks for well under a second.
pub const BATCH_ROWS: usize = 5_000;

/// Longest file code accepted.
const MAX_CODE_CHARS: usize = 64;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: u64,
    pub rejected: u64,
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: usize,
    pub message: String,
}

struct ProcedureInfo {
    id: i64,
    field_id: i64,
    terms: ProcedureTerms,
}

struct UnitCalendar {
    hash: String,
    calendar: Arc<WorkingCalendar>,
}

/// One validated row on its way to the writer.
struct Prepared {
    line: usize,
    file: ImportedFile,
    /// The daily running number the code carries, if it is in this system's own format.
    sequence: Option<(String, i64)>,
}

struct Batch {
    rows: Vec<Prepared>,
    /// Calendar configurations first used by this batch's rows: `(hash, json)`.
    snapshots: Vec<(String, String)>,
}

/// Reads `input` (CSV with a header row) and imports its files into tenant `tenant_id`.
/// `source` names the input in the audit trail. Each rejected row is passed to `on_reject`
/// as soon as it is found. Fails without importing anything on an unusable header; fails
/// midway only on a database error, with every batch before it committed whole.
pub async fn import_files<R: BufRead>(
    app: &App,
    tenant_id: i64,
    source: &str,
    input: R,
    on_reject: &mut dyn FnMut(&RejectedRow),
) -> Result<ImportReport> {
    let mut reader = CsvReader::new(input);
    let header = match reader.next_record() {
        None => return Err(AppError::invalid("header", "the file is empty")),
        Some(Err(e)) => return Err(AppError::invalid("header", e.message)),
        Some(Ok(h)) => h,
    };
    let columns = header_columns(&header.fields)?;
    let width = header.fields.len();

    let mut conn = app.db.read_conn().await?;
    let units: HashMap<String, Unit> = motcua_store::units::list(&mut conn, tenant_id)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let mut procedures = HashMap::new();
    for (id, code, field_id, value, unit) in store::procedure_terms(&mut conn, tenant_id).await? {
        let Some(unit) = TimeUnit::parse(&unit) else {
            continue;
        };
        let time = ProcessingTime {
            value: u32::try_from(value).unwrap_or(0),
            unit,
        };
        let terms = ProcedureTerms::new(time.into());
        procedures.insert(
            code,
            ProcedureInfo {
                id,
                field_id,
                terms,
            },
        );
    }
    drop(conn);

    let now = Timestamp::from_second(app.now().as_second()).unwrap_or_else(|_| app.now());
    let run = format!("{}-{:08x}", now.as_second(), OsRng.next_u32());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let writer = {
        let app = app.clone();
        let source = source.to_owned();
        tokio::spawn(async move {
            let mut totals = (0_u64, 0_u64);
            let mut number = 0_u64;
            while let Some(batch) = rx.recv().await {
                number += 1;
                let (imported, skipped) =
                    write_batch(&app, tenant_id, now, &run, &source, number, batch).await?;
                totals.0 += imported;
                totals.1 += skipped;
            }
            Ok::<_, AppError>(totals)
        })
    };

    let mut calendars: HashMap<i64, UnitCalendar> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rejected = 0_u64;
    let mut batch = Batch {
        rows: Vec::with_capacity(BATCH_ROWS),
        snapshots: Vec::new(),
    };
    let mut writer_gone = false;
    while let Some(record) = reader.next_record() {
        let outcome = match record {
            Err(CsvError { line: 0, message }) => {
                drop(tx);
                let _ = writer.await;
                return Err(AppError::invalid("file", message));
            }
            Err(e) => Err((e.line, e.message)),
            Ok(r) if r.fields.len() != width => Err((
                r.line,
                format!("{} fields where the header has {width}", r.fields.len()),
            )),
            Ok(r) => {
                let row = Row::new(&r.fields, &columns);
                prepare(
                    app,
                    tenant_id,
                    now,
                    &row,
                    &units,
                    &procedures,
                    &mut calendars,
                    &mut batch.snapshots,
                )
                .await
                .and_then(|p| {
                    // A code twice in one file: the first occurrence wins, the later is an error.
                    match seen.get(&p.file.code) {
                        Some(first) => Err(format!(
                            "code {} already appears on line {first}",
                            p.file.code
                        )),
                        None => Ok(p),
                    }
                })
                .map(|mut p| {
                    p.line = r.line;
                    p
                })
                .map_err(|m| (r.line, m))
                .inspect(|p| {
                    seen.insert(p.file.code.clone(), r.line);
                })
                .inspect_err(|_| {
                    let code = row.get("code");
                    if !code.is_empty() {
                        seen.entry(code.to_owned()).or_insert(r.line);
                    }
                })
            }
        };
        match outcome {
            Ok(prepared) => {
                batch.rows.push(prepared);
                if batch.rows.len() >= BATCH_ROWS {
                    let full = std::mem::replace(
                        &mut batch,
                        Batch {
                            rows: Vec::with_capacity(BATCH_ROWS),
                            snapshots: Vec::new(),
                        },
                    );
                    if tx.send(full).await.is_err() {
                        writer_gone = true;
                        break;
                    }
                }
            }
            Err((line, message)) => {
                rejected += 1;
                on_reject(&RejectedRow { line, message });
            }
        }
    }
    if !writer_gone && !batch.rows.is_empty() {
        let _ = tx.send(batch).await;
    }
    drop(tx);
    let (imported, skipped) = writer
        .await
        .map_err(|e| AppError::Internal(format!("import writer: {e}")))??;
    Ok(ImportReport {
        imported,
        skipped,
        rejected,
    })
}

/// Where each column is in the file; every column must be there, once, and nothing else.
fn header_columns(fields: &[String]) -> Result<[usize; 10]> {
    let names: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
    let expected = COLUMNS.join(",");
    let mut at = [0_usize; 10];
    for (i, column) in COLUMNS.iter().enumerate() {
        let found: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n == column)
            .map(|(j, _)| j)
            .collect();
        match found.as_slice() {
            [j] => at[i] = *j,
            [] => {
                return Err(AppError::invalid(
                    "header",
                    format!("column `{column}` is missing; the header must be {expected}"),
                ));
            }
            _ => {
                return Err(AppError::invalid(
                    "header",
                    format!("column `{column}` appears twice"),
                ));
            }
        }
    }
    if let Some(extra) = names.iter().find(|n| !COLUMNS.contains(&n.as_str())) {
        let shown: String = extra.chars().take(40).collect();
        return Err(AppError::invalid(
            "header",
            format!("unknown column `{shown}`; the header must be {expected}"),
        ));
    }
    Ok(at)
}

/// A data row, read through the header's column positions.
struct Row<'a> {
    fields: &'a [String],
    at: &'a [usize; 10],
}

impl<'a> Row<'a> {
    fn new(fields: &'a [String], at: &'a [usize; 10]) -> Self {
        Row { fields, at }
    }

    /// The trimmed value of column `name` (one of [`COLUMNS`]); empty if blank.
    fn get(&self, name: &str) -> &'a str {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.fields.get(self.at[i]))
            .map_or("", |s| s.trim())
    }
}

fn shown(value: &str) -> String {
    let mut s: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        s.push('…');
    }
    s
}

fn instant(errors: &mut Vec<String>, row: &Row, name: &str) -> Option<Timestamp> {
    let value = row.get(name);
    if value.is_empty() {
        return None;
    }
    match value.parse::<Timestamp>() {
        Ok(t) => Some(t),
        Err(_) => {
            errors.push(format!(
                "{name} `{}` is not an RFC 3339 instant such as 2025-03-02T09:15:00+07:00",
                shown(value)
            ));
            None
        }
    }
}

fn local_date(t: Timestamp) -> Date {
    t.to_zoned(utc7()).date()
}

/// Checks one row and builds its file, or says everything wrong with it.
#[allow(clippy::too_many_arguments)]
async fn prepare(
    app: &App,
    tenant_id: i64,
    now: Timestamp,
    row: &Row<'_>,
    units: &HashMap<String, Unit>,
    procedures: &HashMap<String, ProcedureInfo>,
    calendars: &mut HashMap<i64, UnitCalendar>,
    new_snapshots: &mut Vec<(String, String)>,
) -> std::result::Result<Prepared, String> {
    let mut errors = Vec::new();
    let code = row.get("code");
    if code.is_empty() {
        errors.push("code is empty".to_owned());
    } else if code.chars().count() > MAX_CODE_CHARS || code.chars().any(char::is_control) {
        errors.push(format!(
            "code `{}` is longer than {MAX_CODE_CHARS} characters or has control characters",
            shown(code)
        ));
    }
    let procedure = match row.get("procedure_code") {
        "" => {
            errors.push("procedure_code is empty".to_owned());
            None
        }
        p => procedures.get(p).or_else(|| {
            errors.push(format!("unknown procedure_code `{}`", shown(p)));
            None
        }),
    };
    let unit = match row.get("unit_code") {
        "" => {
            errors.push("unit_code is empty".to_owned());
            None
        }
        u => units.get(u).or_else(|| {
            errors.push(format!("unknown unit_code `{}`", shown(u)));
            None
        }),
    };
    let channel = match row.get("channel") {
        "counter" => Some(Channel::Counter),
        "post" => Some(Channel::Post),
        "online" => Some(Channel::Online),
        other => {
            errors.push(format!(
                "channel `{}` is not counter, post or online",
                shown(other)
            ));
            None
        }
    };
    let received_at = instant(&mut errors, row, "received_at");
    if row.get("received_at").is_empty() {
        errors.push("received_at is empty".to_owned());
    }
    let due_at = instant(&mut errors, row, "due_at");
    let finished_at = instant(&mut errors, row, "finished_at");
    let returned_at = instant(&mut errors, row, "returned_at");
    let apology_at = instant(&mut errors, row, "apology_at");
    let has = |name: &str| !row.get(name).is_empty();
    let outcome = match row.get("outcome") {
        "pending" => {
            if has("finished_at") {
                errors.push("a pending file has no finished_at".to_owned());
            }
            if has("returned_at") {
                errors.push("a pending file has no returned_at".to_owned());
            }
            Some(HistoricalOutcome::Pending)
        }
        o @ ("resolved" | "refused" | "withdrawn") => {
            if !has("finished_at") {
                errors.push(format!("finished_at is required for a {o} file"));
            }
            if o != "resolved" && has("returned_at") {
                errors.push(format!(
                    "returned_at is only for resolved files, not {o} ones"
                ));
            }
            finished_at.map(|finished| match o {
                "resolved" => HistoricalOutcome::Resolved {
                    finished,
                    returned: returned_at,
                },
                "refused" => HistoricalOutcome::Refused { finished },
                _ => HistoricalOutcome::Withdrawn { at: finished },
            })
        }
        other => {
            errors.push(format!(
                "outcome `{}` is not resolved, refused, withdrawn or pending",
                shown(other)
            ));
            None
        }
    };
    if let (Some(unit), Some(received)) = (unit, received_at) {
        let day = local_date(received).to_string();
        if unit.valid_to.as_deref().is_some_and(|to| day.as_str() > to)
            || unit
                .valid_from
                .as_deref()
                .is_some_and(|from| day.as_str() < from)
        {
            errors.push(format!(
                "unit {} did not exist on {day} (valid {} to {})",
                unit.code,
                unit.valid_from.as_deref().unwrap_or("…"),
                unit.valid_to.as_deref().unwrap_or("…")
            ));
        }
    }
    let (Some(procedure), Some(unit), Some(channel), Some(received_at), Some(outcome), true) = (
        procedure,
        unit,
        channel,
        received_at,
        outcome,
        errors.is_empty(),
    ) else {
        return Err(errors.join("; "));
    };

    if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(unit.id) {
        let built = async {
            let config = calendar::config(app, tenant_id, Some(unit)).await?;
            let (hash, json, cal) = calendar::snapshot_and_calendar(app, &config)?;
            Ok::<_, AppError>((hash, json, cal))
        }
        .await
        .map_err(|e| format!("the calendar of unit {}: {e}", unit.code))?;
        new_snapshots.push((built.0.clone(), built.1));
        slot.insert(UnitCalendar {
            hash: built.0,
            calendar: built.2,
        });
    }
    let cal = &calendars[&unit.id];
    let history = HistoricalFile {
        channel,
        terms: &procedure.terms,
        receiving_unit_id: unit.id,
        received_at,
        due_at,
        outcome,
        apology_at,
    };
    let ctx = ActionContext::new(0, now, &cal.calendar);
    let transition = import(&history, RuleSet::builtin(), &ctx).map_err(|e| e.to_string())?;
    let rec = &transition.record;
    let deadline = rec
        .deadline
        .as_ref()
        .ok_or("the imported file has no deadline")?;
    let received = rec.received_at.unwrap_or(received_at);
    let date = local_date(received);
    let rule_set = RuleSet::builtin()
        .iter()
        .find(|r| r.id == rec.rules.rule_version_id)
        .ok_or("unknown rule version")?;
    let sequence = own_sequence(
        code,
        &unit.code,
        date,
        rule_set,
        &app.settings.platform_code,
    )
    .map(|seq| (date.to_string(), seq));
    let secs = |t: Option<Timestamp>| t.map(|t| t.as_second());
    Ok(Prepared {
        line: 0,
        sequence,
        file: ImportedFile {
            code: code.to_owned(),
            procedure_id: procedure.id,
            field_id: procedure.field_id,
            unit_id: unit.id,
            channel: channel_str(channel),
            state: rec.state.as_str(),
            received_at: received.as_second(),
            received_date: date.to_string(),
            due_at: deadline.due.as_second(),
            legal_due_at: deadline.legal_due.as_second(),
            appointment_date: deadline.appointment_date.to_string(),
            finished_at: secs(rec.processing_finished_at),
            handed_over_at: secs(rec.handed_over_at),
            ended_at: secs(rec.ended_at),
            apology_at: secs(rec.apology.as_ref().map(|a| a.issued_at)),
            rule_version: rec.rules.rule_version_id.clone(),
            calendar_hash: cal.hash.clone(),
            record_json: serde_json::to_string(rec).map_err(|e| e.to_string())?,
            event_json: serde_json::to_string(&transition.event).map_err(|e| e.to_string())?,
        },
    })
}

/// The running number of `code` if it is a code this system would issue for `unit_code` on
/// `date` (the 2026 format puts the platform code before the number).
fn own_sequence(
    code: &str,
    unit_code: &str,
    date: Date,
    rule_set: &RuleSet,
    platform: &str,
) -> Option<i64> {
    let tail = code.rsplit('-').next()?;
    if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let candidates = [Some(tail), tail.strip_prefix(platform)];
    for digits in candidates.into_iter().flatten() {
        let Ok(sequence) = digits.parse::<u64>() else {
            continue;
        };
        if sequence == 0 {
            continue;
        }
        let request = CodeRequest {
            agency_code: unit_code,
            date,
            sequence,
            platform_code: Some(platform),
            template_override: None,
        };
        if file_code(rule_set, &request).is_ok_and(|c| c == code) {
            return i64::try_from(sequence).ok();
        }
    }
    None
}

/// Writes one batch in one transaction with its audit record; returns (imported, skipped).
async fn write_batch(
    app: &App,
    tenant_id: i64,
    now: Timestamp,
    run: &str,
    source: &str,
    number: u64,
    batch: Batch,
) -> Result<(u64, u64)> {
    let now_secs = now.as_second();
    let mut tx = app.db.begin().await?;
    for (hash, json) in &batch.snapshots {
        files::save_calendar_snapshot(&mut tx, tenant_id, hash, json, now_secs).await?;
    }
    let all: Vec<ImportedFile> = batch.rows.iter().map(|p| p.file.clone()).collect();
    let inserted =
        store::insert_files(&mut tx, app.db.backend(), tenant_id, now_secs, &all).await?;
    let skipped = (batch.rows.len() - inserted.len()) as u64;
    if inserted.is_empty() {
        commit(tx).await?;
        return Ok((0, skipped));
    }
    let by_code: HashMap<&str, &Prepared> = batch
        .rows
        .iter()
        .map(|p| (p.file.code.as_str(), p))
        .collect();
    let mut history = Vec::with_capacity(inserted.len());
    let mut sequences: HashMap<(i64, &str), i64> = HashMap::new();
    let mut lines = (usize::MAX, 0);
    for (id, code) in &inserted {
        let Some(p) = by_code.get(code.as_str()) else {
            return Err(AppError::Internal(format!(
                "import: inserted code {code} not in the batch"
            )));
        };
        history.push((
            *id,
            p.file.unit_id,
            p.file.state,
            p.file.event_json.as_str(),
        ));
        if let Some((day, seq)) = &p.sequence {
            let max = sequences.entry((p.file.unit_id, day.as_str())).or_insert(0);
            *max = (*max).max(*seq);
        }
        lines = (lines.0.min(p.line), lines.1.max(p.line));
    }
    store::insert_history(&mut tx, app.db.backend(), tenant_id, now_secs, &history).await?;
    let sequences: Vec<(i64, String, i64)> = sequences
        .into_iter()
        .map(|((unit, day), seq)| (unit, day.to_owned(), seq))
        .collect();
    store::raise_code_sequences(&mut tx, app.db.backend(), tenant_id, &sequences).await?;
    let ids: Vec<i64> = inserted.iter().map(|(id, _)| *id).collect();
    motcua_store::report_daily::add_files(&mut tx, tenant_id, &ids).await?;
    let first_id = inserted.iter().map(|(id, _)| *id).min();
    let last_id = inserted.iter().map(|(id, _)| *id).max();
    audit::record(
        &mut tx,
        tenant_id,
        None,
        now_secs,
        Change {
            action: "files.imported",
            entity_type: "file_import",
            entity_id: format!("{run}/{number}"),
            before: None,
            after: Some(serde_json::json!({
                "source": source, "batch": number, "files": inserted.len(), "skipped": skipped,
                "lines": [lines.0, lines.1], "file_ids": [first_id, last_id],
            })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok((inserted.len() as u64, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_may_come_in_any_order_but_must_be_complete() {
        let mut h: Vec<String> = COLUMNS.iter().rev().map(|s| s.to_string()).collect();
        let at = header_columns(&h).unwrap();
        assert_eq!(at[0], 9);
        h[0] = "note".into();
        assert!(header_columns(&h).is_err());
        h[0] = "code".into();
        assert!(
            header_columns(&h).is_err(),
            "code twice, apology_at missing"
        );
    }

    #[test]
    fn own_codes_give_their_running_number() {
        let d = jiff::civil::date(2025, 3, 2);
        let rs = RuleSet::in_force_at(d).unwrap();
        assert_eq!(
            own_sequence("000.21.20.H48-250302-0042", "000.21.20.H48", d, rs, "01"),
            Some(42)
        );
        assert_eq!(
            own_sequence("OLD-2025-0042", "000.21.20.H48", d, rs, "01"),
            None
        );
        let d = jiff::civil::date(2026, 3, 2);
        let rs = RuleSet::in_force_at(d).unwrap();
        let req = CodeRequest {
            agency_code: "000.21.20.H48",
            date: d,
            sequence: 7,
            platform_code: Some("01"),
            template_override: None,
        };
        let code = file_code(rs, &req).unwrap();
        assert_eq!(own_sequence(&code, "000.21.20.H48", d, rs, "01"), Some(7));
    }
}
