//! `motcua demo --no-serve` makes a living office: files in every state through the real use
//! cases, some overdue, some late with an apology, one at another agency; the audit chain
//! verifies; a second run adds nothing.

use motcua_testkit::{Backend, TestDb, on_both_backends};
use std::process::Command;

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

async fn count(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql)
        .fetch_one(pool)
        .await
        .unwrap()
        .0
}

async fn the_demo_has_living_queues(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (code, _, err) = motcua(&db, &["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("refused"),
        "every demo step passes the rules: {err}"
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let files = count(&pool, "SELECT COUNT(*) FROM files").await;
    assert!((300..=400).contains(&files), "{files} files");
    for state in [
        "received",
        "assigned",
        "under_examination",
        "awaiting_supplement",
        "at_other_agency",
        "awaiting_approval",
        "result_ready",
        "handed_over",
        "refused",
        "withdrawn",
        "stopped",
        "submitted",
    ] {
        let n = count(
            &pool,
            &format!("SELECT COUNT(*) FROM files WHERE state = '{state}'"),
        )
        .await;
        assert!(n > 0, "no demo file is {state}");
    }
    let now = jiff::Timestamp::now().as_second();
    let open = "state IN ('received', 'assigned', 'under_examination', 'at_other_agency', 'awaiting_approval')";
    assert!(
        count(
            &pool,
            &format!("SELECT COUNT(*) FROM files WHERE {open} AND due_at < {now}")
        )
        .await
            > 0,
        "some open files are overdue"
    );
    assert!(
        count(
            &pool,
            &format!(
                "SELECT COUNT(*) FROM files WHERE {open} AND due_at >= {now} AND due_at < {}",
                now + 2 * 86_400
            )
        )
        .await
            > 0,
        "some open files are due soon"
    );
    for (what, sql) in [
        (
            "handed over early",
            "finished_at IS NOT NULL AND handed_over_at IS NOT NULL AND received_date < appointment_date AND finished_at < legal_due_at - 86400",
        ),
        (
            "handed over late",
            "handed_over_at IS NOT NULL AND finished_at > legal_due_at AND apology_at IS NULL",
        ),
        (
            "late with an apology",
            "finished_at > legal_due_at AND apology_at IS NOT NULL",
        ),
        ("with two supplement requests", "supplement_count >= 2"),
        ("by post", "channel = 'post'"),
        ("at the counter", "channel = 'counter'"),
        (
            "at a department",
            "receiving_unit_id IN (SELECT id FROM units WHERE code = '000.00.12.H48')",
        ),
        (
            "inter-agency, back and finished",
            "state = 'handed_over' AND id IN (SELECT file_id FROM file_units WHERE unit_id IN (SELECT id FROM units WHERE code = '000.00.14.H48'))",
        ),
    ] {
        assert!(
            count(&pool, &format!("SELECT COUNT(*) FROM files WHERE {sql}")).await > 0,
            "no demo file {what}"
        );
    }
    // Six months of history, not more.
    let oldest = count(&pool, "SELECT MIN(received_at) FROM files").await;
    assert!(now - oldest < 200 * 86_400, "oldest file is too old");

    // A survey answered three times, a conference taking questions and one with its minutes.
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM survey_responses").await,
        3
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM dialogues WHERE state = 'published'"
        )
        .await,
        1
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM dialogues").await, 2);

    let (code, out, _) = motcua(&db, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    let audit = count(&pool, "SELECT COUNT(*) FROM audit_log").await;
    let events = count(&pool, "SELECT COUNT(*) FROM file_events").await;
    let (code, _, err) = motcua(&db, &["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM files").await, files);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM file_events").await,
        events
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM audit_log").await, audit);
}

on_both_backends! {
    living_queues => the_demo_has_living_queues,
}
