//! The `motcua` binary: serve, demo, migrate, administration and calendar tools.

mod bench_cmd;
mod bench_load;
mod calendar_cmd;
mod config;
mod import_cmd;
mod report_cmd;

use clap::{Parser, Subcommand};
use config::Config;
use motcua_app::org::{By, StaffInput, UnitInput};
use motcua_app::{App, AppError, Db, Settings, SystemClock, catalogue, demo, org, tenancy};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Hệ thống một cửa điện tử — one-stop-shop system"
)]
struct Cli {
    /// Database URL: sqlite://FILE or postgres://… (default: $DATABASE_URL, else sqlite://motcua.db).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Configuration file (default: ./motcua.toml if present).
    #[arg(long, global = true, env = "MOTCUA_CONFIG")]
    config: Option<PathBuf>,
    /// Tenant (province) code for administration commands.
    #[arg(long, global = true)]
    tenant: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and API (and run background workers unless turned off).
    Serve {
        /// Address to listen on; 127.0.0.1:0 picks a free port.
        #[arg(long)]
        bind: Option<String>,
        /// Do not run background workers in this process (`[jobs] enabled = false`).
        #[arg(long)]
        no_jobs: bool,
    },
    /// Run only background workers (notifications, clean-up); any number may run at once.
    Worker {
        /// Serve Prometheus metrics (queue depth, job latency, failures) at http://ADDR/metrics.
        #[arg(long)]
        metrics_addr: Option<String>,
    },
    /// Background jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Create the demo province (if absent) and serve it.
    Demo {
        #[arg(long)]
        bind: Option<String>,
        /// Only create the demo data, then exit.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Tenants (provinces).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Units of the organisation.
    #[command(subcommand)]
    Units(UnitsCommand),
    /// User accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The procedure catalogue.
    #[command(subcommand)]
    Procedures(ProceduresCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Legal time: lunar calendar, working days, holidays, deadlines.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Import historical data from an older system.
    #[command(subcommand)]
    Import(import_cmd::ImportCommand),
    /// Statistics and official reports.
    #[command(subcommand)]
    Report(report_cmd::ReportCommand),
    /// Benchmark tools: generate files, time reports.
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
    /// Feedback and petitions (phản ánh, kiến nghị).
    #[command(subcommand)]
    Feedback(FeedbackCommand),
}

#[derive(Subcommand)]
enum FeedbackCommand {
    /// Erases the senders' personal data of finished items received more than
    /// `[feedback] retention_days` ago, and the askers' name and contact of dialogue-conference
    /// questions submitted before then (audited). Run it daily, e.g. from cron.
    EraseExpired,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Queue self-test jobs: each sleeps, then records one row in `job_probes`.
    Probe {
        #[arg(long, default_value_t = 100)]
        count: u32,
        #[arg(long, default_value_t = 0)]
        sleep_ms: u64,
    },
    /// Number of jobs per state (all tenants).
    Counts,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant (province).
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// List units.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create a unit.
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// province, department, office, district, commune or service_centre.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; the password is read from standard input.
    Create {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        username: String,
        /// Full name shown in the application (default: the user name).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum ProceduresCommand {
    /// List procedures.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every hash chain and report the first break (exit 1 if broken).
    Verify,
}

/// A failure to report: message on stderr, exit code 2 for bad input, 1 otherwise.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<AppError> for Failure {
    fn from(err: AppError) -> Failure {
        let code = match err {
            AppError::Internal(_) => 1,
            _ => 2,
        };
        let message = match &err {
            AppError::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        Failure { message, code }
    }
}

impl From<motcua_app::store::StoreError> for Failure {
    fn from(err: motcua_app::store::StoreError) -> Failure {
        Failure {
            message: err.to_string(),
            code: 1,
        }
    }
}

fn main() -> ExitCode {
    // Like other command-line tools, end quietly when the reader of our output goes away
    // (`motcua demo | head`) instead of panicking in `println!`. Rust ignores SIGPIPE by
    // default; restore the default action.
    // SAFETY: called first in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    // Calendar tools need no database and no runtime: answer at once.
    if let Command::Calendar(cmd) = &cli.command
        && cli.database_url.is_none()
    {
        let config = motcua_domain::calendar::CalendarConfig::builtin();
        return match calendar_cmd::run(cmd, &config) {
            Ok(out) => {
                print!("{out}");
                if !out.ends_with('\n') {
                    println!();
                }
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        };
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // An import's multi-row INSERTs may pass sqlx's slow-statement threshold; its warning
    // would print the whole statement among the rejected rows on stderr.
    init_logging(&config, matches!(cli.command, Command::Import(_)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn init_logging(config: &Config, quiet_sqlx: bool) {
    let default = if quiet_sqlx {
        "info,sqlx=error"
    } else {
        "info,sqlx=warn,tower_http=info"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(config: &Config) -> Result<App, Failure> {
    let db = Db::connect(&config.database_url, config.max_connections).await?;
    db.migrate().await?;
    let settings = Settings {
        session_idle_secs: config.session_idle_minutes.max(1) * 60,
        login_max_failures: config.login_max_failures.max(1),
        login_max_failures_per_address: config.login_max_failures_per_address.max(1),
        login_window_secs: config.login_window_minutes.max(1) * 60,
        platform_code: config.platform_code.clone(),
        attachments_dir: config.attachments_dir.clone().into(),
        max_attachment_bytes: config.max_attachment_kib.max(1) * 1024,
        feedback: config.feedback.clone(),
        contact_hash_key: config
            .contact_hash_key
            .clone()
            .and_then(motcua_app::notify_prefs::ContactHashKey::new),
    };
    Ok(App::new(db, settings, Arc::new(SystemClock)))
}

async fn tenant_id(app: &App, cli_tenant: Option<&str>, config: &Config) -> Result<i64, Failure> {
    let code = cli_tenant.or(config.default_tenant.as_deref());
    let tenant = tenancy::resolve(app, None, code).await.map_err(|_| {
        Failure::input("no tenant exists yet: run `motcua tenant create --code CODE --name NAME` or `motcua demo --no-serve`")
    })?;
    if let Some(code) = code
        && tenant.code != code
    {
        return Err(Failure::input(format!("no tenant with code `{code}`")));
    }
    Ok(tenant.id)
}

async fn run(cli: Cli, mut config: Config) -> Result<(), Failure> {
    if let Some(url) = cli.database_url {
        config.database_url = url;
    }
    let tenant = cli.tenant.as_deref();
    match cli.command {
        Command::Serve { bind, no_jobs } => {
            if no_jobs {
                config.jobs.enabled = false;
            }
            let app = open(&config).await?;
            serve(app, &config, bind.as_deref(), None).await
        }
        Command::Worker { metrics_addr } => {
            let app = open(&config).await?;
            let job_metrics = motcua_jobs::JobMetrics::default();
            let metrics_server = match metrics_addr {
                Some(addr) => {
                    let listener = tokio::net::TcpListener::bind(&addr)
                        .await
                        .map_err(|e| Failure::input(format!("--metrics-addr {addr}: {e}")))?;
                    let mut metrics = motcua_web::metrics::Metrics::default();
                    metrics.register_with(|r| job_metrics.register(r));
                    let router = motcua_web::metrics_router(app.clone(), metrics);
                    tracing::info!(addr = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "metrics served");
                    Some(tokio::spawn(motcua_web::serve(
                        listener,
                        router,
                        std::future::pending(),
                    )))
                }
                None => None,
            };
            let worker = motcua_jobs::Worker::new(
                app.clone(),
                config.jobs.clone(),
                config.notify.clone(),
                job_metrics,
            )
            .map_err(Failure::input)?;
            println!("worker {} started", worker.id());
            let _ = std::io::stdout().flush();
            worker.run(shutdown_signal()).await;
            if let Some(server) = metrics_server {
                server.abort();
            }
            app.db.close().await;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Jobs(JobsCommand::Probe { count, sleep_ms }) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            let n = motcua_app::jobs::enqueue_probes(&app, tenant_id, count, sleep_ms).await?;
            println!("{n} probe jobs queued");
            Ok(())
        }
        Command::Jobs(JobsCommand::Counts) => {
            let app = open(&config).await?;
            for (state, n) in motcua_app::jobs::depth(&app).await? {
                println!("{state}\t{n}");
            }
            Ok(())
        }
        Command::Demo { bind, no_serve } => {
            if config.default_tenant.is_none() {
                config.default_tenant = Some(demo::TENANT_CODE.into());
            }
            let app = open(&config).await?;
            if no_serve {
                let (accounts, files) = demo::seed_with_files(&app).await?;
                print_accounts(&accounts, files);
                return Ok(());
            }
            serve(app, &config, bind.as_deref(), Some(())).await
        }
        Command::Report(cmd) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            report_cmd::run(&app, tenant_id, cmd).await
        }
        Command::Bench(cmd @ bench_cmd::BenchCommand::Peer { .. }) => bench_cmd::peer(cmd).await,
        Command::Bench(cmd) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await.ok();
            let launch = bench_load::Launch {
                database_url: &config.database_url,
                config: cli.config.as_deref(),
            };
            bench_cmd::run(&app, tenant_id, cmd, launch).await
        }
        Command::Feedback(FeedbackCommand::EraseExpired) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            let n = motcua_app::feedback::erase_past_retention(&app, tenant_id).await?;
            println!("personal data erased from {n} feedback items");
            let q = motcua_app::dialogues::erase_askers_past_retention(&app, tenant_id).await?;
            println!("askers' personal data erased from {q} dialogue questions");
            Ok(())
        }
        Command::Migrate => {
            open(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Tenant(TenantCommand::Create { code, name }) => {
            let app = open(&config).await?;
            let t = tenancy::ensure_tenant(&app, code.trim(), name.trim()).await?;
            println!("tenant {} ({})", t.code, t.name);
            Ok(())
        }
        Command::Units(UnitsCommand::List { json }) => {
            let app = open(&config).await?;
            let units = org::list_units(&app, tenant_id(&app, tenant, &config).await?).await?;
            if json {
                let items: Vec<_> = units
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "code": u.code, "name": u.name, "kind": u.kind,
                            "parent_code": u.parent_id.and_then(|p| units.iter().find(|x| x.id == p)).map(|p| p.code.clone()),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(items));
            } else {
                for u in &units {
                    let depth = u.path.matches('/').count().saturating_sub(2);
                    println!("{}\t{}{}", u.code, "  ".repeat(depth), u.name);
                }
            }
            Ok(())
        }
        Command::Units(UnitsCommand::Create {
            code,
            name,
            kind,
            parent,
        }) => {
            let app = open(&config).await?;
            let by = By::System {
                tenant_id: tenant_id(&app, tenant, &config).await?,
            };
            let input = UnitInput {
                code,
                name,
                kind,
                parent_code: parent,
                valid_from: None,
                valid_to: None,
            };
            let unit = org::create_unit(&app, by, input).await?;
            println!("unit {} ({})", unit.code, unit.name);
            Ok(())
        }
        Command::User(UserCommand::Create {
            unit,
            role,
            username,
            name,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| Failure::input(format!("cannot read the password from stdin: {e}")))?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            let app = open(&config).await?;
            let by = By::System {
                tenant_id: tenant_id(&app, tenant, &config).await?,
            };
            let input = StaffInput {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                email: None,
                phone: None,
                password,
                unit_code: unit,
                role,
            };
            let created = org::create_staff(&app, by, input).await?;
            println!(
                "user {} created: {} at {}",
                created.username, created.role, created.unit_code
            );
            Ok(())
        }
        Command::Procedures(ProceduresCommand::List { json }) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            let mut all = Vec::new();
            let mut page = 1;
            loop {
                let query = catalogue::SearchQuery {
                    page: Some(page),
                    per_page: Some(100),
                    ..Default::default()
                };
                let result = catalogue::search(&app, tenant_id, &query).await?;
                let done = result.items.len() < 100;
                all.extend(result.items);
                if done {
                    break;
                }
                page += 1;
            }
            if json {
                let items: Vec<_> = all
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "code": p.code, "name": p.name, "field_code": p.field.code,
                            "level": p.level, "processing_time": p.processing_time,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(items));
            } else {
                for p in &all {
                    println!("{}\t{}", p.code, p.name);
                }
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            let report = motcua_app::audit::verify(&app, tenant_id).await?;
            match &report.first_break {
                None => {
                    println!(
                        "audit trail intact: {} records in {} chains",
                        report.records, report.chains
                    );
                    Ok(())
                }
                Some(b) => {
                    println!(
                        "audit trail BROKEN at chain {} record #{}{}: {}",
                        b.chain,
                        b.seq,
                        b.record_id
                            .map(|id| format!(" (id {id})"))
                            .unwrap_or_default(),
                        b.reason
                    );
                    Err(Failure {
                        message: "audit chain verification failed".into(),
                        code: 1,
                    })
                }
            }
        }
        Command::Import(cmd) => {
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            import_cmd::run(&app, tenant_id, &cmd).await
        }
        Command::Calendar(cmd) => {
            // With a database: the tenant's edited calendar (built-in data until edited).
            let app = open(&config).await?;
            let tenant_id = tenant_id(&app, tenant, &config).await?;
            let calendar = motcua_app::calendar::config(&app, tenant_id, None).await?;
            let out = calendar_cmd::run(&cmd, &calendar).map_err(Failure::input)?;
            print!("{out}");
            if !out.ends_with('\n') {
                println!();
            }
            Ok(())
        }
    }
}

fn print_accounts(accounts: &[demo::DemoAccount], files: motcua_app::demo_files::DemoFilesReport) {
    if files.created > 0 {
        println!("demo files created: {}", files.created);
    }
    println!("demo accounts (password for all: {}):", demo::DEMO_PASSWORD);
    for a in accounts {
        let unit = if a.unit.is_empty() {
            String::new()
        } else {
            format!(" at {}", a.unit)
        };
        println!("  {:<22} {}{}", a.username, a.role, unit);
    }
}

/// Binds, prints `listening on http://ADDR` as the first line, seeds the demo if asked, then
/// serves until Ctrl-C or SIGTERM.
async fn serve(
    app: App,
    config: &Config,
    bind: Option<&str>,
    demo: Option<()>,
) -> Result<(), Failure> {
    let addr = bind.unwrap_or(&config.bind);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::input(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::input(e.to_string()))?;
    println!("listening on http://{local}");
    if demo.is_some() {
        let (accounts, files) = demo::seed_with_files(&app).await?;
        print_accounts(&accounts, files);
    }
    let _ = std::io::stdout().flush();
    let web = motcua_web::WebConfig {
        default_tenant: config.default_tenant.clone(),
        secure_cookies: config.secure_cookies,
        max_body_bytes: config.max_body_kib.clamp(16, 64 * 1024) * 1024,
        public_url: config.public_url.clone(),
        trust_forwarded: config.trust_forwarded,
        chat: config.chat.clone(),
    };
    let db = app.db.clone();
    let mut metrics = motcua_web::metrics::Metrics::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let worker = if config.jobs.enabled {
        let job_metrics = motcua_jobs::JobMetrics::default();
        metrics.register_with(|r| job_metrics.register(r));
        let worker = motcua_jobs::Worker::new(
            app.clone(),
            config.jobs.clone(),
            config.notify.clone(),
            job_metrics,
        )
        .map_err(Failure::input)?;
        Some(tokio::spawn(worker.run(until_stopped(stopped.clone()))))
    } else {
        None
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    if app.db.backend() == motcua_app::store::Backend::Postgres {
        // Signed-in sessions are remembered between requests while the database announces
        // every change that ends one, and what actions read of files (see `motcua_app::remembered`).
        tokio::spawn(motcua_app::remembered::watch_announcements(
            app.clone(),
            config.database_url.clone(),
        ));
    }
    let router = motcua_web::router_with_metrics(app, web, metrics);
    motcua_web::serve(listener, router, until_stopped(stopped))
        .await
        .map_err(|e| Failure {
            message: format!("server error: {e}"),
            code: 1,
        })?;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
