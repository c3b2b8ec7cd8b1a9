//! `motcua report …`: the handling report (Biểu 06) from the command line. The JSON printed by
//! `report summary --json` is a contract scripts rely on: keep its shape.

use crate::Failure;
use clap::Subcommand;
use motcua_app::App;
use motcua_app::org::By;
use motcua_app::reports::{self, GroupBy, HandlingInput, HandlingReport};
use motcua_domain::report::{Figures, round4};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Handling report for a period: received, resolved, pending, withdrawn, on-time rate.
    /// Dates are local (Asia/Ho_Chi_Minh) and inclusive; open files are judged at the end of
    /// the period.
    Summary {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// A unit code: that unit with its sub-units (default: the whole province).
        #[arg(long)]
        unit: Option<String>,
        /// Count the unit alone, without its sub-units.
        #[arg(long, requires = "unit")]
        unit_only: bool,
        /// A field (lĩnh vực) code.
        #[arg(long)]
        field: Option<String>,
        /// Rows of the XLSX/PDF files: none, unit, field or procedure.
        #[arg(long, default_value = "none")]
        group_by: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Write the report as a spreadsheet.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Write the report as a PDF.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Recount the tenant from its files and compare with the daily aggregates the reports
    /// read: the stored rows, and every month of the range (default: this year up to today)
    /// in every grouping and scope. Prints each difference; exit 1 if there is any.
    Verify {
        /// First day, YYYY-MM-DD (default: 1 January of this year).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
    },
    /// Recompute the tenant's daily aggregates from its files (after a bulk load or restore,
    /// or to repair a difference `verify` found).
    Rebuild,
}

#[derive(Serialize)]
struct Received {
    total: i64,
    new_online: i64,
    new_offline: i64,
    carried_over: i64,
}

#[derive(Serialize)]
struct Resolved {
    total: i64,
    early: i64,
    on_time: i64,
    late: i64,
}

#[derive(Serialize)]
struct Pending {
    total: i64,
    in_time: i64,
    overdue: i64,
}

/// The JSON contract, field for field.
#[derive(Serialize)]
struct Summary {
    received: Received,
    resolved: Resolved,
    pending: Pending,
    withdrawn: i64,
    on_time_rate: Option<f64>,
}

fn summary(f: &Figures) -> Summary {
    Summary {
        received: Received {
            total: f.received.total,
            new_online: f.received.new_online,
            new_offline: f.received.new_offline,
            carried_over: f.received.carried_over,
        },
        resolved: Resolved {
            total: f.resolved.total,
            early: f.resolved.early,
            on_time: f.resolved.on_time,
            late: f.resolved.late,
        },
        pending: Pending {
            total: f.pending.total,
            in_time: f.pending.in_time,
            overdue: f.pending.overdue,
        },
        withdrawn: f.withdrawn,
        on_time_rate: f.rates().on_time_rate.map(round4),
    }
}

fn text(r: &HandlingReport) -> String {
    let f = &r.overall;
    let rate = f
        .rates()
        .on_time_rate
        .map_or("—".to_owned(), |x| format!("{:.2}%", x * 100.0));
    format!(
        "Kỳ báo cáo {} – {}\n\
         Tiếp nhận: {} (trực tuyến {}, trực tiếp/bưu chính {}, kỳ trước chuyển sang {})\n\
         Đã giải quyết: {} (trước hạn {}, đúng hạn {}, quá hạn {})\n\
         Đang giải quyết: {} (trong hạn {}, quá hạn {})\n\
         Rút, dừng, hủy: {}\n\
         Tỷ lệ đúng hạn: {rate}",
        r.from,
        r.to,
        f.received.total,
        f.received.new_online,
        f.received.new_offline,
        f.received.carried_over,
        f.resolved.total,
        f.resolved.early,
        f.resolved.on_time,
        f.resolved.late,
        f.pending.total,
        f.pending.in_time,
        f.pending.overdue,
        f.withdrawn,
    )
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure {
        message: format!("cannot write {}: {e}", path.display()),
        code: 1,
    })
}

async fn verify(
    app: &App,
    tenant_id: i64,
    from: Option<String>,
    to: Option<String>,
) -> Result<(), Failure> {
    let today = app
        .now()
        .to_zoned(jiff::tz::offset(7).to_time_zone())
        .date();
    let from = from.unwrap_or_else(|| today.first_of_year().to_string());
    let to = to.unwrap_or_else(|| today.to_string());
    let v = reports::daily::verify(app, tenant_id, &from, &to).await?;
    for d in &v.differences {
        println!("{d}");
    }
    if v.differences.is_empty() {
        println!(
            "ok: {} aggregate rows and {} reports from {from} to {to} agree with a recount of the files",
            v.rows, v.reports
        );
        Ok(())
    } else {
        Err(Failure {
            message: format!(
                "{} differences between the aggregates and the files (`motcua report rebuild` recomputes them)",
                v.differences.len()
            ),
            code: 1,
        })
    }
}

pub async fn run(app: &App, tenant_id: i64, cmd: ReportCommand) -> Result<(), Failure> {
    let (from, to, unit, unit_only, field, group_by, json, xlsx, pdf) = match cmd {
        ReportCommand::Verify { from, to } => return verify(app, tenant_id, from, to).await,
        ReportCommand::Rebuild => {
            let rows = reports::daily::rebuild(app, tenant_id).await?;
            println!("rebuilt: {rows} aggregate rows");
            return Ok(());
        }
        ReportCommand::Summary {
            from,
            to,
            unit,
            unit_only,
            field,
            group_by,
            json,
            xlsx,
            pdf,
        } => (from, to, unit, unit_only, field, group_by, json, xlsx, pdf),
    };
    let group_by = GroupBy::parse(&group_by)
        .ok_or_else(|| Failure::input("--group-by: none, unit, field or procedure"))?;
    let input = HandlingInput {
        from,
        to,
        unit,
        include_subunits: !unit_only,
        field,
        group_by,
    };
    let report = reports::handling(app, By::System { tenant_id }, &input).await?;
    if let Some(path) = &xlsx {
        write(path, &reports::xlsx(&report)?)?;
    }
    if let Some(path) = &pdf {
        write(path, &reports::handling_pdf(app, tenant_id, &report).await?)?;
    }
    if json {
        let out = serde_json::to_string(&summary(&report.overall)).map_err(|e| Failure {
            message: e.to_string(),
            code: 1,
        })?;
        println!("{out}");
    } else if xlsx.is_none() && pdf.is_none() {
        println!("{}", text(&report));
    }
    Ok(())
}
