//! The command-line contract, run as a real process: scripts outside the project rely on it.

use motcua_testkit::{Backend, TestDb};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

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
    let (code, out, err) = motcua(&db, &["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("quantri") && out.contains("congdan@example.vn"),
        "accounts printed: {out}"
    );
    db
}

async fn listing_commands_print_codes_the_import_can_use(backend: Backend) {
    let db = demo_db(backend).await;
    let (code, out, _) = motcua(&db, &["units", "list", "--json"]);
    assert_eq!(code, 0);
    let units: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert!(units.len() >= 10);
    assert!(
        units
            .iter()
            .all(|u| u["code"].is_string() && u["name"].is_string())
    );
    assert!(
        units
            .iter()
            .any(|u| u["name"] == "Ủy ban nhân dân phường Chiềng Lề")
    );

    let (code, out, _) = motcua(&db, &["procedures", "list", "--json"]);
    assert_eq!(code, 0);
    let procedures: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert!(
        procedures.len() >= 60,
        "at least 60 real procedures, got {}",
        procedures.len()
    );
    let fields: std::collections::BTreeSet<&str> = procedures
        .iter()
        .map(|p| p["field_code"].as_str().unwrap())
        .collect();
    assert!(fields.len() >= 8, "{fields:?}");
    assert!(
        procedures
            .iter()
            .any(|p| p["code"] == "1.001193" && p["name"] == "Thủ tục đăng ký khai sinh")
    );

    // Seeding again changes nothing.
    let (code, _, err) = motcua(&db, &["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    let (_, again, _) = motcua(&db, &["procedures", "list", "--json"]);
    assert_eq!(
        serde_json::from_str::<Vec<Value>>(&again).unwrap().len(),
        procedures.len()
    );
}

async fn user_create_reads_the_password_from_stdin(backend: Backend) {
    let db = demo_db(backend).await;
    let create = |username: &str, role: &str, unit: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args([
                "user",
                "create",
                "--unit",
                unit,
                "--role",
                role,
                "--username",
                username,
                "--database-url",
                &db.url,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(
        create(
            "chuyenvien.tohieu",
            "specialist",
            "000.22.20.H48",
            "một mật khẩu dài\n"
        )
        .0,
        0
    );
    let (code, err) = create(
        "chuyenvien.tohieu",
        "specialist",
        "000.22.20.H48",
        "một mật khẩu dài\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("taken"), "{err}");
    let (code, err) = create("x.y", "specialist", "999.99.99.Z99", "một mật khẩu dài\n");
    assert_eq!(code, 2, "unknown unit");
    assert!(err.contains("unit"), "{err}");
    let (code, err) = create("x.z", "emperor", "000.22.20.H48", "một mật khẩu dài\n");
    assert_eq!(code, 2);
    assert!(err.contains("role"), "{err}");
    let (code, _) = create("x.w", "specialist", "000.22.20.H48", "ngắn\n");
    assert_eq!(code, 2, "short password refused");

    let (code, out, _) = motcua(&db, &["audit", "verify"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("audit trail intact"), "{out}");
}

async fn serve_prints_its_address_first(backend: Backend) {
    let db = demo_db(backend).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &db.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first}"));
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let found: Value = reqwest::get(format!("http://{addr}/api/v1/procedures?q=chung%20thuc"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(found["total"].as_i64().unwrap() >= 1);
    // SIGTERM: graceful shutdown, exit 0.
    terminate(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
}

motcua_testkit::on_both_backends! {
    listing => listing_commands_print_codes_the_import_can_use,
    user_create => user_create_reads_the_password_from_stdin,
    serve => serve_prints_its_address_first,
}

#[test]
fn calendar_commands_work_without_a_database() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    };
    assert_eq!(
        run(&["calendar", "to-lunar", "2026-02-17"]),
        (0, r#"{"year":2026,"month":1,"day":1,"leap":false}"#.into())
    );
    assert_eq!(
        run(&["calendar", "from-lunar", "2026", "1", "1"]),
        (0, "2026-02-17".into())
    );
    assert_eq!(
        run(&["calendar", "is-working-day", "2026-09-02"]),
        (0, "false".into())
    );
    assert_eq!(run(&["calendar", "to-lunar", "2026-02-30"]).0, 2);
    assert_eq!(run(&["bogus-command"]).0, 2);
}
