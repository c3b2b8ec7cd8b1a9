//! `motcua bench lifecycle` and `motcua bench lookup`: load over HTTP on loopback against a
//! `motcua serve` child process on the configured database, each printed beside a baseline
//! measured in the same run — `pgbench -N` at the same concurrency for the lifecycle (the
//! database's commit rate is the limit), a bare static response (`/healthz`) for the lookup.
//! Programs that print figures, not timed tests.

use crate::Failure;
use motcua_app::{App, demo};
use reqwest::Client;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Commits one lifecycle needs: intake and six workflow steps, one transaction each.
const COMMITS_PER_LIFECYCLE: f64 = 7.0;

/// Where the child server comes from: this executable, on the same database and configuration.
pub struct Launch<'a> {
    pub database_url: &'a str,
    pub config: Option<&'a Path>,
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(launch: &Launch) -> Result<Server, Failure> {
        let exe = std::env::current_exe().map_err(|e| Failure::input(e.to_string()))?;
        let mut cmd = Command::new(exe);
        cmd.args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            launch.database_url,
        ])
        .env("MOTCUA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        if let Some(config) = launch.config {
            cmd.arg("--config").arg(config);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| Failure::input(format!("cannot start the server: {e}")))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| Failure::input(e.to_string()))?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| Failure::input(format!("the server did not start: {line}")))?
            .to_owned();
        Ok(Server { child, base })
    }

    /// The CPU time (user + system) the child has used so far, in seconds.
    fn cpu_secs(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // The fields after the command name: state is the first, utime the 12th, stime the 13th.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(ticks as f64 / clock_ticks_per_sec())
    }

    /// The child's peak resident memory (VmHWM), in MB.
    fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }
}

fn clock_ticks_per_sec() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

/// The machine's busy and total CPU time so far, all cores, in clock ticks (/proc/stat).
fn machine_cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let times: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .take(8) // user nice system idle iowait irq softirq steal
        .filter_map(|t| t.parse().ok())
        .collect();
    let total: u64 = times.iter().sum();
    let idle = times.get(3)? + times.get(4)?;
    Some((total - idle, total))
}

/// Where a phase's CPU went: the server's CPU time per answered request, and how busy the
/// whole machine was (server, database, load generator and anything else running).
struct CpuUse {
    server: Option<f64>,
    machine: Option<(u64, u64)>,
}

impl CpuUse {
    fn start(server: &Server) -> CpuUse {
        CpuUse {
            server: server.cpu_secs(),
            machine: machine_cpu_ticks(),
        }
    }

    fn report(&self, server: &Server, requests: u64) -> String {
        let per_request = self
            .server
            .zip(server.cpu_secs())
            .map(|(a, b)| format!("{:.3} ms", (b - a) * 1000.0 / requests.max(1) as f64))
            .unwrap_or_else(|| "?".into());
        let busy = self
            .machine
            .zip(machine_cpu_ticks())
            .map(|((b0, t0), (b1, t1))| {
                format!("{:.0}%", 100.0 * (b1 - b0) as f64 / (t1 - t0).max(1) as f64)
            })
            .unwrap_or_else(|| "?".into());
        format!("server CPU {per_request} per request; machine CPU busy {busy} (all cores)")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http() -> Client {
    Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .expect("HTTP client")
}

struct User {
    client: Client,
    csrf: String,
}

async fn sign_in(base: &str, login: &str) -> Result<User, Failure> {
    let client = http();
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "login": login, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Failure::input(format!("sign-in of the demo user {login} failed: {e}")))?
        .json()
        .await
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(User {
        client,
        csrf: body["csrf_token"].as_str().unwrap_or_default().to_owned(),
    })
}

/// Latencies in microseconds, and failures.
#[derive(Default)]
struct Tally {
    latencies: Vec<u32>,
    errors: u64,
    completed: u64,
    /// Open loop: how long after its scheduled time each request was sent, in microseconds.
    send_lags: Vec<u32>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.send_lags.extend(other.send_lags);
        self.errors += other.errors;
        self.completed += other.completed;
    }

