//! Notification faults and gaps (issue 10), with real processes as in jobs.rs: `motcua serve`
//! and `motcua worker`, aiosmtpd (with a handler that refuses on demand) and the fake gateway.
//! - a feedback's sender is told once that the answer is out, on the contact they gave,
//!   respecting opt-outs, with nothing personal in the logs;
//! - SMTP 550 dead-letters at once, 451 is retried with backoff and delivered once;
//! - a worker whose wall clock jumps neither steals nor loses leases (the database's clock
//!   judges them);
//! - Zalo events outside the replay window are refused; a re-delivered one is answered once;
//! - opt-out contacts are hashed under a key (configured or per tenant); old rows still work.

mod common;
mod jobs_support;

use common::problem;
use common::process::seeded;
use hmac::{Hmac, Mac};
use jobs_support::*;
use motcua_app::demo;
use motcua_testkit::{Backend, TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const APP_ID: &str = "3608465249";
const OA_SECRET: &str = "oa-secret-key";

/// Config for `serve`: applicant channels, e-mail to `smtp_port`, gateways at `gw_base`.
fn config(dir: &Path, smtp_port: u16, gw_base: &str, channels: &str, extra: &str) -> PathBuf {
    let path = dir.join("motcua.toml");
    std::fs::write(
        &path,
        format!(
            "default_tenant = \"{t}\"\npublic_url = \"https://motcua.sonla.gov.vn\"\nattachments_dir = \"{att}\"\n{extra}\n\
             [jobs]\nlease_seconds = 5\npoll_millis = 100\nbackoff_seconds = 1\nmax_attempts = 4\n\
             [notify]\nsmtp_url = \"smtp://127.0.0.1:{smtp_port}\"\n\
             sms_gateway_url = \"{gw_base}/sms\"\nzalo_gateway_url = \"{gw_base}/zalo\"\n\
             gateway_token = \"gw-secret\"\ntimeout_seconds = 5\npublic_url = \"https://motcua.sonla.gov.vn\"\n\
             reminders_on_working_days_only = true\nstaff_reminders = false\n\
             [notify.tenants.{t}]\nchannels = [{channels}]\n\
             email_from = \"Một cửa Sơn La <motcua@sonla.gov.vn>\"\nsignature = \"UBND phường Chiềng Lề\"\nzalo_oa_id = \"4318\"\n\
             [chat]\nreplay_window_seconds = 300\n\
             [chat.zalo.{t}]\napp_id = \"{APP_ID}\"\noa_secret_key = \"{OA_SECRET}\"\n",
            t = demo::TENANT_CODE,
            att = dir.join("files").display(),
        ),
    )
    .unwrap();
    path
}

fn mails_to(maildir: &Path, address: &str) -> Vec<Value> {
    mails(maildir)
        .into_iter()
        .filter(|m| m["to"].as_str().unwrap_or_default().contains(address))
        .collect()
}

fn base_of(line: &str) -> String {
    line.strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned()
}

async fn count(db: &sqlx::AnyPool, sql: &str, tenant: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(tenant)
        .fetch_one(db)
        .await
        .unwrap();
    n
}

/// Waits until no job of the tenant is queued or running.
async fn drained(db: &sqlx::AnyPool, tenant: i64) {
    wait_until("the queue to drain", 60, async || {
        (count(
            db,
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND state IN ('queued', 'running')",
            tenant,
        )
        .await
            == 0)
            .then_some(())
    })
    .await;
}

/// Submits a feedback item as an anonymous citizen (answering the check question).
async fn send_feedback(base: &str, sender: Value) -> (i64, String) {
    let c = common::client();
    let ch: Value = c
        .get(format!("{base}/api/v1/feedback/challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let q = ch["question"].as_str().unwrap();
    let nums: Vec<u32> = q
        .split(|x: char| !x.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap())
        .collect();
    let r = c
        .post(format!("{base}/api/v1/feedback"))
        .json(&json!({
            "subject": "procedure", "subject_ref": "1.001193",
            "title": "Thời gian chờ ở Bộ phận Một cửa quá lâu",
            "content": "Tôi chờ 3 tiếng mới được tiếp nhận hồ sơ.",
            "sender": sender, "consent": true,
            "challenge": { "token": ch["token"], "answer": (nums[0] + nums[1]).to_string() },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    (
        receipt["id"].as_i64().unwrap(),
        receipt["code"].as_str().unwrap().to_owned(),
    )
}

async fn act(who: &(reqwest::Client, String), base: &str, id: i64, action: Value) {
    let r = post(
        who,
        format!("{base}/api/v1/feedback/{id}/actions"),
        json!({ "action": action }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

struct Staff {
    cchc: (reqwest::Client, String),
    specialist: (reqwest::Client, String),
    leader: (reqwest::Client, String),
}

/// Forward, answer, approve: the answer is out to the sender.
async fn answer(s: &Staff, base: &str, id: i64) {
    act(
        &s.cchc,
        base,
        id,
        json!({ "action": "forward", "unit_code": "000.21.20.H48" }),
    )
    .await;
    act(
        &s.specialist,
        base,
        id,
        json!({ "action": "answer", "text": "Đã bố trí thêm một quầy tiếp nhận." }),
    )
    .await;
    act(&s.leader, base, id, json!({ "action": "approve" })).await;
}

async fn feedback_sender_is_told_once(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("fb_answered");
    let maildir = dir.join("maildir");
    let (_sink, smtp_port) = smtp_sink(&maildir);
    let (gw, gw_base) = gateway().await;
    let config = config(&dir, smtp_port, &gw_base, "\"email\", \"sms\"", "");
    let log = dir.join("serve.log");
    let (mut serve, line) = start(&db, &config, &["serve", "--bind", "127.0.0.1:0"], &log);
    let base = base_of(&line);
    let staff = Staff {
        cchc: login(&base, "cchc").await,
        specialist: login(&base, "chuyenvien.chiengle").await,
        leader: login(&base, "lanhdao.chiengle").await,
    };

    // A sender with an e-mail address and a phone: one e-mail, no SMS.
    let (id, code) = send_feedback(
        &base,
        json!({ "name": "Trần Thị Phản Ánh", "phone": "0911222333", "email": "phananh@example.vn" }),
    )
    .await;
    drained(&reader, tenant).await;
    assert!(mails(&maildir).is_empty(), "nothing before the answer");
    answer(&staff, &base, id).await;
    let mail = wait_until("the e-mail to the sender", 30, async || {
        mails_to(&maildir, "phananh@example.vn").pop()
    })
    .await;
    assert_eq!(
        mail["subject"],
        format!("Phản ánh, kiến nghị {code} đã được trả lời")
    );
    let body = mail["body"].as_str().unwrap();
    assert!(
        body.starts_with("Kính gửi ông/bà Trần Thị Phản Ánh,"),
        "{body}"
    );
    assert!(
        body.contains("Xem nội dung trả lời tại https://motcua.sonla.gov.vn/phan-anh/tra-cuu"),
        "{body}"
    );
    // Publishing and closing it later tells them nothing more.
    act(
        &staff.cchc,
        &base,
        id,
        json!({ "action": "publish", "public_title": "Thời gian chờ tại Bộ phận Một cửa" }),
    )
    .await;
    act(&staff.cchc, &base, id, json!({ "action": "close" })).await;
    drained(&reader, tenant).await;
    assert_eq!(mails_to(&maildir, "phananh@example.vn").len(), 1);
    assert!(
        gw.accepted("/sms").is_empty(),
        "e-mail only: {:?}",
        gw.accepted("/sms")
    );

    // A sender with a phone only: one SMS.
    let (id2, code2) = send_feedback(
        &base,
        json!({ "name": "Lò Văn Gọi", "phone": "0977 888 999" }),
    )
    .await;
    answer(&staff, &base, id2).await;
    let sms = wait_until("the SMS to the sender", 30, async || {
        gw.accepted("/sms").pop()
    })
    .await;
    assert_eq!(sms.1["to"], "0977888999");
    assert!(
        sms.1["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Phản ánh, kiến nghị {code2} của ông/bà đã được")),
        "{sms:?}"
    );
    assert_eq!(
        sms.0.as_deref(),
        Some(format!("feedback.answered:{id2}").as_str())
    );

    // A phone that stopped SMS (through the opt-out of one of its files) gets none.
    let counter = login(&base, "motcua.chiengle").await;
    let receipt: Value = post(
        &counter,
        format!("{base}/api/v1/files"),
        json!({ "procedure_code": "1.001193", "channel": "counter",
                "applicant": { "name": "Quàng Thị Dừng", "phone": "0966555444" },
                "documents": ["Tờ khai"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/notifications/opt-out"))
        .json(&json!({ "code": receipt["code"], "secret": "0966555444", "channels": ["sms"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    drained(&reader, tenant).await;
    let sms_before = gw.accepted("/sms").len();
    let (id3, _) = send_feedback(
        &base,
        json!({ "name": "Quàng Thị Dừng", "phone": "0966555444" }),
    )
    .await;
    answer(&staff, &base, id3).await;
    wait_until("the third item's message job", 30, async || {
        (count(
            &reader,
            &format!(
                "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND idempotency_key = 'feedback.answered:{id3}' AND state = 'done'"
            ),
            tenant,
        )
        .await
            == 1)
            .then_some(())
    })
    .await;
    drained(&reader, tenant).await;
    assert_eq!(gw.accepted("/sms").len(), sms_before, "opted out");
    assert_eq!(
        count(
            &reader,
            "SELECT COUNT(*) FROM notifications_sent WHERE tenant_id = $1 AND notice = 'feedback_answered'",
            tenant
        )
        .await,
        2
    );

    assert!(serve.terminate().success());
    let logs = std::fs::read_to_string(&log).unwrap();
    for personal in [
        "phananh@example.vn",
        "0911222333",
        "0977888999",
        "0977 888 999",
        "0966555444",
        "Phản Ánh",
        "Lò Văn Gọi",
    ] {
        assert!(!logs.contains(personal), "{personal} in the logs");
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// aiosmtpd with a handler that answers DATA as the control file says: `550` (always), `451 N`
/// (the next N messages), nothing (deliver into the Maildir). Each DATA is logged with its time.
fn refusing_sink(dir: &Path) -> (Proc, u16, PathBuf, PathBuf) {
    let module = dir.join("py");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("refusing.py"),
        r#"
import time
from aiosmtpd.handlers import Mailbox

class Refusing(Mailbox):
    def __init__(self, maildir, control):
        super().__init__(maildir)
        self.control = control

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0], args[1])

    async def handle_DATA(self, server, session, envelope):
        with open(self.control + ".log", "a") as log:
            log.write("%f\n" % time.time())
        try:
            words = open(self.control).read().split()
        except FileNotFoundError:
            words = []
        if words[:1] == ["550"]:
            return "550 5.1.1 Mailbox unavailable"
        if words[:1] == ["451"] and int(words[1]) > 0:
            with open(self.control, "w") as f:
                f.write("451 %d" % (int(words[1]) - 1))
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)
"#,
    )
    .unwrap();
    let maildir = dir.join("maildir");
    let control = dir.join("smtp-control");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "refusing.Refusing"])
        .arg(&maildir)
        .arg(&control)
        .env("PYTHONPATH", &module)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd (scripts/ensure-smtp-sink.sh)");
    let mut sink = Proc { child };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            sink.child.try_wait().unwrap().is_none(),
            "aiosmtpd exited; run scripts/ensure-smtp-sink.sh"
        );
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (sink, port, maildir, control)
}

fn attempts_at_sink(control: &Path) -> Vec<f64> {
    std::fs::read_to_string(control.with_extension("log"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

async fn smtp_refusals(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("smtp_refusal");
    let (_sink, smtp_port, maildir, control) = refusing_sink(&dir);
    let (_gw, gw_base) = gateway().await;
    let config = config(&dir, smtp_port, &gw_base, "\"email\"", "");
    let (mut serve, line) = start(
        &db,
        &config,
        &["serve", "--bind", "127.0.0.1:0"],
        &dir.join("serve.log"),
    );
    let base = base_of(&line);
    let counter = login(&base, "motcua.chiengle").await;
    let receive = |email: &'static str| {
        post(
            &counter,
            format!("{base}/api/v1/files"),
            json!({ "procedure_code": "1.001193", "channel": "counter",
                    "applicant": { "name": "Lò Thị Thư", "email": email },
                    "documents": ["Tờ khai"] }),
        )
    };
    let job_of = |file_id: i64| {
        let reader = reader.clone();
        async move {
            sqlx::query_as::<_, (String, i64, Option<String>)>(
                "SELECT state, attempts, last_error FROM jobs WHERE tenant_id = $1 AND kind = 'notify' AND idempotency_key LIKE $2",
            )
            .bind(tenant)
            .bind(format!("notify:{file_id}:%"))
            .fetch_optional(&reader)
            .await
            .unwrap()
        }
    };

    // 550: dead at the first refusal, with the code and no address in the error.
    std::fs::write(&control, "550").unwrap();
    let first: Value = receive("khongco@example.vn").await.json().await.unwrap();
    let first_id = first["file_id"].as_i64().unwrap();
    let (state, attempts, error) = wait_until("the refused e-mail to be dead", 30, async || {
        job_of(first_id).await.filter(|j| j.0 == "dead")
    })
    .await;
    assert_eq!((state.as_str(), attempts), ("dead", 1));
    let error = error.unwrap();
    assert!(error.contains("550"), "{error}");
    assert!(!error.contains("khongco"), "{error}");
    // No retry storm: the relay saw one attempt, and still does a while later.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(attempts_at_sink(&control).len(), 1);
    assert_eq!(job_of(first_id).await.unwrap().1, 1);

    // 451 twice: retried with backoff (1 s, then 2 s), then delivered once.
    std::fs::write(&control, "451 2").unwrap();
    let second: Value = receive("tamthoi@example.vn").await.json().await.unwrap();
    let second_id = second["file_id"].as_i64().unwrap();
    let (_, attempts, _) = wait_until("the e-mail delivered after 451s", 60, async || {
        job_of(second_id).await.filter(|j| j.0 == "done")
    })
    .await;
    assert_eq!(attempts, 3);
    let tries = attempts_at_sink(&control);
    assert_eq!(tries.len(), 1 + 3, "{tries:?}");
    // Backoff doubles: the second retry waited at least a second (whole-second clock).
    assert!(tries[3] - tries[2] >= 1.0, "{tries:?}");
    assert!(tries[2] > tries[1], "{tries:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let delivered = mails(&maildir);
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert!(
        delivered[0]["to"]
            .as_str()
            .unwrap()
            .contains("tamthoi@example.vn")
    );
    assert_eq!(
        count(
            &reader,
            "SELECT COUNT(*) FROM notifications_sent WHERE tenant_id = $1 AND channel = 'email'",
            tenant
        )
        .await,
        1
    );
    assert!(serve.terminate().success());
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn worker_line_id(line: &str) -> String {
    line.strip_prefix("worker ")
        .and_then(|l| l.strip_suffix(" started"))
        .unwrap_or_else(|| panic!("first line names the worker: {line}"))
        .to_owned()
}

/// Starts `motcua worker` whose wall clock is moved by the seconds in `skew_file`.
fn skewed_worker(db: &TestDb, config: &Path, skew_file: &Path, log: &Path) -> (Proc, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["worker", "--database-url", &db.url, "--config"])
        .arg(config)
        .env("MOTCUA_LOG", "info,sqlx=warn")
        .env("MOTCUA_CLOCK_SKEW_FILE", skew_file)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let mut proc = Proc { child };
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(proc.child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    (proc, worker_line_id(line.trim()))
}

/// Runs `n` probes of 3 s (outliving one heartbeat) and jumps `skew` seconds on the
/// first worker's clock once it holds a lease; every probe must run exactly once.
async fn probes_survive_a_jump(
    app: &motcua_app::App,
    tenant: i64,
    n: i64,
    jumper: &str,
    skew_file: &Path,
    skew: i64,
) {
    let reader = app.db.reader().clone();
    let before = count(
        &reader,
        "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'probe'",
        tenant,
    )
    .await;
    motcua_app::jobs::enqueue_probes(app, tenant, n as u32, 3000)
        .await
        .unwrap();
    wait_until("the jumping worker to hold a lease", 30, async || {
        let (held,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'probe' AND state = 'running' AND lease_owner = $2",
        )
        .bind(tenant)
        .bind(jumper)
        .fetch_one(&reader)
        .await
        .unwrap();
        (held > 0).then_some(())
    })
    .await;
    std::fs::write(skew_file, skew.to_string()).unwrap();
    let total = before + n;
    wait_until(
        &format!("every probe done after a {skew} s jump"),
        60,
        async || {
            (count(
            &reader,
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'probe' AND state = 'done'",
            tenant,
        )
        .await
            == total)
            .then_some(())
        },
    )
    .await;
    let twice: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, attempts FROM jobs WHERE tenant_id = $1 AND kind = 'probe' AND attempts <> 1",
    )
    .bind(tenant)
    .fetch_all(&reader)
    .await
    .unwrap();
    assert!(
        twice.is_empty(),
        "probes claimed again after a {skew} s jump: {twice:?}"
    );
    let (effects, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT job_id) FROM job_probes WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!((effects, distinct), (total, total));
}

async fn leases_survive_clock_jumps(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let dir = temp_dir("clock_jump");
    let config = dir.join("motcua.toml");
    std::fs::write(
        &config,
        // Leases long enough that a loaded machine does not miss a heartbeat (6 s, one
        // every 2 s), probes long enough to be extended once (3 s).
        "[jobs]\nlease_seconds = 6\npoll_millis = 100\nconcurrency = 4\nbackoff_seconds = 1\n",
    )
    .unwrap();
    let skew_a = dir.join("skew-a");
    let skew_b = dir.join("skew-b");
    std::fs::write(&skew_a, "0").unwrap();
    std::fs::write(&skew_b, "0").unwrap();
    let (mut a, jumper) = skewed_worker(&db, &config, &skew_a, &dir.join("a.log"));
    // PostgreSQL: a second worker with a steady clock shares the queue (SQLite serves one).
    let mut b = (backend == Backend::Postgres)
        .then(|| skewed_worker(&db, &config, &skew_b, &dir.join("b.log")).0);
    let n = if b.is_some() { 12 } else { 6 };
    // Forward two hours: the jumper must not take over leases that are still held.
    probes_survive_a_jump(&app, tenant, n, &jumper, &skew_a, 7200).await;
    // Back to two hours behind: its leases must not look over to others, nor new jobs look
    // not yet due to it.
    std::fs::write(&skew_a, "0").unwrap();
    probes_survive_a_jump(&app, tenant, n, &jumper, &skew_a, -7200).await;
    assert!(a.terminate().success());
    if let Some(b) = b.as_mut() {
        assert!(b.terminate().success());
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn zalo_event(msg_id: &str, text: &str, sent_at_ms: i64) -> (String, String) {
    let timestamp = sent_at_ms.to_string();
    let body = json!({
        "app_id": APP_ID, "sender": { "id": "2468458835" }, "recipient": { "id": "4318" },
        "event_name": "user_send_text",
        "message": { "text": text, "msg_id": msg_id }, "timestamp": timestamp
    })
    .to_string();
    let zalo = motcua_app::chat::Zalo {
        app_id: APP_ID.into(),
        oa_secret_key: OA_SECRET.into(),
    };
    let mac = zalo.mac(body.as_bytes(), &timestamp);
    (body, format!("mac={mac}"))
}

async fn webhook(base: &str, (body, signature): &(String, String)) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/chat/zalo"))
        .header("content-type", "application/json")
        .header("x-zevent-signature", signature)
        .body(body.clone())
        .send()
        .await
        .unwrap()
}

async fn zalo_replays_are_refused(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("zalo_replay");
    let (_sink, smtp_port) = smtp_sink(&dir.join("maildir"));
    let (gw, gw_base) = gateway().await;
    let config = config(&dir, smtp_port, &gw_base, "", "");
    let (mut serve, line) = start(
        &db,
        &config,
        &["serve", "--bind", "127.0.0.1:0"],
        &dir.join("serve.log"),
    );
    let base = base_of(&line);
    let now_ms = jiff::Timestamp::now().as_millisecond();

    // Correctly signed, but captured ten minutes ago, or stamped ten minutes ahead.
    for sent in [now_ms - 600_000, now_ms + 600_000] {
        let r = webhook(&base, &zalo_event("old-1", "dang ky khai sinh", sent)).await;
        assert_eq!(
            problem(r).await,
            (StatusCode::UNAUTHORIZED, "stale_event".into())
        );
    }
    // Inside the window: answered.
    let event = zalo_event("new-1", "dang ky khai sinh", now_ms - 60_000);
    let r = webhook(&base, &event).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["replied"], true);
    wait_until("the reply", 30, async || {
        (gw.accepted("/zalo").len() == 1).then_some(())
    })
    .await;
    drained(&reader, tenant).await;
    // Re-delivered: 200, nothing queued, even once the queue's rows are gone.
    let r = webhook(&base, &event).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["replied"], false);
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("DELETE FROM jobs WHERE tenant_id = $1 AND kind = 'chat.reply'")
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = webhook(&base, &event).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["replied"], false);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(gw.accepted("/zalo").len(), 1, "answered once");
    // Seen ids are kept only as long as the window needs.
    let (expires_at,): (i64,) = sqlx::query_as(
        "SELECT expires_at FROM chat_seen_events WHERE tenant_id = $1 AND event_id = 'msg:new-1'",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    let now = now_ms / 1000;
    assert!(
        (now + 300..=now + 420).contains(&expires_at),
        "{expires_at} vs {now}"
    );
    assert!(serve.terminate().success());
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn hmac_hex(key: &str, text: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(text.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One opt-out of SMS with the server configured by `extra`; returns the stored rows.
async fn opt_out_with(
    backend: Backend,
    extra: &str,
) -> (Vec<(String, String)>, Option<String>, i64) {
    let (db, app, tenant) = seeded(backend).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("optout_key");
    let (_sink, smtp_port) = smtp_sink(&dir.join("maildir"));
    let (gw, gw_base) = gateway().await;
    let config = config(&dir, smtp_port, &gw_base, "\"sms\"", extra);
    let (mut serve, line) = start(
        &db,
        &config,
        &["serve", "--bind", "127.0.0.1:0"],
        &dir.join("serve.log"),
    );
    let base = base_of(&line);
    // An opt-out written before migration 0016 (plain SHA-256) still stops messages.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO notify_optouts (tenant_id, contact_hash, channel, created_at) VALUES ($1, $2, 'sms', 0)",
    )
    .bind(tenant)
    .bind(sha256_hex(&format!("optout:{tenant}:phone:0955111222")))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let counter = login(&base, "motcua.chiengle").await;
    let receive = |phone: &'static str| {
        post(
            &counter,
            format!("{base}/api/v1/files"),
            json!({ "procedure_code": "1.001193", "channel": "counter",
                    "applicant": { "name": "Lò Văn Khóa", "phone": phone },
                    "documents": ["Tờ khai"] }),
        )
    };
    let old: Value = receive("0955 111 222").await.json().await.unwrap();
    let first: Value = receive("0912345678").await.json().await.unwrap();
    wait_until("the SMS of the second file", 30, async || {
        (gw.accepted("/sms").len() == 1).then_some(())
    })
    .await;
    drained(&reader, tenant).await;
    assert_eq!(gw.accepted("/sms").len(), 1, "the old opt-out held");
    assert_eq!(gw.accepted("/sms")[0].1["to"], "0912345678");
    let _ = old;
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/notifications/opt-out"))
        .json(&json!({ "code": first["code"], "secret": "0912345678", "channels": ["sms"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The next file of that phone: no SMS.
    receive("0912 345 678").await;
    drained(&reader, tenant).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gw.accepted("/sms").len(), 1, "the new opt-out held");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT contact_hash, keying FROM notify_optouts WHERE tenant_id = $1 ORDER BY keying",
    )
    .bind(tenant)
    .fetch_all(&reader)
    .await
    .unwrap();
    let tenant_key: Option<(String,)> = sqlx::query_as(
        "SELECT secret FROM tenant_secrets WHERE tenant_id = $1 AND name = 'contact_hash_key'",
    )
    .bind(tenant)
    .fetch_optional(&reader)
    .await
    .unwrap();
    assert!(serve.terminate().success());
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
    (rows, tenant_key.map(|k| k.0), tenant)
}

async fn opt_out_hashes_are_keyed(backend: Backend) {
    let plain = |tenant: i64| sha256_hex(&format!("optout:{tenant}:phone:0912345678"));
    // A configured key.
    let (rows, tenant_key, tenant) =
        opt_out_with(backend, "contact_hash_key = \"khoa-bi-mat-cua-tinh\"").await;
    let text = format!("optout:{tenant}:phone:0912345678");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].1, "hmac_config");
    assert_eq!(rows[0].0, hmac_hex("khoa-bi-mat-cua-tinh", &text));
    assert_ne!(rows[0].0, plain(tenant), "not recomputable without the key");
    assert_eq!(rows[1].1, "sha256");
    assert_eq!(tenant_key, None, "no tenant key needed");
    // None configured: a random key per tenant, kept in the database.
    let (rows, tenant_key, tenant) = opt_out_with(backend, "").await;
    let text = format!("optout:{tenant}:phone:0912345678");
    let key = tenant_key.expect("a tenant key was made");
    assert_eq!(key.len(), 64);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].1, "hmac_tenant", "{rows:?}");
    assert_eq!(rows[0].0, hmac_hex(&key, &text));
    assert_ne!(rows[0].0, plain(tenant));
}

on_both_backends!(
    feedback_answered => feedback_sender_is_told_once,
    smtp_refusal => smtp_refusals,
    clock_jumps => leases_survive_clock_jumps,
    zalo_replay => zalo_replays_are_refused,
    optout_keys => opt_out_hashes_are_keyed,
);
