//! A real server on a random port, over a fresh database holding the demo data.
#![allow(dead_code)]

pub mod process;

use motcua_app::{App, Db, Settings, SystemClock, demo};
use motcua_testkit::{Backend, TestDb};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

pub struct Server {
    pub base: String,
    pub app: App,
    pub backend: Backend,
    // Dropped last: the database outlives the server task's connections being closed.
    _db: TestDb,
}

pub async fn spawn(backend: Backend) -> Server {
    spawn_with_clock(backend, Arc::new(SystemClock)).await
}

/// A server whose clock reads a working moment when it starts (Wednesday 9 December 2026,
/// 10:00 local) and then runs at real speed: for tests whose expectations hold in working
/// hours only (a same-day procedure finished within the day, today's appointments), which
/// failed when the suite ran after local midnight.
pub async fn spawn_in_working_hours(backend: Backend) -> Server {
    spawn_at(backend, "2026-12-09T10:00:00+07:00").await
}

/// A server whose clock reads `start` (RFC 3339) when it starts and then runs at real speed.
pub async fn spawn_at(backend: Backend, start: &str) -> Server {
    struct Shifted(jiff::SignedDuration);
    impl motcua_app::Clock for Shifted {
        fn now(&self) -> jiff::Timestamp {
            jiff::Timestamp::now() + self.0
        }
    }
    let start: jiff::Timestamp = start.parse().unwrap();
    let shift = start.duration_since(jiff::Timestamp::now());
    spawn_with_clock(backend, Arc::new(Shifted(shift))).await
}

async fn spawn_with_clock(backend: Backend, clock: Arc<dyn motcua_app::Clock>) -> Server {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url, 5).await.expect("connect");
    db.migrate().await.expect("migrate");
    let settings = Settings {
        attachments_dir: test_db.scratch_dir("attachments"),
        ..Settings::default()
    };
    let app = App::new(db, settings, clock);
    demo::seed(&app).await.expect("seed demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = motcua_web::WebConfig {
        default_tenant: Some(demo::TENANT_CODE.into()),
        ..Default::default()
    };
    let router = motcua_web::router(app.clone(), config);
    tokio::spawn(motcua_web::serve(listener, router, std::future::pending()));
    Server {
        base,
        app,
        backend,
        _db: test_db,
    }
}

/// A client with its own cookie jar, optionally signed in.
pub struct Session {
    pub client: Client,
    pub csrf: String,
    pub base: String,
}

/// The same application (database, settings) with its clock set `days` ahead: for retention.
#[allow(dead_code)] // not every test file needs it
pub fn app_days_later(app: &App, days: i64) -> App {
    struct Later(jiff::Timestamp);
    impl motcua_app::Clock for Later {
        fn now(&self) -> jiff::Timestamp {
            self.0
        }
    }
    App::new(
        app.db.clone(),
        app.settings.clone(),
        Arc::new(Later(
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days),
        )),
    )
}

/// Posts a URL-encoded form; the status and either the redirect target or the page.
#[allow(dead_code)] // not every test file posts forms
pub async fn post_form(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let r = s
        .client
        .post(format!("{}{path}", s.base))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (status, location.unwrap_or(r.text().await.unwrap()))
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Server {
    pub fn db_url(&self) -> String {
        self._db.url.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn anonymous(&self) -> Session {
        Session {
            client: client(),
            csrf: String::new(),
            base: self.base.clone(),
        }
    }

    pub async fn login(&self, login: &str) -> Session {
        self.login_with(login, demo::DEMO_PASSWORD)
            .await
            .expect("demo login")
    }

    pub async fn login_with(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Session, (StatusCode, Value)> {
        let client = client();
        let response = client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != StatusCode::OK {
            return Err((status, body));
        }
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        Ok(Session {
            client,
            csrf,
            base: self.base.clone(),
        })
    }
}

impl Session {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// Sends JSON with the session's CSRF token.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

/// Reads a problem+json response and returns (status, code), checking the media type.
pub async fn problem(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(
        content_type, "application/problem+json",
        "status {status}: {body}"
    );
    assert_eq!(body["status"].as_u64(), Some(u64::from(status.as_u16())));
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

pub fn procedure_json(code: &str, name: &str) -> Value {
    json!({
        "code": code,
        "name": name,
        "field_code": "HOTICH",
        "level": "xa",
        "processing_time": { "value": 3, "unit": "working_days" },
        "fees": [{ "description": "Lệ phí cấp bản sao", "amount_vnd": 8000 }],
        "documents": [{ "name": "Tờ khai theo mẫu", "copies": 1, "template": null }],
        "channels": { "counter": true, "post": true, "online": "partial" },
        "online_payment": false,
        "result": "Bản sao trích lục",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "agency": "Ủy ban nhân dân cấp xã"
    })
}

/// The text of a PDF (pdftotext; `scripts/ensure-pdftools.sh` installs it), spaces collapsed.
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "motcua-test-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/ensure-pdftools.sh installs it)");
    let _ = std::fs::remove_file(&path);
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
