//! Feedback and petitions (phản ánh, kiến nghị) over HTTP against the real server: a citizen
//! sends feedback without an account, follows it with code and secret, staff forward, the
//! competent unit answers, the leader approves, the answer is published without personal
//! data; abuse (check question, rate limits, sizes, guessing secrets, reading others' items),
//! statistics and personal-data requests. Both databases.

mod common;

use common::{Server, Session, problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NAME: &str = "Trần Thị Phản Ánh";
const PHONE: &str = "0911222333";
const EMAIL: &str = "0911222333@example.vn";

/// Fetches a check question and answers it.
async fn solved_challenge(s: &Session) -> Value {
    let c: Value = s
        .get("/api/v1/feedback/challenge")
        .await
        .json()
        .await
        .unwrap();
    let q = c["question"].as_str().unwrap();
    let nums: Vec<u32> = q
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(nums.len(), 2, "{q}");
    json!({ "token": c["token"], "answer": (nums[0] + nums[1]).to_string() })
}

fn submission(content: &str, phone: &str, challenge: Option<Value>) -> Value {
    json!({
        "subject": "procedure",
        "subject_ref": "1.001193",
        "title": "Thời gian chờ ở Bộ phận Một cửa quá lâu",
        "content": content,
        "sender": { "name": NAME, "phone": phone, "email": format!("{phone}@example.vn"), "address": "Tổ 5, phường Chiềng Lề" },
        "consent": true,
        "challenge": challenge,
    })
}

async fn act(s: &Session, id: i64, action: Value) -> (StatusCode, Value) {
    let r = s
        .post(
            &format!("/api/v1/feedback/{id}/actions"),
            json!({ "action": action }),
        )
        .await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Sends one item without an account; returns (id, code, secret).
async fn send_anonymously(server: &Server, content: &str, phone: &str) -> (i64, String, String) {
    let anon = server.anonymous();
    let challenge = solved_challenge(&anon).await;
    let r = anon
        .post(
            "/api/v1/feedback",
            submission(content, phone, Some(challenge)),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    (
        receipt["id"].as_i64().unwrap(),
        receipt["code"].as_str().unwrap().to_owned(),
        receipt["secret"].as_str().unwrap().to_owned(),
    )
}

async fn lookup(s: &Session, code: &str, secret: &str) -> (StatusCode, Value) {
    let r = s
        .post(
            "/api/v1/feedback/lookup",
            json!({ "code": code, "secret": secret }),
        )
        .await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn journey(backend: Backend) {
    let server = spawn(backend).await;
    let content = "Tôi chờ 3 tiếng <script>alert('x')</script> mới được tiếp nhận.";
    let (id, code, secret) = send_anonymously(&server, content, PHONE).await;
    assert!(code.starts_with("PAKN-"), "{code}");
    assert_eq!(secret.len(), 8);

    // The sender follows it; a wrong secret answers like an unknown code.
    let anon = server.anonymous();
    let (status, s) = lookup(&anon, &code, &secret).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["state"], "received");
    assert_eq!(s["content"], content, "stored as typed; pages escape it");
    let wrong = anon
        .post(
            "/api/v1/feedback/lookup",
            json!({ "code": code, "secret": "00000000" }),
        )
        .await;
    assert_eq!(
        problem(wrong).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    // The reform office at the province receives it, sees it in its queue and forwards it.
    let cchc = server.login("cchc").await;
    let queue: Value = cchc
        .get("/api/v1/feedback?unit=000.00.00.H48")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == code.as_str()),
        "{queue}"
    );
    let detail: Value = cchc
        .get(&format!("/api/v1/feedback/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["sender"]["phone"], PHONE,
        "staff in charge see the contact"
    );
    assert!(
        detail["available_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("forward"))
    );
    let (status, after) = act(
        &cchc,
        id,
        json!({ "action": "forward", "unit_code": "000.21.20.H48" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["state"], "forwarded");
    assert_eq!(
        after["history"][1]["on_time"], true,
        "forwarded within 5 working days"
    );

    // Someone of another unit learns nothing about it.
    let other = server.login("motcua.tuphap").await;
    let r = other.get(&format!("/api/v1/feedback/{id}")).await;
    assert_eq!(
        problem(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let (status, _) = act(&other, id, json!({ "action": "answer", "text": "x" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The counter officer of the commune may read but not answer.
    let counter = server.login("motcua.chiengle").await;
    let (status, _) = act(&counter, id, json!({ "action": "answer", "text": "x" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The commune's specialist answers; the leader approves; out of order is refused.
    let specialist = server.login("chuyenvien.chiengle").await;
    let (status, v) = act(&specialist, id, json!({ "action": "approve" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let answer = "Ủy ban nhân dân phường đã bố trí thêm một quầy tiếp nhận từ ngày 01/12.";
    let (status, v) = act(
        &specialist,
        id,
        json!({ "action": "answer", "text": answer }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let leader = server.login("lanhdao.chiengle").await;
    let (status, v) = act(&leader, id, json!({ "action": "answer", "text": "again" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "feedback.wrong_state");
    let (status, v) = act(&leader, id, json!({ "action": "approve" })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "approved");

    // The sender now reads the answer.
    let (_, s) = lookup(&anon, &code, &secret).await;
    assert_eq!(s["answer"], answer);
    assert_eq!(s["can_rate"], true);

    // The province publishes it without the sender's personal data.
    let (status, v) = act(
        &cchc,
        id,
        json!({
            "action": "publish",
            "public_question": "Thời gian chờ tiếp nhận hồ sơ khai sinh quá lâu.",
            "public_title": "Thời gian chờ tại Bộ phận Một cửa",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let published = anon.get("/api/v1/feedback/published").await;
    assert_eq!(published.status(), StatusCode::OK);
    let text = published.text().await.unwrap();
    assert!(text.contains(answer), "{text}");
    assert!(
        text.contains("Thời gian chờ tại Bộ phận Một cửa")
            && !text.contains("Thời gian chờ ở Bộ phận Một cửa quá lâu"),
        "the rewritten title replaces the sender's: {text}"
    );
    for personal in [NAME, PHONE, EMAIL, "Tổ 5"] {
        assert!(!text.contains(personal), "{personal} must not be published");
    }
    let page = anon.get("/phan-anh/cong-khai").await.text().await.unwrap();
    assert!(page.contains("bố trí thêm một quầy"));
    assert!(!page.contains(NAME) && !page.contains(PHONE) && !page.contains(EMAIL));

    // The sender says it satisfied them, once.
    let rate = |satisfied: bool| json!({ "code": code, "secret": secret, "action": { "action": "rate", "satisfied": satisfied } });
    let r = anon
        .post("/api/v1/feedback/lookup/actions", rate(true))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s: Value = r.json().await.unwrap();
    assert_eq!(
        (s["state"].as_str(), s["satisfied"].as_bool()),
        (Some("closed"), Some(true))
    );
    let r = anon
        .post("/api/v1/feedback/lookup/actions", rate(false))
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "feedback.already_rated".into())
    );
    // The sender cannot act as staff.
    let r = anon
        .post(
            "/api/v1/feedback/lookup/actions",
            json!({ "code": code, "secret": secret, "action": { "action": "close" } }),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);

    // On-time statistics: the province forwarded and published, the commune handled, on time.
    let stats: Value = cchc
        .get("/api/v1/feedback/stats")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["total"], 3, "{stats}");
    assert_eq!(stats["on_time"], 3);
    let commune_row = stats["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == after["handling_unit"]["id"])
        .expect("the commune has a row");
    assert_eq!(commune_row["steps"][0]["step"], "handle");
    let r = specialist.get("/api/v1/feedback/stats").await;
    assert_eq!(
        problem(r).await.0,
        StatusCode::FORBIDDEN,
        "statistics are for report readers"
    );

    // Every change was audited and announced in the outbox.
    let admin = server.login("quantri").await;
    let verified: Value = admin
        .get("/api/v1/audit/verify")
        .await
        .json()
        .await
        .unwrap();
    assert!(verified["first_break"].is_null(), "{verified}");
    let recent: Value = admin.get("/api/v1/audit").await.json().await.unwrap();
    let feedback_records = recent
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["entity_type"] == "feedback" && r["entity_id"] == id.to_string().as_str())
        .count();
    // Received, forwarded, answered, approved, published, rated.
    assert_eq!(feedback_records, 6, "{recent}");
    let mut conn = server.app.db.read_conn().await.unwrap();
    let (outbox,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE topic = 'feedback.changed'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(outbox, 6);
}

async fn asking_for_information_and_refusing(backend: Backend) {
    let server = spawn(backend).await;
    let (id, code, secret) = send_anonymously(&server, "Cán bộ thu thêm tiền.", PHONE).await;
    let cchc = server.login("cchc").await;
    let (status, v) = act(
        &cchc,
        id,
        json!({ "action": "ask_info", "question": "Xin cho biết ngày, giờ và quầy." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["due_at"],
        Value::Null,
        "no deadline runs while the sender is asked"
    );
    let anon = server.anonymous();
    let (_, s) = lookup(&anon, &code, &secret).await;
    assert_eq!(s["can_provide_info"], true);
    assert_eq!(s["info_request"], "Xin cho biết ngày, giờ và quầy.");
    let r = anon
        .post(
            "/api/v1/feedback/lookup/actions",
            json!({ "code": code, "secret": secret, "action": { "action": "provide_info", "text": "Sáng 16/11, quầy số 2." } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["state"], "received");
    let (status, v) = act(&cchc, id, json!({ "action": "reject", "reason": "" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = act(
        &cchc,
        id,
        json!({ "action": "reject", "reason": "Nội dung đã được giải quyết tại phản ánh khác." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, s) = lookup(&anon, &code, &secret).await;
    assert_eq!(s["state"], "rejected");
    assert_eq!(
        s["reject_reason"],
        "Nội dung đã được giải quyết tại phản ánh khác."
    );
    // Staff record a call from the phone line at the province, without a check question.
    let r = cchc
        .post(
            "/api/v1/feedback",
            json!({
                "subject": "officer_conduct", "title": "Gọi đường dây nóng", "content": "Thái độ chưa đúng mực.",
                "sender": { "name": "Người gọi" }, "channel": "phone", "unit_code": "000.00.00.H48",
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // …but not at a unit they do not work for.
    let other = server.login("motcua.tuphap").await;
    let r = other
        .post(
            "/api/v1/feedback",
            json!({
                "subject": "regulation", "title": "x", "content": "y", "sender": { "name": "z" },
                "channel": "counter", "unit_code": "000.21.20.H48",
            }),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    // A citizen account sends without a check question and sees its own items only.
    let citizen = server.login("congdan@example.vn").await;
    let r = citizen
        .post(
            "/api/v1/feedback",
            submission("Của tôi", "0912345678", None),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine: Value = citizen
        .get("/api/v1/me/feedback")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let id = mine[0]["id"].as_i64().unwrap();
    let r = citizen.get(&format!("/api/v1/feedback/{id}")).await;
    assert_eq!(
        problem(r).await.0,
        StatusCode::NOT_FOUND,
        "the staff view is for staff"
    );
    let r = citizen.get("/api/v1/feedback?unit=000.00.00.H48").await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
}

async fn abuse_is_refused(backend: Backend) {
    let server = spawn(backend).await;
    let anon = server.anonymous();
    // No check question, a wrong answer, a forged token, a token used twice.
    let r = anon
        .post("/api/v1/feedback", submission("a", PHONE, None))
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
    let mut wrong = solved_challenge(&anon).await;
    wrong["answer"] = json!("99");
    let r = anon
        .post("/api/v1/feedback", submission("a", PHONE, Some(wrong)))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let mut forged = solved_challenge(&anon).await;
    forged["token"] = json!(forged["token"].as_str().unwrap().replacen('.', "1.", 1));
    let r = anon
        .post("/api/v1/feedback", submission("a", PHONE, Some(forged)))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let once = solved_challenge(&anon).await;
    let r = anon
        .post(
            "/api/v1/feedback",
            submission("a", "0900000001", Some(once.clone())),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = anon
        .post(
            "/api/v1/feedback",
            submission("a", "0900000002", Some(once)),
        )
        .await;
    assert_eq!(
        problem(r).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a question works once"
    );
    // Oversized text, missing contact, no consent.
    let big = "x".repeat(5001);
    let r = anon
        .post(
            "/api/v1/feedback",
            submission(&big, PHONE, Some(solved_challenge(&anon).await)),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let mut no_contact = submission("a", PHONE, Some(solved_challenge(&anon).await));
    no_contact["sender"] = json!({ "name": NAME });
    let r = anon.post("/api/v1/feedback", no_contact).await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let mut no_consent = submission("a", PHONE, Some(solved_challenge(&anon).await));
    no_consent["consent"] = json!(false);
    let r = anon.post("/api/v1/feedback", no_consent).await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Three per phone number per hour; the fourth is refused.
    for i in 0..3 {
        let r = anon
            .post(
                "/api/v1/feedback",
                submission(
                    &format!("lần {i}"),
                    PHONE,
                    Some(solved_challenge(&anon).await),
                ),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "submission {i}");
    }
    let r = anon
        .post(
            "/api/v1/feedback",
            submission("lần 4", PHONE, Some(solved_challenge(&anon).await)),
        )
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    // Ten per address: six more with other numbers pass (4 so far from this address), then refused.
    for i in 0..6 {
        let r = anon
            .post(
                "/api/v1/feedback",
                submission(
                    "x",
                    &format!("090000010{i}"),
                    Some(solved_challenge(&anon).await),
                ),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "address submission {i}");
    }
    let r = anon
        .post(
            "/api/v1/feedback",
            submission("x", "0900000200", Some(solved_challenge(&anon).await)),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::TOO_MANY_REQUESTS);
    // Guessing a secret is throttled per code.
    let published: Value = server
        .login("cchc")
        .await
        .get("/api/v1/feedback?unit=000.00.00.H48")
        .await
        .json()
        .await
        .unwrap();
    let code = published[0]["code"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        let (status, _) = lookup(&anon, &code, "12345678").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = lookup(&anon, &code, "12345678").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn personal_data_on_request(backend: Backend) {
    let server = spawn(backend).await;
    let (id, _, _) = send_anonymously(&server, "Nội dung", PHONE).await;
    let specialist = server.login("chuyenvien.chiengle").await;
    let r = specialist
        .get(&format!("/api/v1/feedback/{id}/personal-data"))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::NOT_FOUND);
    let cchc = server.login("cchc").await;
    let export: Value = cchc
        .get(&format!("/api/v1/feedback/{id}/personal-data"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (export["name"].as_str(), export["phone"].as_str()),
        (Some(NAME), Some(PHONE))
    );
    assert!(
        export["purpose"]
            .as_str()
            .unwrap()
            .contains("không được công khai")
    );
    let r = cchc
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/feedback/{id}/personal-data"),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let detail: Value = cchc
        .get(&format!("/api/v1/feedback/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["sender"]["name"], Value::Null);
    assert_eq!(detail["sender"]["phone"], Value::Null);
    assert!(detail["sender"]["erased_at"].is_string());
    let recent: Value = server
        .login("quantri")
        .await
        .get("/api/v1/audit")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = recent
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"feedback.personal_data_erased"),
        "{recent}"
    );
    assert!(actions.contains(&"feedback.personal_data_exported"));

    // Retention: finished items keep personal data until `retention_days` after receipt.
    let (id2, _, _) = send_anonymously(&server, "Nội dung khác", "0911000999").await;
    let reason = "Trùng nội dung.";
    let (status, _) = act(&cchc, id2, json!({ "action": "reject", "reason": reason })).await;
    assert_eq!(status, StatusCode::OK);
    let (open_id, _, _) = send_anonymously(&server, "Còn mở", "0911000888").await;
    let tenant =
        motcua_app::tenancy::resolve(&server.app, None, Some(motcua_app::demo::TENANT_CODE))
            .await
            .unwrap();
    let now = motcua_app::feedback::erase_past_retention(&server.app, tenant.id)
        .await
        .unwrap();
    assert_eq!(now, 0, "nothing is past retention today");
    let later = common::app_days_later(&server.app, 1826);
    let erased = motcua_app::feedback::erase_past_retention(&later, tenant.id)
        .await
        .unwrap();
    assert_eq!(
        erased, 1,
        "only the finished item that still had personal data"
    );
    let d2: Value = cchc
        .get(&format!("/api/v1/feedback/{id2}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d2["sender"]["name"], Value::Null);
    let open: Value = cchc
        .get(&format!("/api/v1/feedback/{open_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["sender"]["name"], NAME, "open items keep it");
}

async fn pages_escape_and_guard(backend: Backend) {
    let server = spawn(backend).await;
    let anon = server.anonymous();
    let form = anon.get("/phan-anh").await;
    assert_eq!(form.status(), StatusCode::OK);
    let page = form.text().await.unwrap();
    assert!(page.contains("Câu hỏi kiểm tra") && page.contains("không được công khai"));
    let token = field(&page, "csrf_token");
    let challenge_token = field(&page, "challenge_token");
    let question = page.split("Câu hỏi kiểm tra: ").nth(1).unwrap();
    let nums: Vec<u32> = question
        .split('=')
        .next()
        .unwrap()
        .split('+')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let answer = (nums[0] + nums[1]).to_string();
    let fields = |answer: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("challenge_token", challenge_token.clone()),
            ("challenge_answer", answer.to_owned()),
            ("unit_code", "000.00.00.H48".into()),
            ("subject", "regulation".into()),
            ("title", "<b>Tiêu đề</b>".into()),
            ("content", "<script>alert(1)</script>".into()),
            ("name", NAME.into()),
            ("phone", PHONE.into()),
            ("consent", "1".into()),
        ]
    };
    let wrong = anon
        .client
        .post(server.url("/phan-anh"))
        .form(&fields("0"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = wrong.text().await.unwrap();
    assert!(
        text.contains("Câu trả lời kiểm tra không đúng"),
        "Vietnamese message"
    );
    assert!(
        !text.contains("<b>Tiêu đề</b>") && text.contains("Tiêu đề&"),
        "typed values come back escaped"
    );
    let sent = anon
        .client
        .post(server.url("/phan-anh"))
        .form(&fields(&answer))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    let text = sent.text().await.unwrap();
    let code = between(&text, "id=\"ma-phan-anh\">", "<");
    assert!(code.starts_with("PAKN-"));
    // Without the form token: refused.
    let r = server
        .anonymous()
        .client
        .post(server.url("/phan-anh"))
        .form(&[("title", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Staff see the text escaped.
    let cchc = server.login("cchc").await;
    let list = cchc
        .get("/quan-ly/phan-anh?unit=000.00.00.H48")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains(&code));
    let table = list.split("id=\"danh-sach\"").nth(1).expect("the list");
    let id = between(table, "href=\"/quan-ly/phan-anh/", "\"");
    let item = cchc
        .get(&format!("/quan-ly/phan-anh/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!item.contains("<script>alert(1)"), "never raw");
    assert!(
        item.contains("script&") && item.contains("alert(1)"),
        "shown as text"
    );
    assert!(item.contains(NAME));
    // Statistics page for the reform office.
    let stats = cchc.get("/quan-ly/phan-anh/thong-ke").await;
    assert_eq!(stats.status(), StatusCode::OK);
    assert!(stats.text().await.unwrap().contains("Tỷ lệ đúng hạn"));
    // A stranger is sent to sign in.
    let r = server.anonymous().get("/quan-ly/phan-anh").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn demo_feedback_is_alive(backend: Backend) {
    let server = spawn(backend).await;
    let tenant =
        motcua_app::tenancy::resolve(&server.app, None, Some(motcua_app::demo::TENANT_CODE))
            .await
            .unwrap();
    let made = motcua_app::demo_feedback::seed_feedback(&server.app, tenant.id)
        .await
        .unwrap();
    assert_eq!(made, 7);
    let again = motcua_app::demo_feedback::seed_feedback(&server.app, tenant.id)
        .await
        .unwrap();
    assert_eq!(again, 0, "a second run adds nothing");
    let anon = server.anonymous();
    let published: Value = anon
        .get("/api/v1/feedback/published")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published.as_array().unwrap().len(), 1, "{published}");
    assert!(!published.to_string().contains("Nguyễn Thị Dân"));
    let cchc = server.login("cchc").await;
    let overdue: Value = cchc
        .get("/api/v1/feedback?unit=000.00.00.H48&show=overdue")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        overdue
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["urgency"] == "overdue"),
        "an item not forwarded for 7 days is overdue: {overdue}"
    );
    let open: Value = cchc
        .get("/api/v1/feedback?unit=000.00.00.H48")
        .await
        .json()
        .await
        .unwrap();
    let states: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["state"].as_str())
        .collect();
    for state in ["received", "awaiting_info", "forwarded", "answered"] {
        assert!(states.contains(&state), "{state} in {states:?}");
    }
    let stats: Value = cchc
        .get("/api/v1/feedback/stats?from=2000-01-01")
        .await
        .json()
        .await
        .unwrap();
    assert!(stats["total"].as_i64().unwrap() >= 5, "{stats}");
    let citizen = server.login("congdan@example.vn").await;
    let mine: Value = citizen
        .get("/api/v1/me/feedback")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 4, "{mine}");
}

fn field(page: &str, name: &str) -> String {
    between(page, &format!("name=\"{name}\" value=\""), "\"")
}

fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).unwrap_or_else(|| panic!("no `{start}`")) + start.len();
    s[i..].split(end).next().unwrap().to_owned()
}

on_both_backends! {
    feedback_journey => journey,
    feedback_information_and_refusal => asking_for_information_and_refusing,
    feedback_abuse => abuse_is_refused,
    feedback_personal_data => personal_data_on_request,
    feedback_pages => pages_escape_and_guard,
    feedback_demo => demo_feedback_is_alive,
}
