//! Crash test: `motcua serve` is killed with SIGKILL at random moments while clients receive
//! files and move them through their workflow, then restarted, several times, on SQLite and
//! PostgreSQL. Afterwards: every change the server acknowledged is there, no file code was
//! handed out twice, no file is half-changed (its history has one entry per version), sessions
//! survived the crashes, the audit trail verifies and the report aggregates equal a recount.
//!
//! `MOTCUA_CRASH_ROUNDS` sets the number of kills (default 4).

mod common;

use common::client;
use common::process::{Proc, seeded, start, temp_dir};
use motcua_app::demo;
use motcua_testkit::{Backend, on_both_backends};
use reqwest::Client;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server acknowledged: file id → (code, highest version it answered with).
type Acked = Arc<Mutex<HashMap<i64, (String, i64)>>>;

struct User {
    client: Client,
    csrf: String,
}

async fn sign_in(base: &str, login: &str) -> User {
    let client = client();
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "login": login, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    User {
        client,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

/// POSTs and returns the JSON of a 2xx answer; `None` when the server is gone (or refused).
async fn post(user: &User, url: String, body: Value) -> Option<Value> {
    let response = user
        .client
        .post(url)
        .header("x-csrf-token", &user.csrf)
        .json(&body)
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status.is_server_error() || status == reqwest::StatusCode::SERVICE_UNAVAILABLE,
            "refused: {status} {text}"
        );
        return None;
    }
    response.json().await.ok()
}

/// One client: files from intake to hand-over, until the server dies.
async fn client_loop(base: String, users: Arc<[User; 3]>, acked: Acked, who: usize) {
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
    for n in 0.. {
        let intake = json!({
            "procedure_code": "1.001193",
            "channel": "counter",
            "applicant": { "name": format!("Người nộp {who}-{n}"), "phone": "0912 000 111" },
            "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        });
        let Some(receipt) = post(counter, format!("{base}/api/v1/files"), intake).await else {
            return;
        };
        let id = receipt["file_id"].as_i64().unwrap();
        let code = receipt["code"].as_str().unwrap().to_owned();
        let mut version = receipt["version"].as_i64().unwrap();
        acked.lock().unwrap().insert(id, (code.clone(), version));
        for (user, action) in &steps {
            let url = format!("{base}/api/v1/files/{id}/actions");
            let body = json!({ "action": action, "version": version });
            let Some(file) = post(user, url, body).await else {
                return;
            };
            version = file["version"].as_i64().unwrap();
            acked.lock().unwrap().insert(id, (code.clone(), version));
        }
    }
}

fn serve(db: &motcua_testkit::TestDb, config: &Path, log: &Path) -> (Proc, String) {
    let (proc, line) = start(db, config, &["serve", "--bind", "127.0.0.1:0"], log);
    let base = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line gives the address: {line} (see {log:?})"))
        .to_owned();
    (proc, base)
}

async fn acknowledged_changes_survive_sigkill(backend: Backend) {
    let (db, app, tenant) = seeded(backend).await;
    let rounds: u64 = std::env::var("MOTCUA_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4);
    let dir = temp_dir("crash");
    let config = dir.join("motcua.toml");
    std::fs::write(&config, "[jobs]\npoll_millis = 100\n").unwrap();
    let acked: Acked = Arc::default();
    let mut users: Option<Arc<[User; 3]>> = None;
    // A small deterministic generator for the kill moments (xorshift).
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64 ^ rounds;
    for round in 0..rounds {
        let (mut server, base) = serve(&db, &config, &dir.join(format!("serve{round}.log")));
        // Sessions are in the database: the ones made before the first crash still work.
        if users.is_none() {
            users = Some(Arc::new([
                sign_in(&base, "motcua.chiengle").await,
                sign_in(&base, "chuyenvien.chiengle").await,
                sign_in(&base, "lanhdao.chiengle").await,
            ]));
        }
        let users = users.clone().unwrap();
        let before = acked.lock().unwrap().len();
        let clients: Vec<_> = (0..4)
            .map(|who| tokio::spawn(client_loop(base.clone(), users.clone(), acked.clone(), who)))
            .collect();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_millis(800 + seed % 2_000);
        tokio::time::sleep(wait).await;
        server.kill_hard();
        for c in clients {
            c.await.unwrap();
        }
        let after = acked.lock().unwrap().len();
        assert!(
            after > before,
            "round {round}: no file was received in {wait:?} (see {:?})",
            dir.join(format!("serve{round}.log"))
        );
    }

    // Restarted once more, the server answers with everything it acknowledged.
    let (mut server, base) = serve(&db, &config, &dir.join("final.log"));
    let reader = app.db.reader().clone();
    let acked = acked.lock().unwrap().clone();
    for (id, (code, version)) in &acked {
        let (stored_code, stored_version, events): (String, i64, i64) = sqlx::query_as(
            "SELECT f.code, f.version,
                    (SELECT COUNT(*) FROM file_events e WHERE e.tenant_id = f.tenant_id AND e.file_id = f.id)
               FROM files f WHERE f.tenant_id = $1 AND f.id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_one(&reader)
        .await
        .unwrap_or_else(|e| panic!("acknowledged file {id} ({code}) is missing: {e}"));
        assert_eq!(&stored_code, code);
        assert!(
            stored_version >= *version,
            "file {code}: acknowledged version {version}, stored {stored_version}"
        );
        assert_eq!(
            events,
            stored_version + 1,
            "file {code}: history and version disagree"
        );
    }
    // No file anywhere is half-changed, and no code was handed out twice.
    let (files, codes, torn): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT code),
                SUM(CASE WHEN version + 1 <> (SELECT COUNT(*) FROM file_events e
                                               WHERE e.tenant_id = f.tenant_id AND e.file_id = f.id)
                         THEN 1 ELSE 0 END)
           FROM files f WHERE f.tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!(files, codes, "a file code was issued twice");
    assert_eq!(torn, 0, "files whose history does not match their version");
    let me = users.unwrap()[0]
        .client
        .get(format!("{base}/api/v1/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), reqwest::StatusCode::OK, "the session survived");
    server.kill_hard();

    // The audit trail verifies, and the report aggregates equal a full recount (each command
    // exits non-zero on a difference).
    for check in [["audit", "verify"], ["report", "verify"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(check)
            .args(["--database-url", &db.url, "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{check:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "{backend:?}: {rounds} kills, {} files acknowledged, {files} files in all",
        acked.len()
    );
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

on_both_backends!(crashes => acknowledged_changes_survive_sigkill);
