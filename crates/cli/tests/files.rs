//! The file workflow over HTTP on SQLite and PostgreSQL: a counter file from receipt to
//! hand-over through assignment, a supplement request seen in the public lookup, approval;
//! illegal transitions, stale versions, unit scope, unique codes under concurrent intake.

mod common;

use common::{Session, problem, spawn, spawn_at};
use motcua_testkit::{Backend, on_both_backends};
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

/// The audit trail as the administrator's verification finds it, asserted unbroken.
async fn audit_verified(server: &common::Server) -> Value {
    let verified: Value = server
        .login("quantri")
        .await
        .get("/api/v1/audit/verify")
        .await
        .json()
        .await
        .unwrap();
    assert!(verified["first_break"].is_null(), "{verified}");
    verified
}

async fn act(who: &Session, id: i64, version: i64, action: Value) -> reqwest::Response {
    who.post(
        &format!("/api/v1/files/{id}/actions"),
        json!({ "action": action, "version": version }),
    )
    .await
}

async fn ok(who: &Session, id: i64, version: i64, action: Value) -> Value {
    let response = act(who, id, version, action.clone()).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{action} → {body}");
    body
}

async fn a_counter_file_goes_from_receipt_to_hand_over(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let specialist = server.login("chuyenvien.chiengle").await;
    let leader = server.login("lanhdao.chiengle").await;
    let outsider = server.login("motcua.tuphap").await;

    let response = counter.post("/api/v1/files", intake("Lò Văn Khai")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let id = receipt["file_id"].as_i64().unwrap();
    let pin = receipt["pin"].as_str().unwrap().to_owned();
    assert!(code.starts_with("000.21.20.H48-"), "{code}");
    assert_eq!(pin.len(), 6);
    assert!(
        receipt["appointment_date"].is_string(),
        "a same-day procedure still gets an appointment"
    );

    // Another unit's officer can neither read nor act on the file.
    assert_eq!(
        problem(outsider.get(&format!("/api/v1/files/{id}")).await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = problem(
        act(
            &outsider,
            id,
            1,
            json!({ "kind": "transfer", "unit_code": "000.00.12.H48" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The counter cannot approve; approving now is also out of order.
    let (status, _) = problem(act(&counter, id, 1, json!({ "kind": "approve" })).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let v0 = receipt["version"].as_i64().unwrap();
    let assigned = ok(
        &leader,
        id,
        v0,
        json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
    )
    .await;
    assert_eq!(assigned["state"], "assigned");
    let v = assigned["version"].as_i64().unwrap();
    assert_eq!(v, v0 + 1);
    // A second leader acting on the version they saw is told the file changed.
    let (status, code_) = problem(
        act(
            &leader,
            id,
            v0,
            json!({ "kind": "assign", "assignee": "lanhdao.chiengle" }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code_.as_str()),
        (StatusCode::CONFLICT, "stale_version")
    );
    // Citizens cannot be given files.
    let (status, _) = problem(
        act(
            &leader,
            id,
            v,
            json!({ "kind": "reassign", "assignee": "congdan@example.vn", "reason": "x" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let v = ok(&specialist, id, v, json!({ "kind": "start_examination" })).await["version"]
        .as_i64()
        .unwrap();
    let (status, code_) = problem(
        act(
            &specialist,
            id,
            v,
            json!({ "kind": "request_supplement", "missing_items": [] }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code_.as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.missing_items_required"
        )
    );
    let waiting = ok(
        &specialist,
        id,
        v,
        json!({ "kind": "request_supplement",
        "missing_items": ["Bản sao Giấy chứng nhận kết hôn của cha mẹ"] }),
    )
    .await;
    let v = waiting["version"].as_i64().unwrap();
    assert_eq!(waiting["state"], "awaiting_supplement");

    // The applicant sees what is missing, with the PIN or the phone number, without an account.
    let public = server.anonymous();
    let status: Value = public
        .post("/api/v1/lookup", json!({ "code": code, "secret": pin }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state_label"], "Chờ bổ sung hồ sơ");
    assert_eq!(
        status["missing_items"][0],
        "Bản sao Giấy chứng nhận kết hôn của cha mẹ"
    );
    assert!(
        status.to_string().find("Lò Văn Khai").is_none(),
        "no personal data in the public status"
    );
    assert!(status["history"][0].get("actor_id").is_none());
    let by_phone = public
        .post(
            "/api/v1/lookup",
            json!({ "code": code, "secret": "+84912000111" }),
        )
        .await;
    assert_eq!(by_phone.status(), StatusCode::OK);
    let wrong = public
        .post(
            "/api/v1/lookup",
            json!({ "code": code, "secret": "000000" }),
        )
        .await;
    assert_eq!(problem(wrong).await.0, StatusCode::NOT_FOUND);

    let version = |body: Value| body["version"].as_i64().unwrap();
    let v = version(ok(&counter, id, v, json!({ "kind": "supplement_received" })).await);
    let v = version(ok(&specialist, id, v, json!({ "kind": "submit_for_approval" })).await);
    let v = version(ok(&leader, id, v, json!({ "kind": "approve" })).await);
    // Handing over before the result is at the counter is refused.
    let (status, code_) = problem(
        act(
            &counter,
            id,
            v,
            json!({ "kind": "hand_over", "method": "counter" }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code_.as_str()),
        (StatusCode::CONFLICT, "file.result_not_ready")
    );
    let v = version(ok(&counter, id, v, json!({ "kind": "mark_result_ready" })).await);
    let done = ok(
        &counter,
        id,
        v,
        json!({ "kind": "hand_over", "method": "counter" }),
    )
    .await;
    assert_eq!(done["state"], "handed_over");
    // An ended file takes no further decision.
    let (status, code_) =
        problem(act(&leader, id, version(done), json!({ "kind": "approve" })).await).await;
    assert_eq!(
        (status, code_.as_str()),
        (StatusCode::CONFLICT, "file.finished")
    );

    let detail: Value = leader
        .get(&format!("/api/v1/files/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "open",
            "assign",
            "start_examination",
            "request_supplement",
            "supplement_received",
            "submit_for_approval",
            "approve",
            "mark_result_ready",
            "hand_over"
        ]
    );
    assert!(
        !detail["deadline_explanation"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(detail["applicant"]["name"], "Lò Văn Khai");

    // Every change is audited, and announced through the outbox in the same transaction.
    audit_verified(&server).await;
    let mut conn = server.app.db.read_conn().await.unwrap();
    let (outbox,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE topic = 'file.changed'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(outbox, 9);

    // Work lists and counts reflect it.
    let counts: Value = leader
        .get("/api/v1/units/000.21.20.H48/file-counts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts[0]["state"], "handed_over");
    let (status, _) = problem(
        outsider
            .get("/api/v1/units/000.21.20.H48/file-counts")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Receives a file for applicant number `i`; its code and PIN.
async fn receive(counter: std::sync::Arc<Session>, i: usize) -> (String, String) {
    let response = counter
        .post("/api/v1/files", intake(&format!("Người nộp số {i}")))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt = response.json::<Value>().await.unwrap();
    (
        receipt["code"].as_str().unwrap().to_owned(),
        receipt["pin"].as_str().unwrap().to_owned(),
    )
}

/// Twelve intakes at once at one unit, after a first one (which also stores the calendar: on
/// PostgreSQL the others are then one statement each, which numbers the code): thirteen codes
/// without gap, each receipt's PIN finds its file, and the audit trail verifies.
async fn concurrent_intake_issues_each_code_once(backend: Backend) {
    let server = spawn(backend).await;
    let counter = std::sync::Arc::new(server.login("motcua.chiengle").await);
    let mut receipts = vec![receive(counter.clone(), 0).await];
    let tasks: Vec<_> = (1..13)
        .map(|i| tokio::spawn(receive(counter.clone(), i)))
        .collect();
    for t in tasks {
        receipts.push(t.await.unwrap());
    }
    receipts.sort();
    let public = server.anonymous();
    for (code, pin) in &receipts {
        let response = public
            .post("/api/v1/lookup", json!({ "code": code, "secret": pin }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{code}");
    }
    let mut codes: Vec<String> = receipts.into_iter().map(|(code, _)| code).collect();
    codes.dedup();
    assert_eq!(codes.len(), 13, "{codes:?}");
    // The running number is the code's last four digits under both formats of the year.
    let numbers: Vec<&str> = codes.iter().map(|c| &c[c.len() - 4..]).collect();
    let expected: Vec<String> = (1..=13).map(|n| format!("{n:04}")).collect();
    assert_eq!(numbers, expected, "{codes:?}");
    let verified = audit_verified(&server).await;
    assert!(verified["records"].as_i64().unwrap() >= 13, "{verified}");
    let queue: Value = counter
        .get("/api/v1/files?unit=000.21.20.H48&per_page=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["total"], 13);
    assert_eq!(queue["items"].as_array().unwrap().len(), 5);
}

/// Under the 2018 format (before 25 January 2026) the running number has exactly four digits:
/// the 10,000th file of a unit's day is refused with a clear error and nothing of it is written.
async fn a_used_up_day_refuses_the_intake(backend: Backend) {
    let server = spawn_at(backend, "2025-06-04T09:00:00+07:00").await;
    let counter = std::sync::Arc::new(server.login("motcua.chiengle").await);
    let (first, _) = receive(counter.clone(), 0).await;
    assert!(first.ends_with("-250604-0001"), "{first}");
    let mut conn = server.app.db.write_conn().await.unwrap();
    sqlx::query("UPDATE file_code_sequences SET last_seq = 9998")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn); // SQLite has one writer
    let (last, _) = receive(counter.clone(), 1).await;
    assert!(last.ends_with("-250604-9999"), "{last}");
    let count = async |conn: &mut motcua_store::Conn| {
        let counts: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM files), (SELECT COUNT(*) FROM audit_log),
                    (SELECT MAX(last_seq) FROM file_code_sequences)",
        )
        .fetch_one(conn)
        .await
        .unwrap();
        counts
    };
    let before = count(&mut server.app.db.read_conn().await.unwrap()).await;
    let (status, body) = problem(
        counter
            .post("/api/v1/files", intake("Người nộp thừa"))
            .await,
    )
    .await;
    assert!(status.is_client_error(), "{status} {body}");
    assert!(body.contains("file_code.sequence_overflow"), "{body}");
    assert_eq!(
        count(&mut server.app.db.read_conn().await.unwrap()).await,
        before
    );
}

async fn bad_file_input_gets_a_clear_4xx(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let mut unknown = intake("A");
    unknown["procedure_code"] = json!("9.999999");
    let mut online = intake("A");
    online["channel"] = json!("online");
    let mut nameless = intake("  ");
    nameless["applicant"]["phone"] = json!("12");
    let cases = [
        (
            counter.post("/api/v1/files", unknown).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter.post("/api/v1/files", online).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter.post("/api/v1/files", nameless).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter
                .post(
                    "/api/v1/files/1/actions",
                    json!({ "action": { "kind": "teleport" } }),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter
                .post(
                    "/api/v1/files/999999/actions",
                    json!({ "action": { "kind": "approve" } }),
                )
                .await,
            StatusCode::NOT_FOUND,
        ),
        (
            counter
                .get("/api/v1/files?unit=000.21.20.H48&due=yesterday")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter
                .get("/api/v1/files?unit=000.21.20.H48&state=flying")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            counter.get("/api/v1/files/abc").await,
            StatusCode::NOT_FOUND,
        ),
    ];
    for (response, expected) in cases {
        let status = response.status();
        assert!(status.is_client_error(), "{status}");
        assert_eq!(status, expected);
    }
    // Another unit's officer cannot receive files in the name of this commune.
    let outsider = server.login("motcua.tuphap").await;
    let mut elsewhere = intake("A");
    elsewhere["unit_code"] = json!("000.21.20.H48");
    assert_eq!(
        problem(outsider.post("/api/v1/files", elsewhere).await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

/// The counter prints the receipt: a real PDF whose text has the code, the applicant and the
/// appointment; printing issues a new PIN and the old one stops working.
async fn the_receipt_is_a_pdf_with_a_new_pin(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let receipt: Value = counter
        .post("/api/v1/files", intake("Điêu Thị Hường"))
        .await
        .json()
        .await
        .unwrap();
    let (id, code, old_pin) = (
        receipt["file_id"].as_i64().unwrap(),
        receipt["code"].as_str().unwrap(),
        receipt["pin"].as_str().unwrap(),
    );
    let response = counter
        .post(&format!("/api/v1/files/{id}/receipt"), json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("receipt-{backend:?}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bien-nhan.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/ensure-pdftools.sh)");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(code), "{text}");
    assert!(
        text.contains("Điêu Thị Hường") && text.contains("Giấy chứng sinh"),
        "{text}"
    );
    // Dates in the official style: "ngày 25 tháng 11 năm 2026" (leading zero only for days
    // below 10 and for January and February).
    let appointment: jiff::civil::Date = receipt["appointment_date"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let month = if appointment.month() <= 2 {
        format!("{:02}", appointment.month())
    } else {
        appointment.month().to_string()
    };
    let printed = format!(
        "ngày {:02} tháng {month} năm {}",
        appointment.day(),
        appointment.year()
    );
    assert!(
        text.contains(&format!(
            "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, {printed}"
        )),
        "{printed} in {text}"
    );
    let new_pin = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Mã tra cứu (PIN): "))
        .map(str::trim)
        .map(str::to_owned);
    let public = server.anonymous();
    let old = public
        .post("/api/v1/lookup", json!({ "code": code, "secret": old_pin }))
        .await;
    assert_eq!(
        old.status(),
        StatusCode::NOT_FOUND,
        "the PIN of an older receipt no longer works"
    );
    let new_pin = new_pin.expect("a six-digit PIN printed on the receipt");
    let new = public
        .post("/api/v1/lookup", json!({ "code": code, "secret": new_pin }))
        .await;
    assert_eq!(new.status(), StatusCode::OK);
    // Another unit's officer cannot print it.
    let outsider = server.login("motcua.tuphap").await;
    assert_eq!(
        problem(
            outsider
                .post(&format!("/api/v1/files/{id}/receipt"), json!({}))
                .await
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

/// Ten wrong secrets in 15 minutes lock a code, even for the right PIN; an unknown code answers
/// exactly like a wrong secret and is locked the same way.
async fn wrong_secrets_lock_the_lookup(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let receipt: Value = counter
        .post("/api/v1/files", intake("Lò Thị Khoá"))
        .await
        .json()
        .await
        .unwrap();
    let (code, pin) = (receipt["code"].clone(), receipt["pin"].clone());
    let public = server.anonymous();
    let lookup = |code: Value, secret: Value| {
        let public = &public;
        async move {
            let response = public
                .post("/api/v1/lookup", json!({ "code": code, "secret": secret }))
                .await;
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            (status, body)
        }
    };
    let unknown = json!("000.21.20.H48-010120-9999");
    let (wrong_status, wrong_body) = lookup(code.clone(), json!("000000")).await;
    let (unknown_status, unknown_body) = lookup(unknown.clone(), json!("000000")).await;
    assert_eq!(wrong_status, StatusCode::NOT_FOUND);
    assert_eq!(
        (
            unknown_status,
            &unknown_body["code"],
            &unknown_body["detail"]
        ),
        (wrong_status, &wrong_body["code"], &wrong_body["detail"]),
        "the same answer whether the code exists or not"
    );
    // Nine attempts counted so far would leave the right PIN working.
    for _ in 0..8 {
        assert_eq!(
            lookup(code.clone(), json!("000000")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    let (status, found) = lookup(code.clone(), pin.clone()).await;
    assert_eq!((status, &found["code"]), (StatusCode::OK, &code));
    // The tenth wrong secret locks the code.
    assert_eq!(
        lookup(code.clone(), json!("000000")).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = lookup(code.clone(), pin).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    for _ in 0..9 {
        assert_eq!(
            lookup(unknown.clone(), json!("000000")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        lookup(unknown, json!("000000")).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// More simultaneous lookups and work lists than the server has database connections (5 here):
/// each is answered (a request that held one connection while waiting for a second starved
/// the pool).
async fn parallel_requests_are_all_answered(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let receipt: Value = counter
        .post("/api/v1/files", intake("Lò Thị Tra"))
        .await
        .json()
        .await
        .unwrap();
    let body = json!({ "code": receipt["code"], "secret": receipt["pin"] });
    let public = std::sync::Arc::new(server.anonymous());
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let (public, body) = (public.clone(), body.clone());
            tokio::spawn(async move {
                let response = public.post("/api/v1/lookup", body).await;
                let status = response.status();
                let found: Value = response.json().await.unwrap();
                (status, found["code"].clone())
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), (StatusCode::OK, receipt["code"].clone()));
    }
    // Work lists that need the calendar (files due soon) likewise.
    let counter = std::sync::Arc::new(counter);
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let counter = counter.clone();
            tokio::spawn(async move {
                let response = counter
                    .get("/api/v1/files?unit=000.21.20.H48&due=soon")
                    .await;
                response.status()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
}

on_both_backends! {
    parallel_requests => parallel_requests_are_all_answered,
    lookup_lock => wrong_secrets_lock_the_lookup,
    receipt => the_receipt_is_a_pdf_with_a_new_pin,
    lifecycle => a_counter_file_goes_from_receipt_to_hand_over,
    concurrent_intake => concurrent_intake_issues_each_code_once,
    bad_input => bad_file_input_gets_a_clear_4xx,
    used_up_day => a_used_up_day_refuses_the_intake,
}
