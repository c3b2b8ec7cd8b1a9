//! `motcua bench …`: a data generator and a report benchmark (figures in docs/BENCHMARKS.md).
//! Programs that print numbers, not timed tests.

use crate::Failure;
use clap::Subcommand;
use motcua_app::org::By;
use motcua_app::reports::{self, GroupBy, HandlingInput, Source};
use motcua_app::store::bench::{self, GeneratedFile};
use motcua_app::{App, demo, org};
use motcua_domain::rules::RuleSet;
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Bulk-insert generated files (three years, 2023–2025) into the tenant; creates the demo
    /// province first if the database has none. The rows are report data with a stub workflow
    /// record: use a database of their own.
    Generate {
        #[arg(long)]
        files: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Times the province-wide handling report for a year and one unit's report.
    Reports {
        #[arg(long, default_value_t = 2025)]
        year: i16,
        /// The unit of the unit report (default: phường Chiềng Lề of the demo).
        #[arg(long, default_value = "000.21.20.H48")]
        unit: String,
        #[arg(long, default_value_t = 7)]
        runs: usize,
        /// Also time the direct query over the files (the reference), beside the aggregates.
        #[arg(long)]
        direct: bool,
        /// Also time the public board page for the year through a served child (over HTTP).
        #[arg(long)]
        board: bool,
    },
    /// Full file lifecycles over HTTP against a `motcua serve` child on this database, beside
    /// `pgbench -N` at the same concurrency (PostgreSQL). Adds files: use a database of its own.
    Lifecycle {
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// The peer comparison's other half: the same kind of lifecycle against a django-helpdesk
    /// server's REST API (scripts/bench-peer.sh sets it up and runs both).
    Peer {
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: String,
        #[arg(long, default_value_t = 1)]
        queue: i64,
        #[arg(long, default_value_t = 1)]
        user: i64,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// The public status lookup over HTTP, beside a bare static response, same clients.
    Lookup {
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Open loop: send this many requests per second on a fixed schedule spread over the
        /// clients, latency counted from each request's scheduled send time (like wrk2 -R).
        /// Without it each client sends its next request when the last one is answered.
        #[arg(long)]
        rate: Option<u32>,
    },
}

/// SplitMix64: a small seeded generator, so a seed gives the same data on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// An index drawn with the given weights.
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (k, w) in weights.iter().enumerate() {
            if x < *w {
                return k;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// 2023-01-01 00:00 in Asia/Ho_Chi_Minh.
const DATA_START: i64 = 1_672_506_000;
/// 2026-01-01 00:00 in Asia/Ho_Chi_Minh: the generated data's "now".
const DATA_END: i64 = 1_767_200_400;

/// Local 17:00 of the day `t` falls on.
fn five_pm(t: i64) -> i64 {
    let local = t + 7 * HOUR;
    local - local.rem_euclid(DAY) + 17 * HOUR - 7 * HOUR
}

/// Moves a weekend instant to the Monday after (working days only, roughly: no holidays).
fn weekday(t: i64) -> i64 {
    // 1970-01-01 was a Thursday: day 0 → Thursday, 2 → Saturday, 3 → Sunday.
    let day = (t + 7 * HOUR).div_euclid(DAY);
    match day.rem_euclid(7) {
        2 => t + 2 * DAY,
        3 => t + DAY,
        _ => t,
    }
}

fn working_days_after(t: i64, days: i64) -> i64 {
    // Five working days per seven calendar days.
    weekday(t + (days * 7 + 4) / 5 * DAY)
}

struct Universe {
    units: Vec<(i64, f64)>,
    departments: Vec<i64>,
    procedures: Vec<(i64, i64, i64, f64)>,
    months: Vec<f64>,
}

fn generate_one(rng: &mut Rng, u: &Universe, id: i64) -> GeneratedFile {
    let unit = u.units[rng.pick(&u.units.iter().map(|x| x.1).collect::<Vec<_>>())].0;
    let (procedure_id, field_id, days, _) =
        u.procedures[rng.pick(&u.procedures.iter().map(|p| p.3).collect::<Vec<_>>())];
    let month = rng.pick(&u.months) as i64;
    let month_start = DATA_START + month * (DATA_END - DATA_START) / 36;
    let in_month = rng.below(((DATA_END - DATA_START) / 36 / DAY) as u64) as i64 * DAY;
    let time_of_day = 30 * 60 + rng.below(9 * 3600) as i64; // 07:30–16:30 local
    let received_at = weekday(month_start + in_month + time_of_day);
    let channel = ["online", "counter", "post"][rng.pick(&[0.45, 0.45, 0.10])];
    let legal_due_at = five_pm(working_days_after(received_at, days.max(1)));
    let supplement_count = [0, 1, 2][rng.pick(&[0.85, 0.12, 0.03])];
    let other_unit_id = (rng.unit() < 0.08 && !u.departments.is_empty())
        .then(|| u.departments[rng.below(u.departments.len() as u64) as usize])
        .filter(|d| *d != unit);
    let mut f = GeneratedFile {
        id,
        procedure_id,
        field_id,
        receiving_unit_id: unit,
        other_unit_id,
        channel,
        state: "received",
        received_at,
        due_at: legal_due_at,
        legal_due_at,
        finished_at: None,
        handed_over_at: None,
        ended_at: None,
        supplement_count,
        apology_at: None,
    };
    // Files received in the last weeks are mostly still open.
    let recent = received_at > DATA_END - 20 * DAY;
    if recent && rng.unit() < 0.7 {
        f.state = [
            "received",
            "assigned",
            "under_examination",
            "awaiting_supplement",
        ][rng.pick(&[0.3, 0.3, 0.3, 0.1])];
        return f;
    }
    if rng.unit() < 0.04 {
        f.state = ["withdrawn", "cancelled"][rng.pick(&[0.7, 0.3])];
        f.ended_at = Some(received_at + (1 + rng.below(days.max(1) as u64) as i64) * DAY);
        return f;
    }
    let finished_at = match rng.pick(&[0.55, 0.30, 0.15]) {
        0 => (legal_due_at - (1 + rng.below(days.max(1) as u64) as i64) * DAY)
            .max(received_at + HOUR),
        1 => legal_due_at - rng.below(8 * 3600) as i64,
        _ => {
            if rng.unit() < 0.6 {
                f.apology_at = Some((legal_due_at - DAY - 10 * HOUR).max(received_at + HOUR));
                f.due_at = legal_due_at + 5 * DAY;
            }
            legal_due_at + (1 + rng.below(10) as i64) * DAY
        }
    };
    let finished_at = finished_at.min(DATA_END - HOUR);
    // An apology is written while the file is open: none when the end of the data cut the
    // late file's finish to before it.
    if f.apology_at.is_some_and(|a| a >= finished_at) {
        f.apology_at = None;
        f.due_at = legal_due_at;
    }
    f.finished_at = Some(finished_at);
    if rng.unit() < 0.08 {
        f.state = "refused";
        f.ended_at = Some(finished_at);
    } else if rng.unit() < 0.95 && finished_at + DAY < DATA_END {
        f.state = "handed_over";
        f.handed_over_at = Some(finished_at + DAY);
        f.ended_at = f.handed_over_at;
    } else {
        f.state = "result_ready";
    }
    f
}

async fn generate(app: &App, tenant_id: i64, files: u64, seed: u64) -> Result<(), Failure> {
    let units = org::list_units(app, tenant_id).await?;
    // Communes and the service centre receive most files; departments fewer each.
    let units_w: Vec<(i64, f64)> = units
        .iter()
        .filter(|u| u.parent_id.is_some() && u.kind != "district")
        .map(|u| (u.id, if u.kind == "department" { 0.5 } else { 1.0 }))
        .collect();
    if units_w.is_empty() {
        return Err(Failure::input("the tenant has no units below the top one"));
    }
    let departments = units
        .iter()
        .filter(|u| u.kind == "department")
        .map(|u| u.id)
        .collect();
    let mut conn = app.db.read_conn().await?;
    let mut procedures: Vec<(i64, i64, i64, f64)> = bench::procedures(&mut conn, tenant_id)
        .await?
        .into_iter()
        .map(|(id, field, value, unit)| {
            let days = match unit.as_str() {
                "working_days" | "days" => value,
                "hours" => 1,
                _ => 1,
            };
            (id, field, days.clamp(1, 60), 1.0)
        })
        .collect();
    drop(conn);
    if procedures.is_empty() {
        return Err(Failure::input("the tenant has no procedures"));
    }
    // A few procedures (civil status, residence) take most of the files.
    let mut rng = Rng(seed);
    for p in &mut procedures {
        p.3 = 0.2 + rng.unit().powi(4) * 20.0;
    }
    // More files before Tết and in the second half of the year.
    let months = (0..36)
        .map(|m| match m % 12 {
            0 => 1.2,
            1 => 0.7,
            6..=11 => 1.1,
            _ => 1.0,
        })
        .collect();
    let universe = Universe {
        units: units_w,
        departments,
        procedures,
        months,
    };
    let rule_version = RuleSet::builtin()
        .first()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let mut tx = app.db.begin().await?;
    let mut next_id = bench::next_file_id(&mut tx).await?;
    let mut done = 0u64;
    const BATCH: u64 = 1_000;
    const PER_TX: u64 = 50_000;
    while done < files {
        let n = BATCH.min(files - done);
        let batch: Vec<GeneratedFile> = (0..n)
            .map(|k| generate_one(&mut rng, &universe, next_id + k as i64))
            .collect();
        bench::insert_files(&mut tx, tenant_id, &rule_version, &batch).await?;
        next_id += n as i64;
        done += n;
        if done.is_multiple_of(PER_TX) || done == files {
            tx.commit()
                .await
                .map_err(motcua_app::store::StoreError::from)?;
            eprintln!("{done} files…");
            tx = app.db.begin().await?;
        }
    }
    tx.commit()
        .await
        .map_err(motcua_app::store::StoreError::from)?;
    // The bulk loader bypasses the use cases: the report aggregates are rebuilt set-based.
    let rebuilding = Instant::now();
    let mut tx = app.db.begin().await?;
    let rows = motcua_app::store::report_daily::rebuild(&mut tx, tenant_id).await?;
    // After the rebuild, so that the planner knows the aggregate rows too.
    bench::finish_load(&mut tx, app.db.backend()).await?;
    tx.commit()
        .await
        .map_err(motcua_app::store::StoreError::from)?;
    eprintln!(
        "report aggregates rebuilt: {rows} rows in {:.1} s",
        rebuilding.elapsed().as_secs_f64()
    );
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {files} files in {secs:.1} s ({:.0} files/s)",
        files as f64 / secs
    );
    Ok(())
}

/// "median 13.7 ms over 7 runs (22, 14, … ms)".
fn timings(times: &[f64]) -> String {
    let all: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    format!(
        "median {:.1} ms over {} runs ({} ms)",
        median(times.to_vec()),
        times.len(),
        all.join(", ")
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn time_reports(
    app: &App,
    tenant_id: i64,
    year: i16,
    unit: &str,
    runs: usize,
    direct: bool,
) -> Result<(), Failure> {
    let by = By::System { tenant_id };
    let base = HandlingInput {
        from: format!("{year}-01-01"),
        to: format!("{year}-12-31"),
        include_subunits: true,
        ..Default::default()
    };
    let cases = [
        ("province, year", base.clone()),
        (
            "province, year, by unit",
            HandlingInput {
                group_by: GroupBy::Unit,
                ..base.clone()
            },
        ),
        (
            "one unit, year",
            HandlingInput {
                unit: Some(unit.to_owned()),
                ..base.clone()
            },
        ),
    ];
    println!("backend: {:?}", app.db.backend());
    let sources: &[(Source, &str)] = if direct {
        &[
            (Source::Aggregates, "aggregates"),
            (Source::Files, "direct"),
        ]
    } else {
        &[(Source::Aggregates, "aggregates")]
    };
    for (name, input) in cases {
        for (source, label) in sources {
            let mut times = Vec::with_capacity(runs);
            let mut received = 0;
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                let r = reports::handling_from(app, by, &input, *source).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                received = r.overall.received.total;
            }
            println!(
                "{name} ({label}): {}; {received} files in the report",
                timings(&times)
            );
        }
    }
    Ok(())
}

pub async fn run(
    app: &App,
    tenant_id: Option<i64>,
    cmd: BenchCommand,
    launch: crate::bench_load::Launch<'_>,
) -> Result<(), Failure> {
    let tenant_id = match tenant_id {
        Some(t) => t,
        None => {
            demo::seed(app).await?;
            motcua_app::tenancy::resolve(app, None, Some(demo::TENANT_CODE))
                .await?
                .id
        }
    };
    match cmd {
        BenchCommand::Generate { files, seed } => generate(app, tenant_id, files, seed).await,
        BenchCommand::Reports {
            year,
            unit,
            runs,
            direct,
            board,
        } => {
            time_reports(app, tenant_id, year, &unit, runs, direct).await?;
            if board {
                let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
                let times = crate::bench_load::board_page(&launch, &from, &to, runs).await?;
                println!("public board page /cong-khai, year: {}", timings(&times));
            }
            Ok(())
        }
        BenchCommand::Lifecycle { clients, seconds } => {
            crate::bench_load::lifecycle(app, &launch, clients, seconds).await
        }
        cmd @ BenchCommand::Peer { .. } => peer(cmd).await,
        BenchCommand::Lookup {
            clients,
            seconds,
            rate,
        } => crate::bench_load::lookup(&launch, clients, seconds, rate).await,
    }
}

/// `motcua bench peer`: needs no database of ours.
pub async fn peer(cmd: BenchCommand) -> Result<(), Failure> {
    let BenchCommand::Peer {
        url,
        token,
        queue,
        user,
        clients,
        seconds,
    } = cmd
    else {
        return Err(Failure::input("not the peer benchmark"));
    };
    let peer = crate::bench_load::Peer {
        url: url.trim_end_matches('/').to_owned(),
        token,
        queue,
        user,
    };
    crate::bench_load::peer(peer, clients, seconds).await
}
