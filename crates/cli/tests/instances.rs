//! Two `motcua serve` processes on one PostgreSQL database, sharing no memory — how a province
//! runs more than one server behind a load balancer: a session made on one is valid (and ended)
//! on both, concurrent intake on both hands out every file code once and without gaps, and the
//! background jobs both run (outbox notifications, probes) each run exactly once.
//! PostgreSQL only: SQLite is the single-server embedded default.

mod common;
mod jobs_support;

use common::client;
use common::process::{seeded, start, temp_dir, wait_until};
use motcua_app::demo;
use motcua_testkit::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn intake(name: &str) -> Value {
    json!({
        "procedure_code": "1.001193",
        "channel": "counter",
        "applicant": { "name": name, "phone": "0912 000 111", "address": "Tổ 2, phường Chiềng Lề" },
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_postgresql() {
    let (db, app, tenant) = seeded(Backend::Postgres).await;
    let reader = app.db.reader().clone();
    let probes = 40_i64;
    motcua_app::jobs::enqueue_probes(&app, tenant, probes as u32, 50)
        .await
        .unwrap();
    let dir = temp_dir("instances");
    let config = dir.join("motcua.toml");
    // Every receipt is announced by SMS through a fake gateway that records what it got.
    let (gw, gw_base) = jobs_support::gateway().await;
    std::fs::write(
        &config,
        format!(
            "[jobs]\nlease_seconds = 5\npoll_millis = 100\nconcurrency = 2\n\
             [notify]\nsms_gateway_url = \"{gw_base}/sms\"\ngateway_token = \"gw-secret\"\n\
             timeout_seconds = 5\npublic_url = \"https://motcua.sonla.gov.vn\"\n\
             [notify.tenants.{tenant_code}]\nchannels = [\"sms\"]\nsms_sender = \"SONLA\"\n",
            tenant_code = demo::TENANT_CODE
        ),
    )
    .unwrap();
    let servers: Vec<_> = (0..2)
        .map(|i| {
            let (p, line) = start(
                &db,
                &config,
                &["serve", "--bind", "127.0.0.1:0"],
                &dir.join(format!("serve{i}.log")),
            );
            let base = line
                .strip_prefix("listening on ")
                .unwrap_or_else(|| panic!("first line gives the address: {line}"))
                .to_owned();
            (p, base)
        })
        .collect();
    let (a, b) = (&servers[0].1, &servers[1].1);

    // A session made on one server is valid on the other, and signing out on the other ends
    // it on both. (Cookies are per host, not per port: one cookie jar serves both.)
    let officer = client();
    let signed_in: Value = officer
        .post(format!("{a}/api/v1/auth/login"))
        .json(&json!({ "login": "motcua.chiengle", "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = signed_in["csrf_token"].as_str().unwrap().to_owned();
    let me: Value = officer
        .get(format!("{b}/api/v1/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "motcua.chiengle");

    // Concurrent intake, alternating between the servers.
    let per_server = 12;
    let mut tasks = Vec::new();
    for i in 0..2 * per_server {
        let (officer, csrf) = (officer.clone(), csrf.clone());
        let base = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let response = officer
                .post(format!("{base}/api/v1/files"))
                .header("x-csrf-token", csrf)
                .json(&intake(&format!("Người nộp số {i}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<Value>().await.unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    // Every code once; the day's sequence numbers of this agency without a gap.
    let mut numbers: Vec<u32> = codes
        .iter()
        .map(|c| c.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 2 * per_server, "{codes:?}");
    assert_eq!(
        numbers.last().unwrap() - numbers.first().unwrap() + 1,
        2 * per_server as u32,
        "{codes:?}"
    );

    // Every queued job — the probes and the notifications of the new files — is done, once.
    wait_until("every job to be done", 120, async || {
        let (open, undispatched): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND state IN ('queued', 'running')),
                    (SELECT COUNT(*) FROM outbox WHERE tenant_id = $1 AND dispatched_at IS NULL)",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        (open == 0 && undispatched == 0).then_some(())
    })
    .await;
    let (effects, distinct, workers): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT job_id), COUNT(DISTINCT worker) FROM job_probes WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!((effects, distinct), (probes, probes));
    assert_eq!(workers, 2, "both servers' workers took jobs");
    let (runs_twice, dead, new_file_jobs): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND attempts > 1),
                (SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND state = 'dead'),
                (SELECT COUNT(*) FROM outbox o JOIN jobs j
                   ON j.tenant_id = o.tenant_id AND j.idempotency_key = 'outbox:' || o.id
                  WHERE o.tenant_id = $1 AND o.dispatched_at IS NOT NULL)",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert_eq!((runs_twice, dead), (0, 0));
    // One job per receipt (the only changes here), and one SMS each: none lost, none twice.
    assert_eq!(new_file_jobs, 2 * per_server as i64);
    let sms = gw.accepted("/sms");
    let mut keys: Vec<_> = sms.iter().map(|(k, _)| k.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        (sms.len(), keys.len()),
        (2 * per_server, 2 * per_server),
        "{sms:?}"
    );

    // What an action reads of a file is remembered by the server that last wrote it, but
    // never trusted over the database: a file changed on B since A wrote it is acted on from
    // a fresh read on A, and an action on a version that is gone gets 409 on either server.
    let sign_in = async |login: &str| {
        let who = client();
        let csrf = who
            .post(format!("{a}/api/v1/auth/login"))
            .json(&json!({ "login": login, "password": demo::DEMO_PASSWORD }))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        (who, csrf)
    };
    let leader = sign_in("lanhdao.chiengle").await;
    let specialist = sign_in("chuyenvien.chiengle").await;
    let receive_on_a = async |name: &str| {
        officer
            .post(format!("{a}/api/v1/files"))
            .header("x-csrf-token", &csrf)
            .json(&intake(name))
            .send()
            .await
            .unwrap()
    };
    let receipt: Value = receive_on_a("Người nộp qua hai máy chủ")
        .await
        .json()
        .await
        .unwrap();
    let id = receipt["file_id"].as_i64().unwrap();
    let act =
        async |(who, csrf): &(reqwest::Client, String), base: &str, version: i64, kind: &str| {
            let mut action = json!({ "kind": kind });
            if kind == "assign" {
                action["assignee"] = json!("chuyenvien.chiengle");
            }
            let response = who
                .post(format!("{base}/api/v1/files/{id}/actions"))
                .header("x-csrf-token", csrf)
                .json(&json!({ "action": action, "version": version }))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.json::<Value>().await.unwrap();
            (status, body["version"].as_i64().unwrap_or_default())
        };
    let v0 = receipt["version"].as_i64().unwrap();
    let (status, v1) = act(&leader, a, v0, "assign").await;
    assert_eq!(status, StatusCode::OK);
    let (status, v2) = act(&specialist, b, v1, "start_examination").await;
    assert_eq!(status, StatusCode::OK);
    // A still remembers the file at v1: the version asked for, or the write, tells it that
    // is gone.
    let (status, _) = act(&specialist, a, v1, "submit_for_approval").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, v3) = act(&specialist, a, v2, "submit_for_approval").await;
    assert_eq!(status, StatusCode::OK);
    assert!(v3 > v2 && v2 > v1, "{v1} {v2} {v3}");
    let (status, _) = act(&leader, b, v2, "approve").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let actions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.action, f.version FROM file_events e JOIN files f ON f.tenant_id = e.tenant_id AND f.id = e.file_id
          WHERE e.tenant_id = $1 AND e.file_id = $2 ORDER BY e.seq",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(&reader)
    .await
    .unwrap();
    let actions: Vec<&str> = actions
        .iter()
        .inspect(|(_, version)| assert_eq!(*version, v3))
        .map(|(action, _)| action.as_str())
        .collect();
    assert_eq!(
        actions[1..],
        ["assign", "start_examination", "submit_for_approval"],
        "{actions:?}"
    );

    // The procedure read by every intake is remembered too, trusting the database to announce
    // its changes: changed without the announcement (triggers off, as no application path can
    // do), A still receives by the counter as it remembers…
    let intake_status_on_a = async || receive_on_a("Người nộp sau khi sửa thủ tục").await.status();
    let counter_channel = async |open: bool, announced: bool| {
        let mut tx = reader.begin().await.unwrap();
        if !announced {
            sqlx::query("SET LOCAL session_replication_role = replica")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        sqlx::query(
            "UPDATE procedures SET channel_counter = $2 WHERE tenant_id = $1 AND code = '1.001193'",
        )
        .bind(tenant)
        .bind(i64::from(open))
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    };
    assert_eq!(intake_status_on_a().await, StatusCode::CREATED);
    counter_channel(false, false).await;
    assert_eq!(intake_status_on_a().await, StatusCode::CREATED);
    // …and the same change announced reaches it within moments, as does its undoing.
    counter_channel(false, true).await;
    wait_until("A to see the counter closed", 3, async || {
        (intake_status_on_a().await == StatusCode::UNPROCESSABLE_ENTITY).then_some(())
    })
    .await;
    counter_channel(true, true).await;
    wait_until("A to see the counter open again", 3, async || {
        (intake_status_on_a().await == StatusCode::CREATED).then_some(())
    })
    .await;

    // Both servers remember the session between requests, trusting the database to announce
    // its end: the row deleted without the announcement (triggers off for that statement, as
    // no application path can do) leaves it working on both…
    let me = async |base: &str| {
        officer
            .get(format!("{base}/api/v1/auth/me"))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!((me(a).await, me(b).await), (StatusCode::OK, StatusCode::OK));
    let mut tx = reader.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    let deleted = sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1
           AND user_id = (SELECT id FROM users WHERE tenant_id = $1 AND username = 'motcua.chiengle')",
    )
    .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    tx.commit().await.unwrap();
    assert_eq!(deleted, 1);
    assert_eq!((me(a).await, me(b).await), (StatusCode::OK, StatusCode::OK));
    // …and signing out on B (its DELETE announces, whatever it deletes) ends it on both within
    // moments: the announcement reaches A asynchronously, after B has answered.
    let out = officer
        .post(format!("{b}/api/v1/auth/logout"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    for base in [a, b] {
        wait_until("the session ended on both servers", 3, async || {
            (me(base).await == StatusCode::UNAUTHORIZED).then_some(())
        })
        .await;
    }

    for (mut p, _) in servers {
        assert!(p.terminate().success());
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
