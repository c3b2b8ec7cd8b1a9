//! Background jobs with real processes: several `motcua worker` processes on one database run
//! every job exactly once, and finish the jobs of a worker killed with SIGKILL once its leases
//! run out; `motcua serve` runs workers that tell applicants about their files by e-mail (to a
//! real SMTP server, aiosmtpd), SMS and Zalo (to a fake HTTP gateway), retry a failing gateway
//! and dead-letter the message for administrators, who can retry it.

mod common;

use common::{client, problem};
use motcua_app::{App, Db, Settings, SystemClock, demo, tenancy};
use motcua_testkit::{Backend, TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child process killed (SIGKILL) when dropped, so a failing test leaves nothing running.
struct Proc {
    child: Child,
}

impl Proc {
    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status (graceful shutdown).
    fn terminate(&mut self) -> std::process::ExitStatus {
        unsafe {
            libc::kill(self.pid(), libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "process ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "motcua_jobs_{name}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `motcua ARGS…` and returns it with the first line it printed on stdout.
fn start(db: &TestDb, config: &Path, args: &[&str], stderr: &Path) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .args(["--database-url", &db.url, "--config"])
        .arg(config)
        .env("MOTCUA_LOG", "info,sqlx=warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (Proc { child }, line.trim().to_owned())
}

async fn seeded(backend: Backend) -> (TestDb, App, i64) {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url, 4).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db, Settings::default(), Arc::new(SystemClock));
    demo::seed(&app).await.expect("seed demo data");
    let tenant = tenancy::resolve(&app, None, Some(demo::TENANT_CODE))
        .await
        .unwrap()
        .id;
    (test_db, app, tenant)
}

async fn wait_until<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn workers_run_every_job_once_and_take_over_from_a_killed_one(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    // PostgreSQL: three instances share the queue. SQLite serves one instance: a replacement
    // process takes over after the kill.
    let (workers, n) = match backend {
        Backend::Postgres => (3, 48_i64),
        Backend::Sqlite => (1, 16_i64),
    };
    motcua_app::jobs::enqueue_probes(&app, tenant, n as u32, 800)
        .await
        .unwrap();
    let dir = temp_dir("workers");
    let config = dir.join("motcua.toml");
    std::fs::write(
        &config,
        "[jobs]\nlease_seconds = 2\npoll_millis = 100\nconcurrency = 4\nbackoff_seconds = 1\n",
    )
    .unwrap();
    let mut procs: Vec<(String, Proc)> = (0..workers)
        .map(|i| {
            let (p, line) = start(&db, &config, &["worker"], &dir.join(format!("w{i}.log")));
            let id = line
                .strip_prefix("worker ")
                .and_then(|l| l.strip_suffix(" started"))
                .unwrap_or_else(|| panic!("first line names the worker: {line}"))
                .to_owned();
            (id, p)
        })
        .collect();

    // Kill the first worker while it holds leases on jobs it is running.
    let (victim, mut victim_proc) = procs.remove(0);
    let held: Vec<i64> = wait_until("the first worker to hold leases", 30, async || {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM jobs WHERE tenant_id = $1 AND kind = 'probe' AND state = 'running' AND lease_owner = $2",
        )
        .bind(tenant)
        .bind(&victim)
        .fetch_all(&reader)
        .await
        .unwrap();
        (!ids.is_empty()).then(|| ids.into_iter().map(|(id,)| id).collect())
    })
    .await;
    victim_proc.kill_hard();
    let killed_at = Instant::now();
    if backend == Backend::Sqlite {
        let (p, line) = start(&db, &config, &["worker"], &dir.join("replacement.log"));
        procs.push((line, p));
    }

    wait_until("every probe job to be done", 90, async || {
        let (done,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'probe' AND state = 'done'",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        (done == n).then_some(())
    })
    .await;

    // Exactly once: one effect per job, none twice.
    let (effects, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT job_id) FROM job_probes WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!((effects, distinct), (n, n));
    // The killed worker's jobs were finished by another worker, on a second attempt, after
    // the lease ran out.
    for id in &held {
        let (worker,): (String,) =
            sqlx::query_as("SELECT worker FROM job_probes WHERE tenant_id = $1 AND job_id = $2")
                .bind(tenant)
                .bind(id)
                .fetch_one(&reader)
                .await
                .unwrap();
        assert_ne!(worker, victim, "job {id} was finished by the killed worker");
        let (attempts,): (i64,) =
            sqlx::query_as("SELECT attempts FROM jobs WHERE tenant_id = $1 AND id = $2")
                .bind(tenant)
                .bind(id)
                .fetch_one(&reader)
                .await
                .unwrap();
        assert_eq!(attempts, 2, "job {id}");
    }
    assert!(
        killed_at.elapsed() >= Duration::from_secs(1),
        "the killed worker's jobs waited for their leases"
    );
    if backend == Backend::Postgres {
        let (survivors,): (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT worker) FROM job_probes WHERE tenant_id = $1 AND worker <> $2",
        )
        .bind(tenant)
        .bind(&victim)
        .fetch_one(&reader)
        .await
        .unwrap();
        assert_eq!(survivors, 2, "both remaining workers took jobs");
    }
    let (dead,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND state = 'dead'")
            .bind(tenant)
            .fetch_one(&reader)
            .await
            .unwrap();
    assert_eq!(dead, 0);
    // SIGTERM: the remaining workers stop cleanly.
    for (_, mut p) in procs {
        assert!(p.terminate().success());
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A request the gateway accepted: path, Idempotency-Key header, JSON body.
type Accepted = (String, Option<String>, Value);

/// A fake SMS / Zalo gateway: records what it accepted; Zalo can be made to fail with 503.
#[derive(Clone, Default)]
struct Gateway {
    accepted: Arc<Mutex<Vec<Accepted>>>,
    zalo_down: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
}

impl Gateway {
    fn accepted(&self, path: &str) -> Vec<(Option<String>, Value)> {
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

async fn gateway() -> (Gateway, String) {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, Uri};
    let gw = Gateway::default();
    async fn receive(
        State(gw): State<Gateway>,
        uri: Uri,
        headers: HeaderMap,
        axum::Json(body): axum::Json<Value>,
    ) -> StatusCode {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer gw-secret") {
            return StatusCode::UNAUTHORIZED;
        }
        if uri.path() == "/zalo" && gw.zalo_down.load(Ordering::SeqCst) {
            gw.refused.fetch_add(1, Ordering::SeqCst);
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        gw.accepted
            .lock()
            .unwrap()
            .push((uri.path().to_owned(), key, body));
        StatusCode::ACCEPTED
    }
    let app = axum::Router::new()
        .route("/sms", axum::routing::post(receive))
        .route("/zalo", axum::routing::post(receive))
        .with_state(gw.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (gw, base)
}

/// aiosmtpd writing every message it receives into a Maildir.
fn smtp_sink(maildir: &Path) -> (Proc, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd is needed (scripts/ensure-smtp-sink.sh)");
    let mut sink = Proc { child };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = sink.child.try_wait().unwrap() {
            let mut err = String::new();
            let _ = sink.child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("aiosmtpd exited ({status}): {err}; run scripts/ensure-smtp-sink.sh");
        }
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (sink, port)
}

/// The messages in the Maildir, decoded by Python's e-mail parser: to, subject, body, id.
fn mails(maildir: &Path) -> Vec<Value> {
    let script = r#"
import json, mailbox, sys
from email import policy
from email.parser import BytesParser
out = []
for key, msg in mailbox.Maildir(sys.argv[1], factory=None, create=False).items():
    m = BytesParser(policy=policy.default).parsebytes(msg.as_bytes())
    out.append({"to": str(m["to"]), "from": str(m["from"]), "subject": str(m["subject"]),
                "message_id": str(m["message-id"]), "body": m.get_content()})
print(json.dumps(out, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(maildir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn login(base: &str, user: &str) -> (reqwest::Client, String) {
    let c = client();
    let r: Value = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "login": user, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (c, r["csrf_token"].as_str().unwrap().to_owned())
}

async fn post(who: &(reqwest::Client, String), url: String, body: Value) -> reqwest::Response {
    who.0
        .post(url)
        .header("x-csrf-token", &who.1)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn applicants_are_told_by_email_sms_and_zalo(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("notify");
    let maildir = dir.join("maildir");
    let (_sink, smtp_port) = smtp_sink(&maildir);
    let (gw, gw_base) = gateway().await;
    gw.zalo_down.store(true, Ordering::SeqCst);
    let config = dir.join("motcua.toml");
    std::fs::write(
        &config,
        format!(
            "default_tenant = \"{tenant_code}\"\n\
             [jobs]\nlease_seconds = 5\npoll_millis = 100\nbackoff_seconds = 1\nmax_attempts = 3\n\
             [notify]\nsmtp_url = \"smtp://127.0.0.1:{smtp_port}\"\n\
             sms_gateway_url = \"{gw_base}/sms\"\nzalo_gateway_url = \"{gw_base}/zalo\"\n\
             gateway_token = \"gw-secret\"\ntimeout_seconds = 5\npublic_url = \"https://motcua.sonla.gov.vn\"\n\
             [notify.tenants.{tenant_code}]\nchannels = [\"email\", \"sms\", \"zalo\"]\n\
             email_from = \"Bộ phận Một cửa phường Chiềng Lề <motcua@sonla.gov.vn>\"\n\
             signature = \"UBND phường Chiềng Lề\"\nsms_sender = \"SONLA\"\nzalo_oa_id = \"4318\"\n",
            tenant_code = demo::TENANT_CODE
        ),
    )
    .unwrap();
    let log = dir.join("serve.log");
    let (mut serve, line) = start(&db, &config, &["serve", "--bind", "127.0.0.1:0"], &log);
    let base = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();

    let counter = login(&base, "motcua.chiengle").await;
    let leader = login(&base, "lanhdao.chiengle").await;
    let specialist = login(&base, "chuyenvien.chiengle").await;
    let admin = login(&base, "quantri").await;
    let response = post(
        &counter,
        format!("{base}/api/v1/files"),
        json!({
            "procedure_code": "1.001193",
            "channel": "counter",
            "applicant": { "name": "Lò Thị Mai", "phone": "0912 345 678", "email": "lo.thi.mai@example.vn",
                           "address": "Tổ 2, phường Chiềng Lề" },
            "documents": ["Tờ khai đăng ký khai sinh"]
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let id = receipt["file_id"].as_i64().unwrap();
    let appointment = receipt["appointment_date"].as_str().unwrap().to_owned();
    let (y, rest) = appointment.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let appointment_vi = format!("{d}/{m}/{y}");

    // The e-mail reached the SMTP server, in Vietnamese, naming the file code.
    let first = wait_until("the receipt e-mail", 30, async || {
        let all = mails(&maildir);
        (!all.is_empty()).then(|| all[0].clone())
    })
    .await;
    assert_eq!(first["subject"], format!("Hồ sơ {code} đã được tiếp nhận"));
    assert!(
        first["to"]
            .as_str()
            .unwrap()
            .contains("lo.thi.mai@example.vn")
    );
    assert!(
        first["from"]
            .as_str()
            .unwrap()
            .contains("motcua@sonla.gov.vn")
    );
    let body = first["body"].as_str().unwrap();
    assert!(body.starts_with("Kính gửi ông/bà Lò Thị Mai,"), "{body}");
    assert!(
        body.contains(&format!(
            "Hồ sơ {code} (Thủ tục đăng ký khai sinh) đã được tiếp nhận."
        )),
        "{body}"
    );
    assert!(
        body.contains(&format!("Ngày hẹn trả kết quả: {appointment_vi}.")),
        "{body}"
    );
    assert!(
        body.contains("https://motcua.sonla.gov.vn/tra-cuu"),
        "{body}"
    );
    assert!(body.contains("UBND phường Chiềng Lề"), "{body}");

    // The SMS went to the gateway with the digits of the phone number and an idempotency key.
    let sms = wait_until("the receipt SMS", 30, async || {
        let s = gw.accepted("/sms");
        (!s.is_empty()).then_some(s)
    })
    .await;
    let (key, message) = &sms[0];
    assert_eq!(message["to"], "0912345678");
    assert_eq!(message["sender"], "SONLA");
    assert_eq!(key.as_deref(), message["reference"].as_str());
    assert!(
        message["text"].as_str().unwrap().starts_with(&format!(
            "Hồ sơ {code} (Thủ tục đăng ký khai sinh) đã được tiếp nhận."
        )),
        "{message}"
    );

    // Zalo is down: three attempts with backoff, then a dead letter administrators see.
    let dead = wait_until("the Zalo message to be dead-lettered", 60, async || {
        let r = admin
            .0
            .get(format!("{base}/api/v1/admin/jobs?state=dead"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let list: Vec<Value> = r.json().await.unwrap();
        list.into_iter().next()
    })
    .await;
    assert_eq!(dead["kind"], "notify");
    assert_eq!(dead["attempts"], 3);
    assert_eq!(dead["last_error"], "zalo gateway answered 503");
    assert_eq!(gw.refused.load(Ordering::SeqCst), 3);
    assert!(gw.accepted("/zalo").is_empty());
    // Only administrators see the queue.
    let r = counter
        .0
        .get(format!("{base}/api/v1/admin/jobs?state=dead"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = admin
        .0
        .get(format!("{base}/api/v1/admin/jobs?state=lost"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );

    // Metrics: queue depth by state and the failures.
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("motcua_jobs{state=\"dead\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("motcua_job_runs_total{kind=\"notify\",outcome=\"dead\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("motcua_job_runs_total{kind=\"notify\",outcome=\"retry\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("motcua_job_wait_seconds"), "{metrics}");

    // The gateway is back; the administrator retries the dead letter and it goes out once.
    gw.zalo_down.store(false, Ordering::SeqCst);
    let dead_id = dead["id"].as_i64().unwrap();
    let r = post(
        &admin,
        format!("{base}/api/v1/admin/jobs/{dead_id}/retry"),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = post(
        &admin,
        format!("{base}/api/v1/admin/jobs/{dead_id}/retry"),
        json!({}),
    )
    .await;
    assert_eq!(
        problem(again).await,
        (StatusCode::CONFLICT, "job_not_dead".into())
    );
    let zalo = wait_until("the retried Zalo message", 30, async || {
        let z = gw.accepted("/zalo");
        (!z.is_empty()).then_some(z)
    })
    .await;
    assert_eq!(zalo[0].1["sender"], "4318");
    assert!(zalo[0].1["text"].as_str().unwrap().contains(&code));

    // A supplement request: the applicant is told what is missing, on every channel.
    let act = |who, version: i64, action: Value| {
        post(
            who,
            format!("{base}/api/v1/files/{id}/actions"),
            json!({ "action": action, "version": version }),
        )
    };
    let v = receipt["version"].as_i64().unwrap();
    let r: Value = act(
        &leader,
        v,
        json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let v = r["version"].as_i64().unwrap();
    let r: Value = act(&specialist, v, json!({ "kind": "start_examination" }))
        .await
        .json()
        .await
        .unwrap();
    let v = r["version"].as_i64().unwrap();
    let r = act(
        &specialist,
        v,
        json!({ "kind": "request_supplement", "missing_items": ["Bản sao Giấy chứng sinh"] }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let second = wait_until("the supplement e-mail", 30, async || {
        let all = mails(&maildir);
        all.into_iter()
            .find(|m| m["subject"] == format!("Hồ sơ {code} cần bổ sung, hoàn thiện"))
    })
    .await;
    assert!(
        second["body"]
            .as_str()
            .unwrap()
            .contains("cần bổ sung, hoàn thiện: Bản sao Giấy chứng sinh."),
        "{second}"
    );
    wait_until("the supplement SMS and Zalo message", 30, async || {
        (gw.accepted("/sms").len() == 2 && gw.accepted("/zalo").len() == 2).then_some(())
    })
    .await;

    // Nothing was sent twice: two messages per channel, each with its own key.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mails(&maildir).len(), 2);
    for path in ["/sms", "/zalo"] {
        let got = gw.accepted(path);
        assert_eq!(got.len(), 2, "{path}");
        assert_ne!(got[0].0, got[1].0);
    }
    // Every outbox message became exactly one job.
    let (outbox, dispatched, jobs): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE tenant_id = $1),
                (SELECT COUNT(*) FROM outbox WHERE tenant_id = $1 AND dispatched_at IS NOT NULL),
                (SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'file.changed')",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!((dispatched, jobs), (outbox, outbox));

    assert!(serve.terminate().success());
    // No personal data in the logs.
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains("job worker started"), "{logs}");
    for secret in ["Lò Thị Mai", "lo.thi.mai", "0912", "345 678", "Chiềng Lề"] {
        assert!(!logs.contains(secret), "`{secret}` in the logs:\n{logs}");
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

on_both_backends!(
    workers_exactly_once_and_take_over => workers_run_every_job_once_and_take_over_from_a_killed_one,
    notifications => applicants_are_told_by_email_sms_and_zalo,
);