    fn percentile_ms(&mut self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        self.latencies.sort_unstable();
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    fn summary(&mut self) -> String {
        format!(
            "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
            self.percentile_ms(0.50),
            self.percentile_ms(0.95),
            self.percentile_ms(0.99)
        )
    }
}

async fn timed_post(user: &User, url: String, body: &Value, tally: &mut Tally) -> Option<Value> {
    let started = Instant::now();
    let response = user
        .client
        .post(url)
        .header("x-csrf-token", &user.csrf)
        .json(body)
        .send()
        .await;
    let value = match response {
        Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
        _ => None,
    };
    tally
        .latencies
        .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
    if value.is_none() {
        tally.errors += 1;
    }
    value
}

/// One client: lifecycles (intake → assign → examine → submit → approve → result ready →
/// handed over) until `stop`.
async fn lifecycles(base: String, users: Arc<[User; 3]>, stop: Arc<AtomicBool>) -> Tally {
    let [counter, specialist, leader] = &*users;
    let steps: [(&User, Value); 6] = [
        (
            leader,
            json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
        ),
        (specialist, json!({ "kind": "start_examination" })),
        (specialist, json!({ "kind": "submit_for_approval" })),
        (leader, json!({ "kind": "approve" })),
        (counter, json!({ "kind": "mark_result_ready" })),
        (counter, json!({ "kind": "hand_over", "method": "counter" })),
    ];
    let intake = json!({
        "procedure_code": "1.001193",
        "channel": "counter",
        "applicant": { "name": "Người nộp thử tải", "phone": "0912 000 111" },
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    });
    let mut tally = Tally::default();
    'files: while !stop.load(Ordering::Relaxed) {
        let Some(receipt) =
            timed_post(counter, format!("{base}/api/v1/files"), &intake, &mut tally).await
        else {
            continue;
        };
        let id = receipt["file_id"].as_i64().unwrap_or_default();
        let mut version = receipt["version"].as_i64().unwrap_or_default();
        for (user, action) in &steps {
            let url = format!("{base}/api/v1/files/{id}/actions");
            let body = json!({ "action": action, "version": version });
            let Some(file) = timed_post(user, url, &body, &mut tally).await else {
                continue 'files;
            };
            version = file["version"].as_i64().unwrap_or_default();
        }
        tally.completed += 1;
    }
    tally
}

