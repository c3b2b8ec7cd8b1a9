//! The JSON API over real HTTP, on SQLite and PostgreSQL: permissions scoped to units,
//! sessions and CSRF, tokens, throttling, optimistic concurrency, bad input, audit.

mod common;

use common::{problem, procedure_json, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn permissions_are_scoped_to_units(backend: Backend) {
    let server = spawn(backend).await;
    let province_admin = server.login("quantri").await;
    let other_unit_officer = server.login("motcua.tuphap").await;
    let leader = server.login("lanhdao.chiengle").await;
    let citizen = server.login("congdan@example.vn").await;

    // The province administrator sees the staff of a commune below the province.
    let response = province_admin
        .get("/api/v1/units/000.21.20.H48/staff")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let staff: Value = response.json().await.unwrap();
    let names: Vec<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"chuyenvien.chiengle"), "{names:?}");

    // An officer of Sở Tư pháp, a citizen and the commune's own leader cannot.
    for who in [&other_unit_officer, &citizen, &leader] {
        let (status, code) = problem(who.get("/api/v1/units/000.21.20.H48/staff").await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
    }

    // An administrator of one commune manages that commune only.
    let created = province_admin
        .post(
            "/api/v1/users",
            json!({ "username": "quantri.tohieu", "display_name": "Lường Văn Quản", "password": "mật khẩu dài",
                    "unit_code": "000.22.20.H48", "role": "administrator" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let commune_admin = server
        .login_with("quantri.tohieu", "mật khẩu dài")
        .await
        .expect("new admin signs in");
    assert_eq!(
        commune_admin
            .get("/api/v1/units/000.22.20.H48/staff")
            .await
            .status(),
        StatusCode::OK
    );
    let (status, _) = problem(commune_admin.get("/api/v1/units/000.21.20.H48/staff").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let office = json!({ "code": "000.22.21.H48", "name": "Bộ phận một cửa phường Tô Hiệu", "kind": "office",
                         "parent_code": "000.22.20.H48" });
    assert_eq!(
        commune_admin.post("/api/v1/units", office).await.status(),
        StatusCode::CREATED
    );
    let elsewhere = json!({ "code": "000.21.21.H48", "name": "Bộ phận khác", "kind": "office",
                            "parent_code": "000.21.20.H48" });
    let (status, _) = problem(commune_admin.post("/api/v1/units", elsewhere).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A commune administrator cannot create staff in another commune either.
    let foreign_staff = json!({ "username": "x.chiengle", "display_name": "X", "password": "12345678",
                                "unit_code": "000.21.20.H48", "role": "specialist" });
    let (status, _) = problem(commune_admin.post("/api/v1/users", foreign_staff).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Only administrators change the catalogue; anonymous callers must sign in.
    let (status, _) = problem(
        leader
            .post(
                "/api/v1/procedures",
                procedure_json("9.000100", "Thủ tục thử"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, code) = problem(
        server
            .anonymous()
            .post(
                "/api/v1/procedures",
                procedure_json("9.000100", "Thủ tục thử"),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );

    // The audit trail is for administrators and the reform office.
    let (status, _) = problem(leader.get("/api/v1/audit/verify").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        server
            .login("cchc")
            .await
            .get("/api/v1/audit/verify")
            .await
            .status(),
        StatusCode::OK
    );
}

async fn catalogue_is_searchable_and_edited_safely(backend: Backend) {
    let server = spawn(backend).await;
    let public = server.anonymous();
    let found: Value = public
        .get("/api/v1/procedures?q=dang%20ky%20khai%20sinh")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Thủ tục đăng ký khai sinh"), "{names:?}");
    let by_field: Value = public
        .get("/api/v1/procedures?field=HOTICH&per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(by_field["total"].as_i64().unwrap() >= 10);
    assert!(
        by_field["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["field"]["code"] == "HOTICH")
    );

    let admin = server.login("quantri").await;
    let created = admin
        .post(
            "/api/v1/procedures",
            procedure_json("9.000100", "Cấp bản sao trích lục hộ tịch"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, "\"1\"");
    let (status, code) = problem(
        admin
            .post("/api/v1/procedures", procedure_json("9.000100", "Trùng mã"))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "duplicate_procedure_code")
    );

    let change = procedure_json("9.000100", "Cấp bản sao trích lục hộ tịch (sửa)");
    let (status, code) = problem(
        admin
            .send(
                Method::PUT,
                "/api/v1/procedures/9.000100",
                Some(change.clone()),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PRECONDITION_REQUIRED, "if_match_required")
    );
    let put = |tag: &'static str| {
        admin
            .client
            .put(server.url("/api/v1/procedures/9.000100"))
            .header("x-csrf-token", &admin.csrf)
            .header("if-match", tag)
            .json(&change)
            .send()
    };
    let first = put("\"1\"").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["etag"], "\"2\"");
    // A second officer acting on the version they read is told it changed.
    let (status, code) = problem(put("\"1\"").await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "stale_version")
    );

    let read: Value = public
        .get("/api/v1/procedures/9.000100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["name"], "Cấp bản sao trích lục hộ tịch (sửa)");
    assert_eq!(read["fees"][0]["amount_vnd"], 8000);
    assert_eq!(
        admin
            .send(Method::DELETE, "/api/v1/procedures/9.000100", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let (status, _) = problem(public.get("/api/v1/procedures/9.000100").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_input_gets_a_clear_4xx(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let raw = |body: &'static str, content_type: &'static str| {
        admin
            .client
            .post(server.url("/api/v1/units"))
            .header("x-csrf-token", &admin.csrf)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(reqwest::Response, StatusCode, &str)> = vec![
        (raw("{\"code\": ", "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "malformed_json"),
        (raw("{\"code\": 5, \"name\": \"x\", \"kind\": \"office\"}", "application/json").await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (raw("{\"code\":\"000.00.99.H48\",\"name\":\"x\",\"kind\":\"office\",\"parent_code\":\"000.00.00.H48\",\"colour\":\"red\"}",
            "application/json").await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (raw("code=1", "application/x-www-form-urlencoded").await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type"),
        (admin.post("/api/v1/units", json!({ "code": "000.00.01'; DROP TABLE units;--", "name": "Phòng Tư pháp",
            "kind": "office", "parent_code": "000.00.00.H48" })).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (admin.post("/api/v1/units", json!({ "code": "000.00.99.H48", "name": "Phòng Tư pháp", "kind": "office",
            "parent_code": "999.99.99.Z99" })).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (admin.post("/api/v1/units", json!({ "code": "000.00.12.H48", "name": "Sở Tư pháp (trùng)", "kind": "department",
            "parent_code": "000.00.00.H48" })).await, StatusCode::CONFLICT, "duplicate_unit_code"),
        (admin.post("/api/v1/procedures", json!({ "code": "1.001193", "name": "Thủ tục đăng ký khai sinh",
            "field_code": "HOTICH", "level": "xa", "processing_time": { "value": 1, "unit": "fortnights" },
            "channels": { "counter": true, "post": false, "online": "none" } })).await,
            StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (admin.get("/api/v1/procedures?per_page=nhiều").await, StatusCode::BAD_REQUEST, "invalid_query"),
        (admin.get("/api/v1/procedures?level=huyện").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (admin.get("/api/v1/khong-co-dau").await, StatusCode::NOT_FOUND, "not_found"),
        (admin.get("/api/v1/files/abc").await, StatusCode::NOT_FOUND, "not_found"),
        (admin.get("/api/v1/files/99999999999999999999999").await, StatusCode::NOT_FOUND, "not_found"),
        // NUL characters (PostgreSQL cannot store them): refused at the edge, in a body or a
        // query; no resource is named with one.
        (admin.post("/api/v1/lookup", json!({ "code": "000.00.12.H48-261120-0001\u{0}", "secret": "x" })).await,
            StatusCode::UNPROCESSABLE_ENTITY, "invalid_text"),
        (admin.get("/api/v1/procedures?q=khai%00sinh").await, StatusCode::BAD_REQUEST, "invalid_text"),
        (admin.get("/api/v1/units/000.00.12%00.H48").await, StatusCode::NOT_FOUND, "not_found"),
    ];
    for (response, expected_status, expected_code) in cases {
        let (status, code) = problem(response).await;
        assert_eq!((status, code.as_str()), (expected_status, expected_code));
    }

    // Oversized bodies are refused before they are read.
    let huge = format!("{{\"name\":\"{}\"}}", "ă".repeat(1_200_000));
    // Its own connection: the server closes it after refusing the body.
    let response = common::client()
        .post(server.url("/api/v1/units"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(response).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large".to_owned())
    );

    // SQL metacharacters and Vietnamese text are plain data.
    let found: Value = admin
        .get("/api/v1/procedures?q=%27%20OR%201%3D1%20--")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 0);
    let created = admin
        .post("/api/v1/units", json!({ "code": "000.00.98.H48", "name": "Phòng \"Một cửa\" <script>alert(1)</script>; DROP TABLE units;",
                                       "kind": "office", "parent_code": "000.00.00.H48" }))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let unit: Value = admin
        .get("/api/v1/units/000.00.98.H48")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        unit["name"],
        "Phòng \"Một cửa\" <script>alert(1)</script>; DROP TABLE units;"
    );
    assert!(
        admin
            .get("/api/v1/units")
            .await
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len()
            > 10
    );
}

async fn sessions_tokens_and_throttling(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;

    // A cookie session must send its CSRF token to change anything.
    let no_csrf = admin
        .client
        .put(server.url("/api/v1/fields/THU"))
        .json(&json!({ "name": "Lĩnh vực thử" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(no_csrf).await,
        (StatusCode::FORBIDDEN, "csrf_failed".to_owned())
    );

    let wrong_method = admin
        .post("/api/v1/fields/THU", json!({ "name": "x" }))
        .await;
    assert_eq!(
        problem(wrong_method).await,
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed".to_owned()
        )
    );

    // Personal API tokens work without cookies or CSRF, until revoked.
    let created: Value = admin
        .post(
            "/api/v1/auth/tokens",
            json!({ "name": "Kết nối cổng DVC", "expires_in_days": 30 }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let bare = reqwest::Client::new();
    let me: Value = bare
        .get(server.url("/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "quantri");
    let saved = bare
        .put(server.url("/api/v1/fields/THU"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Lĩnh vực thử" }))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let id = created["info"]["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .send(Method::DELETE, &format!("/api/v1/auth/tokens/{id}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let revoked = bare
        .get(server.url("/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(revoked).await,
        (StatusCode::UNAUTHORIZED, "invalid_token".to_owned())
    );

    // Repeated wrong passwords lock the account for a while, even for the right password.
    for _ in 0..5 {
        let (status, body) = server
            .login_with("chuyenvien.chiengle", "sai mật khẩu")
            .await
            .err()
            .unwrap();
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("bad_credentials"))
        );
    }
    let (status, body) = server
        .login_with("chuyenvien.chiengle", motcua_app::demo::DEMO_PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    // Unknown accounts answer exactly like wrong passwords.
    let (status, body) = server
        .login_with("khong.ton.tai", "bất kỳ")
        .await
        .err()
        .unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("bad_credentials"))
    );

    // Changing the password ends other sessions; the new password works, the old does not.
    let leader_here = server.login("lanhdao.chiengle").await;
    let leader_elsewhere = server.login("lanhdao.chiengle").await;
    let changed = leader_here
        .post(
            "/api/v1/auth/password",
            json!({ "current_password": motcua_app::demo::DEMO_PASSWORD,
                                               "new_password": "mật-khẩu-mới-2026" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        leader_here.get("/api/v1/auth/me").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        leader_elsewhere.get("/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(
        server
            .login_with("lanhdao.chiengle", motcua_app::demo::DEMO_PASSWORD)
            .await
            .is_err()
    );
    assert!(
        server
            .login_with("lanhdao.chiengle", "mật-khẩu-mới-2026")
            .await
            .is_ok()
    );

    // Logging out ends the session on the server, not just in the browser.
    let cookie = leader_here
        .send(Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(cookie.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        leader_here.get("/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Citizens register with a phone number and are signed in.
    let registered = server
        .anonymous()
        .client
        .post(server.url("/api/v1/auth/register"))
        .json(&json!({ "full_name": "Trần Thị Bình", "phone": "+84 987 654 321", "password": "bình-an-2026" }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    assert!(
        server
            .login_with("0987654321", "bình-an-2026")
            .await
            .is_ok()
    );
    let again = server
        .anonymous()
        .client
        .post(server.url("/api/v1/auth/register"))
        .json(
            &json!({ "full_name": "Người khác", "phone": "0987654321", "password": "khác-2026-x" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(again).await,
        (StatusCode::CONFLICT, "account_exists".to_owned())
    );
}

async fn audit_trail_records_changes_and_detects_tampering(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let created = admin
        .post(
            "/api/v1/units",
            json!({ "code": "000.00.97.H48", "name": "Phòng Kiểm soát TTHC", "kind": "office",
                                       "parent_code": "000.00.00.H48" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let recent: Value = admin
        .get("/api/v1/audit?limit=5")
        .await
        .json()
        .await
        .unwrap();
    let newest = &recent[0];
    assert_eq!(newest["action"], "unit.created");
    assert!(
        newest["after_json"]
            .as_str()
            .unwrap()
            .contains("Phòng Kiểm soát TTHC")
    );
    let verified: Value = admin
        .get("/api/v1/audit/verify")
        .await
        .json()
        .await
        .unwrap();
    assert!(verified["first_break"].is_null(), "{verified}");
    assert!(
        verified["records"].as_i64().unwrap() > 80,
        "demo seeding is audited too: {verified}"
    );

    // Someone with database access rewrites history: the chain no longer verifies.
    let record_id = newest["id"].as_i64().unwrap();
    let mut conn = server.app.db.read_conn().await.unwrap();
    sqlx::query("UPDATE audit_log SET after_json = '{\"name\":\"đã sửa\"}' WHERE id = $1")
        .bind(record_id)
        .execute(&mut *conn)
        .await
        .unwrap();
    let verified: Value = admin
        .get("/api/v1/audit/verify")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        verified["first_break"]["record_id"], record_id,
        "{verified}"
    );
    assert_eq!(
        verified["first_break"]["reason"],
        "record content does not match its hash"
    );
}

on_both_backends! {
    permissions => permissions_are_scoped_to_units,
    catalogue => catalogue_is_searchable_and_edited_safely,
    bad_input => bad_input_gets_a_clear_4xx,
    sessions => sessions_tokens_and_throttling,
    audit => audit_trail_records_changes_and_detects_tampering,
}
