//! `motcua import files PATH.csv`, run as a real process on SQLite and PostgreSQL: good rows
//! become first-class files (queues, detail, lookup, further actions, timeliness), every kind of
//! bad row is reported with its line number and leaves nothing behind, a rerun imports nothing
//! twice, and a run killed with SIGKILL leaves only whole rows that a rerun completes.

use motcua_app::{App, Db, Settings, SystemClock, demo};
use motcua_domain::calendar::timeliness::Resolution;
use motcua_domain::file::FileRecord;
use motcua_testkit::{Backend, TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

fn motcua(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run motcua");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn demo_db(backend: Backend) -> TestDb {
    let db = TestDb::new(backend).await;
    let (code, _, err) = motcua(&db, &["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    db
}

/// A CSV file that is removed when the test ends.
struct CsvFile(std::path::PathBuf);

impl CsvFile {
    fn to_str(&self) -> Option<&str> {
        self.0.to_str()
    }
}

impl Drop for CsvFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn write_csv(name: &str, bytes: &[u8]) -> CsvFile {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("motcua_{name}_{}_{n}.csv", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    CsvFile(path)
}

const HEADER: &str = "code,procedure_code,unit_code,channel,received_at,due_at,finished_at,returned_at,outcome,apology_at";
const UNIT: &str = "000.21.20.H48";

/// The migration file: line 1 the header, lines 2–6 good, lines 7–19 each wrong in one way.
fn migration_csv() -> Vec<u8> {
    let rows = [
        HEADER,
        // 2: late, handed over, with an apology.
        "IMP-0001,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,2026-03-05T09:00:00+07:00,2026-03-10T09:00:00+07:00,2026-03-11T09:00:00+07:00,resolved,2026-03-03T09:00:00+07:00",
        // 3: early, result waiting at the counter.
        "IMP-0002,1.001193,000.21.20.H48,online,2026-06-01T08:00:00+07:00,2026-06-05T17:00:00+07:00,2026-06-01T10:00:00+07:00,,resolved,",
        // 4: refused; quoted fields.
        "\"IMP-0003\",\"1.001193\",000.21.20.H48,post,2026-04-01T09:00:00Z,,2026-04-02T09:00:00Z,,refused,",
        // 5: withdrawn, with a code in this system's own format (running number 7).
        "000.21.20.H48-250303-0007,1.001193,000.21.20.H48,counter,2025-03-03T09:00:00+07:00,,2025-03-04T09:00:00+07:00,,withdrawn,",
        // 6: still open, its computed deadline long past: overdue.
        "IMP-0005,1.001193,000.21.20.H48,counter,2026-10-01T09:00:00+07:00,,,,pending,",
        // 7..19: bad rows.
        "IMP-0101,1.001193,000.21.20.H48,counter,2026-13-01T09:00:00+07:00,,,,pending,",
        "IMP-0102,9.999999,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,,,pending,",
        "IMP-0103,1.001193,000.99.99.H48,counter,2026-03-02T09:00:00+07:00,,,,pending,",
        "IMP-0001,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,,,pending,",
        "IMP-0104,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,2026-03-01T09:00:00+07:00,,resolved,",
        "IMP-0105,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,,,resolved,",
        "IMP-0106,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,2026-03-03T09:00:00+07:00,,pending,",
        "IMP-0107,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,,pending,",
        "IMP-0108,1.001193,000.21.20.H48,fax,2026-03-02T09:00:00+07:00,,,,pending,",
        "IMP-0109,1.001193,000.21.20.H48,counter,2099-03-02T09:00:00+07:00,,,,pending,",
        "IMP-0110,1.001193,000.21.20.H48,counter,2026-03-02 09:00:00,,,,pending,",
        "IMP-0111,1.001193,000.30.00.H48,counter,2026-03-02T09:00:00+07:00,,,,pending,",
        "\"IMP-0112,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,,,,pending,",
    ];
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(rows.join("\r\n").into_bytes());
    bytes.extend(b"\r\n");
    bytes
}

const EXPECTED_REJECTIONS: [(usize, &str); 13] = [
    (
        7,
        "received_at `2026-13-01T09:00:00+07:00` is not an RFC 3339 instant",
    ),
    (8, "unknown procedure_code `9.999999`"),
    (9, "unknown unit_code `000.99.99.H48`"),
    (10, "code IMP-0001 already appears on line 2"),
    (11, "finished_at is before received_at"),
    (12, "finished_at is required for a resolved file"),
    (13, "a pending file has no finished_at"),
    (14, "9 fields where the header has 10"),
    (15, "channel `fax` is not counter, post or online"),
    (16, "received_at is in the future"),
    (
        17,
        "received_at `2026-03-02 09:00:00` is not an RFC 3339 instant",
    ),
    (18, "unit 000.30.00.H48 did not exist on 2026-03-02"),
    (19, "a quoted field is not closed"),
];

async fn connect(db: &TestDb) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&db.url).await.unwrap()
}

async fn count(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql)
        .fetch_one(pool)
        .await
        .unwrap()
        .0
}

/// The server over the database the binary wrote.
async fn serve(db: &TestDb) -> (String, App) {
    let app = App::new(
        Db::connect(&db.url, 4).await.unwrap(),
        Settings::default(),
        Arc::new(SystemClock),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = motcua_web::WebConfig {
        default_tenant: Some(demo::TENANT_CODE.into()),
        ..Default::default()
    };
    let router = motcua_web::router(app.clone(), config);
    tokio::spawn(motcua_web::serve(listener, router, std::future::pending()));
    (base, app)
}

struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

async fn login(base: &str, username: &str) -> Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let body: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "login": username, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Client {
        http,
        base: base.to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

impl Client {
    async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

async fn record_of(pool: &sqlx::AnyPool, code: &str) -> FileRecord {
    let (json,): (String,) = sqlx::query_as("SELECT record_json FROM files WHERE code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

async fn a_migration_imports_whole_rows_and_names_the_bad_ones(backend: Backend) {
    let db = demo_db(backend).await;
    let pool = connect(&db).await;
    // The demo has files of its own: count what the import adds.
    let demo_files = count(&pool, "SELECT COUNT(*) FROM files").await;
    let demo_units = count(&pool, "SELECT COUNT(*) FROM file_units").await;
    let demo_outbox = count(&pool, "SELECT COUNT(*) FROM outbox").await;
    let csv = write_csv("migration", &migration_csv());
    let path = csv.to_str().unwrap();
    let (code, out, err) = motcua(&db, &["import", "files", path]);
    assert_eq!(code, 0, "processed with rejected rows: exit 0\n{err}");
    assert_eq!(out, "imported 5, skipped 0, rejected 13\n");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(lines.len(), EXPECTED_REJECTIONS.len(), "{err}");
    for (line, fragment) in EXPECTED_REJECTIONS {
        let prefix = format!("line {line}: ");
        let found = lines.iter().find(|l| l.starts_with(&prefix));
        assert!(
            found.is_some_and(|l| l.contains(fragment)),
            "line {line} should say `{fragment}`:\n{err}"
        );
    }

    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM files").await,
        demo_files + 5
    );
    // Each imported file is whole: one history entry (`import`) and its unit link.
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM file_events WHERE action = 'import' AND seq = 0"
        )
        .await,
        5
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM file_units").await,
        demo_units + 5
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM files WHERE code LIKE 'IMP-01%'"
        )
        .await,
        0,
        "nothing of a rejected row"
    );
    // One audit record for the batch, not one per row; no notifications for old files.
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'files.imported'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM outbox").await,
        demo_outbox
    );

    // States, deadlines and timeliness as reports will count them.
    let late = record_of(&pool, "IMP-0001").await;
    assert_eq!(late.state.as_str(), "handed_over");
    assert_eq!(late.resolution(), Some(Resolution::Late));
    assert!(late.apology.is_some());
    let early = record_of(&pool, "IMP-0002").await;
    assert_eq!(early.state.as_str(), "result_ready");
    assert_eq!(early.resolution(), Some(Resolution::Early));
    assert_eq!(record_of(&pool, "IMP-0003").await.state.as_str(), "refused");
    let withdrawn = record_of(&pool, "000.21.20.H48-250303-0007").await;
    assert_eq!(withdrawn.state.as_str(), "withdrawn");
    assert_eq!(withdrawn.rules.rule_version_id, "nd61-2018");
    let (late_after_due,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM files WHERE code = 'IMP-0001' AND finished_at > legal_due_at AND apology_at IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        late_after_due, 1,
        "the late file with its apology, by columns"
    );
    // The imported code's running number is taken: intake that day would continue at 8.
    let (seq,): (i64,) = sqlx::query_as(
        "SELECT s.last_seq FROM file_code_sequences s JOIN units u ON u.tenant_id = s.tenant_id AND u.id = s.unit_id
         WHERE u.code = $1 AND s.day = '2025-03-03'",
    )
    .bind(UNIT)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(seq, 7);

    // Run again: everything already there is skipped, the same rows are rejected.
    let (code, out, _) = motcua(&db, &["import", "files", path]);
    assert_eq!(code, 0);
    assert_eq!(out, "imported 0, skipped 5, rejected 13\n");
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM files").await,
        demo_files + 5
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'files.imported'"
        )
        .await,
        1
    );
    let (code, out, _) = motcua(&db, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");

    // First-class files: queues, detail with history, further actions, public lookup.
    let (base, app) = serve(&db).await;
    let counter = login(&base, "motcua.chiengle").await;
    let overdue = counter
        .get(&format!("/api/v1/files?unit={UNIT}&due=overdue"))
        .await;
    let pending = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "IMP-0005")
        .unwrap_or_else(|| panic!("the imported open file is overdue: {overdue}"));
    let pending_id = pending["id"].as_i64().unwrap();
    let version = pending["version"].as_i64().unwrap();
    let detail = counter.get(&format!("/api/v1/files/{pending_id}")).await;
    assert_eq!(detail["file"]["state"], "received");
    assert_eq!(detail["history"][0]["action"], "import");
    assert_eq!(detail["procedure_code"], "1.001193");
    let leader = login(&base, "lanhdao.chiengle").await;
    let (status, body) = leader
        .post(
            &format!("/api/v1/files/{pending_id}/actions"),
            json!({ "action": { "kind": "assign", "assignee": "chuyenvien.chiengle" }, "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "assigned");

    // Imported files have no PIN until a receipt is printed; give one and look it up.
    let tenant_id = motcua_app::tenancy::resolve(&app, None, Some(demo::TENANT_CODE))
        .await
        .unwrap()
        .id;
    let hash = motcua_app::secret::sha256_hex(&format!("lookup:{tenant_id}:IMP-0001:123456"));
    let mut conn = app.db.begin().await.unwrap();
    let (late_id,): (i64,) = sqlx::query_as("SELECT id FROM files WHERE code = 'IMP-0001'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    motcua_app::store::files::set_pin_hash(&mut conn, tenant_id, late_id, &hash)
        .await
        .unwrap();
    conn.commit().await.unwrap();
    let (status, status_body) = login(&base, "congdan@example.vn")
        .await
        .post(
            "/api/v1/lookup",
            json!({ "code": "IMP-0001", "secret": "123456" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{status_body}");
    assert_eq!(status_body["state_label"], "Đã trả kết quả");
    assert_eq!(status_body["history"][0]["action"], "import");
}

async fn unusable_input_exits_2_and_imports_nothing(backend: Backend) {
    let db = demo_db(backend).await;
    let (code, out, err) = motcua(&db, &["import", "files", "/nonexistent/files.csv"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("cannot open"), "{err}");

    let wrong = write_csv(
        "wrong-header",
        b"ma_ho_so,procedure_code,unit_code\nIMP-1,1.001193,000.21.20.H48\n",
    );
    let (code, out, err) = motcua(&db, &["import", "files", wrong.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("column `code` is missing"), "{err}");

    let empty = write_csv("empty", b"");
    let (code, _, err) = motcua(&db, &["import", "files", empty.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("empty"), "{err}");

    // The header's column order is free; a header-only file imports nothing.
    let reordered = write_csv(
        "reordered",
        b"outcome,code,unit_code,procedure_code,channel,received_at,due_at,finished_at,returned_at,apology_at\n",
    );
    let (code, out, _) = motcua(&db, &["import", "files", reordered.to_str().unwrap()]);
    assert_eq!(
        (code, out.as_str()),
        (0, "imported 0, skipped 0, rejected 0\n")
    );

    let pool = connect(&db).await;
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM files WHERE code LIKE 'IMP-%'").await,
        0
    );
}

fn generated_csv(rows: usize) -> Vec<u8> {
    let mut out = format!("{HEADER}\n").into_bytes();
    for i in 0..rows {
        let day = 1 + i % 28;
        writeln!(
            out,
            "GEN-{i:07},1.001193,{UNIT},counter,2026-02-{day:02}T09:00:00+07:00,,2026-02-{day:02}T15:00:00+07:00,,resolved,"
        )
        .unwrap();
    }
    out
}

/// A child process killed with SIGKILL when dropped (also when the test fails).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// SIGKILL in the middle of a run: what is stored is whole batches of whole files, the audit
/// trail verifies, and running again imports exactly the rest.
async fn a_killed_import_leaves_whole_files_and_a_rerun_finishes(backend: Backend) {
    const ROWS: usize = 20_000;
    let db = demo_db(backend).await;
    let csv = write_csv("big", &generated_csv(ROWS));
    let pool = connect(&db).await;
    let demo = count(&pool, "SELECT COUNT(*) FROM files").await;
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args([
                "import",
                "files",
                csv.to_str().unwrap(),
                "--database-url",
                &db.url,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Kill as soon as the first batch is visible.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while count(&pool, "SELECT COUNT(*) FROM files").await == demo {
        assert!(std::time::Instant::now() < deadline, "no batch committed");
        if child.0.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(child);
    let stored = count(&pool, "SELECT COUNT(*) FROM files WHERE code LIKE 'GEN-%'").await;
    assert!(stored > 0);
    assert_eq!(
        stored % 5_000,
        0,
        "only whole batches are committed ({stored})"
    );
    let imported_events = "SELECT COUNT(*) FROM file_events WHERE action = 'import'";
    assert_eq!(count(&pool, imported_events).await, stored);
    let imported_links = "SELECT COUNT(*) FROM file_units WHERE file_id IN (SELECT id FROM files WHERE code LIKE 'GEN-%')";
    assert_eq!(count(&pool, imported_links).await, stored);
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'files.imported'"
        )
        .await,
        stored / 5_000
    );
    let (code, out, _) = motcua(&db, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");

    let (code, out, err) = motcua(&db, &["import", "files", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "imported {}, skipped {stored}, rejected 0\n",
            ROWS as i64 - stored
        )
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM files").await,
        demo + ROWS as i64
    );
    assert_eq!(count(&pool, imported_events).await, ROWS as i64);
}

on_both_backends! {
    migration => a_migration_imports_whole_rows_and_names_the_bad_ones,
    unusable => unusable_input_exits_2_and_imports_nothing,
    killed => a_killed_import_leaves_whole_files_and_a_rerun_finishes,
}
