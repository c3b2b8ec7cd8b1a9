//! Real processes for the job tests: `motcua` children killed on drop, an SMTP sink
//! (aiosmtpd) and a fake SMS/Zalo gateway that records what it accepted.
#![allow(dead_code)]

use super::common::client;
use motcua_app::demo;
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[allow(unused_imports)] // each test file uses some of them
pub use super::common::process::{Proc, start, temp_dir, wait_until};

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
