//! `motcua import files PATH.csv`: historical files from an older system. The contract scripts
//! rely on: rejected rows on stderr as `line N: message`, then exactly
//! `imported N, skipped M, rejected K` on stdout; exit 0 when the file was processed (even if
//! rows were rejected: they are listed, and fixing them and running again imports only them),
//! 2 when the input is unusable (missing or unreadable file, wrong header), 1 on a database
//! failure (batches already committed stay whole; running again finishes the job).

use crate::Failure;
use clap::Subcommand;
use motcua_app::App;
use motcua_app::files::import::{COLUMNS, import_files};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Files (hồ sơ) from a CSV with the header
    /// code,procedure_code,unit_code,channel,received_at,due_at,finished_at,returned_at,outcome,apology_at
    Files {
        /// The CSV file (UTF-8; a byte-order mark and CRLF line endings are fine).
        path: PathBuf,
    },
}

pub async fn run(app: &App, tenant_id: i64, cmd: &ImportCommand) -> Result<(), Failure> {
    let ImportCommand::Files { path } = cmd;
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::input(format!(
            "cannot open {}: {e} (expected a CSV with the header {})",
            path.display(),
            COLUMNS.join(",")
        ))
    })?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    // The lock is taken per line: logging (other threads) writes to stderr too.
    let report = import_files(app, tenant_id, &source, reader, &mut |rejected| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "line {}: {}",
            rejected.line,
            rejected.message
        );
    })
    .await?;
    println!(
        "imported {}, skipped {}, rejected {}",
        report.imported, report.skipped, report.rejected
    );
    Ok(())
}