/// Runs `clients` copies of `work` for `seconds` and merges their tallies.
async fn run_clients<F, Fut>(clients: usize, seconds: u64, work: F) -> (Tally, f64)
where
    F: Fn(Arc<AtomicBool>) -> Fut,
    Fut: std::future::Future<Output = Tally> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(work(stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Tally::default();
    for t in tasks {
        if let Ok(tally) = t.await {
            total.merge(tally);
        }
    }
    (total, started.elapsed().as_secs_f64())
}

async fn stored_files(app: &App) -> Result<i64, Failure> {
    let (n,): (i64,) = sqlx_count(app, "SELECT COUNT(*) FROM files").await?;
    Ok(n)
}

async fn sqlx_count(app: &App, sql: &str) -> Result<(i64,), Failure> {
    motcua_app::store::bench::scalar(app.db.reader(), sql)
        .await
        .map(|n| (n,))
        .map_err(|e| Failure::input(e.to_string()))
}

pub async fn lifecycle(
    app: &App,
    launch: &Launch<'_>,
    clients: usize,
    seconds: u64,
) -> Result<(), Failure> {
    let postgres = launch.database_url.starts_with("postgres");
    let before = stored_files(app).await?;
    if postgres && !autovacuum_on(app).await? {
        // A server without autovacuum (this test machine's) never cleans up after earlier
        // runs nor gathers statistics: do what it would have done, so runs start alike.
        let started = Instant::now();
        motcua_app::store::bench::execute(app.db.reader(), "VACUUM ANALYZE")
            .await
            .map_err(|e| Failure::input(format!("VACUUM ANALYZE: {e}")))?;
        println!(
            "autovacuum is off on this server: ran VACUUM ANALYZE first ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    let server = Server::start(launch)?;
    let base = server.base.clone();
    let users = Arc::new([
        sign_in(&base, "motcua.chiengle").await?,
        sign_in(&base, "chuyenvien.chiengle").await?,
        sign_in(&base, "lanhdao.chiengle").await?,
    ]);
    let commits_before = if postgres { commits(app).await? } else { 0 };
    let (mut tally, elapsed) = run_clients(clients, seconds, |stop| {
        lifecycles(base.clone(), users.clone(), stop)
    })
    .await;
    // The background work the load caused (outbox messages, their jobs) is part of its cost:
    // let the server's workers finish it (up to 60 s) before counting commits.
    let drain_started = Instant::now();
    let mut drained = false;
    while drain_started.elapsed() < Duration::from_secs(60) {
        let now = jiff::Timestamp::now().as_second();
        let (open,) = sqlx_count(
            app,
            &format!(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL)
                      + (SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')
                           AND run_after <= {now})"
            ),
        )
        .await?;
        if open == 0 {
            drained = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drain_secs = drain_started.elapsed().as_secs_f64();
    let rss = server.peak_rss_mb();
    drop(server);
    let rate = tally.completed as f64 / elapsed;
    println!(
        "lifecycle on {}: {clients} clients for {elapsed:.1} s, {before} files stored before",
        if postgres { "PostgreSQL" } else { "SQLite" }
    );
    println!(
        "  lifecycles: {} ({rate:.1}/s); requests: {} ({:.0}/s), failed: {}",
        tally.completed,
        tally.latencies.len(),
        tally.latencies.len() as f64 / elapsed,
        tally.errors
    );
    println!("  latency per request: {}", tally.summary());
    println!(
        "  background work after the load: {} in {drain_secs:.1} s",
        if drained { "drained" } else { "NOT drained" }
    );
    if let Some(rss) = rss {
        println!("  server peak RSS: {rss:.1} MB");
    }
    if !postgres {
        return Ok(());
    }
    // The statistics collector publishes a backend's counts within a second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let measured = (commits(app).await? - commits_before) as f64 / tally.completed.max(1) as f64;
    println!(
        "  commits per lifecycle: {COMMITS_PER_LIFECYCLE} by the requests; {measured:.1} measured \
         in the database (with background jobs, sessions and reads)"
    );
    let tps = pgbench(app, launch.database_url, clients, seconds).await?;
    println!("  baseline pgbench -N, {clients} clients, {seconds} s: {tps:.0} tps");
    println!(
        "  efficiency = {rate:.1} lifecycles/s × {COMMITS_PER_LIFECYCLE} ÷ {tps:.0} = {:.2} (target ≥ 0.5)",
        rate * COMMITS_PER_LIFECYCLE / tps
    );
    Ok(())
}

async fn autovacuum_on(app: &App) -> Result<bool, Failure> {
    Ok(sqlx_count(
        app,
        "SELECT CAST(CASE WHEN current_setting('autovacuum') = 'on' THEN 1 ELSE 0 END AS BIGINT)",
    )
    .await?
    .0 == 1)
}

async fn commits(app: &App) -> Result<i64, Failure> {
    Ok(sqlx_count(
        app,
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .await?
    .0)
}

/// `pgbench -N` on a scratch database of the same server (created, initialised, dropped).
async fn pgbench(app: &App, url: &str, clients: usize, seconds: u64) -> Result<f64, Failure> {
    let scratch = format!("motcua_pgbench_{}", std::process::id());
    let scratch_url = replace_database(url, &scratch)
        .ok_or_else(|| Failure::input(format!("cannot read the database name of {url}")))?;
    let exec = |sql: String| async move {
        motcua_app::store::bench::execute(app.db.reader(), &sql)
            .await
            .map_err(|e| Failure::input(format!("{sql}: {e}")))
    };
    exec(format!("DROP DATABASE IF EXISTS {scratch}")).await?;
    exec(format!("CREATE DATABASE {scratch}")).await?;
    let run = |args: Vec<String>| {
        let out = Command::new("pgbench")
            .args(&args)
            .output()
            .map_err(|e| Failure::input(format!("cannot run pgbench: {e}")))?;
        if !out.status.success() {
            return Err(Failure::input(format!(
                "pgbench {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let result = run(vec!["-i".into(), "-q".into(), scratch_url.clone()]).and_then(|_| {
        run(vec![
            "-N".into(),
            "-c".into(),
            clients.to_string(),
            "-j".into(),
            clients.min(2).to_string(),
            "-T".into(),
            seconds.to_string(),
            scratch_url.clone(),
        ])
    });
    exec(format!("DROP DATABASE IF EXISTS {scratch}")).await?;
    let out = result?;
    out.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Failure::input(format!("no tps in pgbench's output:\n{out}")))
}

/// `postgres://user@host:port/db?x` with another database name.
fn replace_database(url: &str, database: &str) -> Option<String> {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let slash = head.rfind('/')?;
    (slash > "postgres://".len()).then_some(())?;
    let mut out = format!("{}/{database}", &head[..slash]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

/// One request of the lookup load (the lookup with `body`, else `/healthz`): did it succeed,
/// body read?
async fn lookup_once(client: &Client, base: &str, body: Option<&Value>) -> bool {
    let response = match body {
        Some(body) => {
            client
                .post(format!("{base}/api/v1/lookup"))
                .json(body)
                .send()
                .await
        }
        None => client.get(format!("{base}/healthz")).send().await,
    };
    match response {
        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// One client of the lookup load: the public status lookup with a real code and PIN, or the
/// bare `/healthz` response as the baseline.
async fn lookups(base: String, body: Option<Value>, stop: Arc<AtomicBool>) -> Tally {
    let client = http();
    let mut tally = Tally::default();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let ok = lookup_once(&client, &base, body.as_ref()).await;
        tally
            .latencies
            .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if ok {
            tally.completed += 1;
        } else {
            tally.errors += 1;
        }
    }
    tally
}

/// The open-loop schedule: request `k` is due at `start + k / rate`, until `end`.
#[derive(Clone, Copy)]
struct Schedule {
    start: Instant,
    end: Instant,
    rate: f64,
    connections: usize,
}

/// One connection of the open-loop load: requests `index`, `index + connections`, … of the
/// schedule. A request sent late, because this connection's previous answer came late, counts
/// its latency from when it was due (no coordinated omission, as wrk2 -R): a stalled server
/// shows as latency, not as a lower rate with fast answers.
async fn scheduled_lookups(
    base: String,
    body: Option<Value>,
    schedule: Schedule,
    index: usize,
) -> Tally {
    let client = http();
    // Connect before the schedule starts, so the first request does not count the handshake.
    let _ = client.get(format!("{base}/healthz")).send().await;
    let mut tally = Tally::default();
    for k in (index..).step_by(schedule.connections.max(1)) {
        let due = schedule.start + Duration::from_secs_f64(k as f64 / schedule.rate);
        if due >= schedule.end {
            break;
        }
        // tokio's timer ticks in milliseconds and fires late, never early: aim up to 1 ms early
        // so its rounding is not counted as the server's latency. A request sent early counts
        // from when it was sent.
        let wake = due.checked_sub(Duration::from_millis(1)).unwrap_or(due);
        tokio::time::sleep_until(wake.into()).await;
        let sent = Instant::now();
        let ok = lookup_once(&client, &base, body.as_ref()).await;
        tally
            .latencies
            .push(sent.min(due).elapsed().as_micros().min(u32::MAX as u128) as u32);
        tally.send_lags.push(
            sent.saturating_duration_since(due)
                .as_micros()
                .min(u32::MAX as u128) as u32,
        );
        if ok {
            tally.completed += 1;
        } else {
            tally.errors += 1;
        }
    }
    tally
}

/// Runs the open-loop schedule over `connections` connections; returns the tally and the time
/// from the schedule's start to the last answer.
async fn run_schedule(
    base: &str,
    body: Option<Value>,
    connections: usize,
    seconds: u64,
    rate: u32,
) -> (Tally, f64) {
    let start = Instant::now() + Duration::from_millis(200);
    let schedule = Schedule {
        start,
        end: start + Duration::from_secs(seconds),
        rate: f64::from(rate.max(1)),
        connections,
    };
    let tasks: Vec<_> = (0..connections)
        .map(|index| {
            tokio::spawn(scheduled_lookups(
                base.to_owned(),
                body.clone(),
                schedule,
                index,
            ))
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        if let Ok(tally) = t.await {
            total.merge(tally);
        }
    }
    (total, start.elapsed().as_secs_f64())
}

pub async fn lookup(
    launch: &Launch<'_>,
    clients: usize,
    seconds: u64,
    rate: Option<u32>,
) -> Result<(), Failure> {
    let server = Server::start(launch)?;
    let base = server.base.clone();
    // A file to look up, received now through the API like any other.
    let counter = sign_in(&base, "motcua.chiengle").await?;
    let mut tally = Tally::default();
    let receipt = timed_post(
        &counter,
        format!("{base}/api/v1/files"),
        &json!({
            "procedure_code": "1.001193",
            "channel": "counter",
            "applicant": { "name": "Người tra cứu", "phone": "0912 000 111" },
            "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        }),
        &mut tally,
    )
    .await
    .ok_or_else(|| Failure::input("could not receive a file to look up"))?;
    let body = json!({ "code": receipt["code"], "secret": receipt["pin"] });
    for (name, body) in [
        ("bare /healthz (baseline)", None),
        ("status lookup", Some(body)),
    ] {
        let cpu = CpuUse::start(&server);
        let requests = match rate {
            None => {
                let (mut tally, elapsed) = run_clients(clients, seconds, |stop| {
                    lookups(base.clone(), body.clone(), stop)
                })
                .await;
                println!(
                    "{name}: {clients} clients, {elapsed:.1} s: {:.0} req/s, {}, failed {}",
                    tally.completed as f64 / elapsed,
                    tally.summary(),
                    tally.errors
                );
                tally.completed + tally.errors
            }
            Some(rate) => {
                let (mut tally, elapsed) = run_schedule(&base, body, clients, seconds, rate).await;
                println!(
                    "{name}: open loop at {rate} req/s over {clients} connections, {elapsed:.1} s: \
                     achieved {:.0} req/s, {}, max {:.2} ms, failed {}",
                    tally.completed as f64 / elapsed,
                    tally.summary(),
                    tally.percentile_ms(1.0),
                    tally.errors
                );
                let mut lags = Tally {
                    latencies: std::mem::take(&mut tally.send_lags),
                    ..Tally::default()
                };
                println!(
                    "  sent after the scheduled time (the load generator's own delay, included \
                     above): p50 {:.2} ms, p99 {:.2} ms",
                    lags.percentile_ms(0.50),
                    lags.percentile_ms(0.99)
                );
                tally.completed + tally.errors
            }
        };
        println!("  {}", cpu.report(&server, requests));
    }
    if let Some(rss) = server.peak_rss_mb() {
        println!("server peak RSS: {rss:.1} MB");
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average (1, 5, 15 min): {}", load.join(" "));
    }
    Ok(())
}

/// The peer: a django-helpdesk server's REST API (scripts/bench-peer.sh starts it).
pub struct Peer {
    pub url: String,
    pub token: String,
    pub queue: i64,
    pub user: i64,
}

/// One client of the peer's lifecycle, the closest to ours its API offers: open a ticket,
/// assign it, a follow-up (the examination), resolve it with a resolution (the decision),
/// close it (handed over). Five requests, each a write.
async fn peer_lifecycles(peer: Arc<Peer>, stop: Arc<AtomicBool>) -> Tally {
    let client = http();
    let auth = format!("Token {}", peer.token);
    let mut tally = Tally::default();
    let send = async |method: reqwest::Method, path: String, body: Value, tally: &mut Tally| {
        let started = Instant::now();
        let response = client
            .request(method, format!("{}{path}", peer.url))
            .header("authorization", &auth)
            .json(&body)
            .send()
            .await;
        let value = match response {
            Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
            _ => None,
        };
        tally
            .latencies
            .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if value.is_none() {
            tally.errors += 1;
        }
        value
    };
    use reqwest::Method;
    'tickets: while !stop.load(Ordering::Relaxed) {
        let opened = json!({ "queue": peer.queue, "title": "Hồ sơ đăng ký khai sinh",
            "description": "Tờ khai đăng ký khai sinh; Giấy chứng sinh",
            "submitter_email": "nguoinop@example.vn", "priority": 3 });
        let Some(ticket) = send(Method::POST, "/api/tickets/".into(), opened, &mut tally).await
        else {
            continue;
        };
        let id = ticket["id"].as_i64().unwrap_or_default();
        let steps = [
            (
                Method::PATCH,
                format!("/api/tickets/{id}/"),
                json!({ "assigned_to": peer.user }),
            ),
            (
                Method::POST,
                "/api/followups/".into(),
                json!({ "ticket": id, "title": "Thẩm định", "comment": "Hồ sơ đủ điều kiện", "public": false }),
            ),
            (
                Method::PATCH,
                format!("/api/tickets/{id}/"),
                json!({ "status": 3, "resolution": "Đã duyệt" }),
            ),
            (
                Method::PATCH,
                format!("/api/tickets/{id}/"),
                json!({ "status": 4 }),
            ),
        ];
        for (method, path, body) in steps {
            if send(method, path, body, &mut tally).await.is_none() {
                continue 'tickets;
            }
        }
        tally.completed += 1;
    }
    tally
}

pub async fn peer(peer: Peer, clients: usize, seconds: u64) -> Result<(), Failure> {
    let peer = Arc::new(peer);
    let (mut tally, elapsed) =
        run_clients(clients, seconds, |stop| peer_lifecycles(peer.clone(), stop)).await;
    println!("peer lifecycle (django-helpdesk REST API): {clients} clients for {elapsed:.1} s");
    println!(
        "  lifecycles: {} ({:.1}/s); requests: {} ({:.0}/s), failed: {}",
        tally.completed,
        tally.completed as f64 / elapsed,
        tally.latencies.len(),
        tally.latencies.len() as f64 / elapsed,
        tally.errors
    );
    println!("  latency per request: {}", tally.summary());
    Ok(())
}

/// The public board page (`/cong-khai`) for a period, fetched `runs` times from a served child
/// after one warm-up fetch: the whole page as a visitor gets it (aggregates, ranking, charts,
/// template), timed at the client. Returns the times in ms.
pub async fn board_page(
    launch: &Launch<'_>,
    from: &str,
    to: &str,
    runs: usize,
) -> Result<Vec<f64>, Failure> {
    let server = Server::start(launch)?;
    let client = http();
    let url = format!("{}/cong-khai?from={from}&to={to}", server.base);
    let mut times = Vec::with_capacity(runs);
    for k in 0..=runs.max(1) {
        let t = Instant::now();
        let response = client
            .get(&url)
            .send()
            .await
            .map_err(|e| Failure::input(format!("board page: {e}")))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| Failure::input(format!("board page: {e}")))?;
        if !status.is_success() || !body.contains("<svg") {
            return Err(Failure::input(format!(
                "board page answered {status} without its charts"
            )));
        }
        if k > 0 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_database_url() {
        assert_eq!(
            replace_database(
                "postgres://postgres@127.0.0.1:5432/motcua?sslmode=disable",
                "x"
            )
            .as_deref(),
            Some("postgres://postgres@127.0.0.1:5432/x?sslmode=disable")
        );
        assert_eq!(replace_database("postgres://host", "x"), None);
    }

    /// A server answering in 25 ms, offered 100 requests/s on one connection: an open loop
    /// reports the queue that builds up (latency from each request's scheduled time), where a
    /// closed loop would report 25 ms at 40 requests/s.
    #[tokio::test]
    async fn open_loop_counts_latency_from_the_scheduled_time() {
        let slow = axum::Router::new().route(
            "/healthz",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_millis(25)).await;
                "ok"
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, slow).await });
        let (mut tally, elapsed) = run_schedule(&base, None, 1, 1, 100).await;
        server.abort();
        assert_eq!((tally.completed, tally.errors), (100, 0));
        // 100 requests of 25 ms each, one at a time: the last answer comes ~2.5 s after start.
        assert!(elapsed > 2.0, "{elapsed}");
        assert!(tally.percentile_ms(0.50) > 400.0, "{}", tally.summary());
        assert!(tally.percentile_ms(0.99) > 1200.0, "{}", tally.summary());
        assert!(tally.percentile_ms(1.0) < 3000.0, "{}", tally.summary());
    }

    #[test]
    fn percentiles_of_latencies() {
        let mut t = Tally {
            latencies: (1..=100).map(|ms| ms * 1000).collect(),
            ..Tally::default()
        };
        assert_eq!(t.percentile_ms(0.5), 51.0);
        assert_eq!(t.percentile_ms(0.99), 99.0);
    }
}
