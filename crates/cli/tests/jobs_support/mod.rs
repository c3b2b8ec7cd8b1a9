//! Real processes for the job tests: `motcua` children killed on drop, an SMTP sink
//! (aiosmtpd) and a fake SMS/Zalo gateway that records what it accepted.
#![allow(dead_code)]

use super::common::client;
use motcua_app::demo;
use motcua_testkit::TestDb;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child process killed (SIGKILL) when dropped, so a failing test leaves nothing running.
pub struct Proc {
    pub child: Child,
}

impl Proc {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status (graceful shutdown).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
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

pub fn temp_dir(name: &str) -> PathBuf {
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
pub fn start(db: &TestDb, config: &Path, args: &[&str], stderr: &Path) -> (Proc, String) {
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

pub async fn wait_until<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A request the gateway accepted: path, Idempotency-Key header, JSON body.
pub type Accepted = (String, Option<String>, Value);

/// A fake SMS / Zalo gateway: records what it accepted; Zalo can be made to fail with 503.
#[derive(Clone, Default)]
pub struct Gateway {
    pub accepted: Arc<Mutex<Vec<Accepted>>>,
    pub zalo_down: Arc<AtomicBool>,
    pub refused: Arc<AtomicUsize>,
    /// Answer only after 2.5 s (the message is still taken: the sender timed out, not us).
    pub slow: Arc<AtomicBool>,
}

impl Gateway {
    pub fn accepted(&self, path: &str) -> Vec<(Option<String>, Value)> {
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

pub async fn gateway() -> (Gateway, String) {
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
        if gw.slow.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(2500)).await;
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
pub fn smtp_sink(maildir: &Path) -> (Proc, u16) {
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
pub fn mails(maildir: &Path) -> Vec<Value> {
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

pub async fn login(base: &str, user: &str) -> (reqwest::Client, String) {
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

pub async fn post(who: &(reqwest::Client, String), url: String, body: Value) -> reqwest::Response {
    who.0
        .post(url)
        .header("x-csrf-token", &who.1)
        .json(&body)
        .send()
        .await
        .unwrap()
}
