//! Administration pages over HTTP: units and staff accounts, their validation in Vietnamese,
//! and who may use them.

mod common;

use common::{post_form, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

async fn administrator_manages_units_and_staff(backend: Backend) {
    let server = spawn(backend).await;
    let anonymous = server.anonymous();
    let to_login = anonymous.get("/quan-tri/don-vi").await;
    assert_eq!(to_login.status(), StatusCode::SEE_OTHER);
    let counter = server.login("motcua.chiengle").await;
    assert_eq!(
        counter.get("/quan-tri/nguoi-dung").await.status(),
        StatusCode::FORBIDDEN
    );

    let admin = server.login("quantri").await;
    let page = admin.get("/quan-tri/don-vi").await.text().await.unwrap();
    assert!(page.contains("Sở Tư pháp") && page.contains("000.21.20.H48"));
    assert!(
        page.contains("đến 2025-06-30"),
        "the dissolved district is shown as ended"
    );

    // A malformed code is explained; nothing is created.
    let (status, page) = post_form(
        &admin,
        "/quan-tri/don-vi",
        &[
            ("csrf_token", &admin.csrf),
            ("name", "Sở Du lịch"),
            ("code", "khong-hop-le"),
            ("kind", "department"),
            ("parent_code", "000.00.00.H48"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Mã định danh đơn vị không đúng định dạng"),
        "{page}"
    );
    assert!(
        page.contains("value=\"Sở Du lịch\""),
        "what was typed stays"
    );
    let (status, location) = post_form(
        &admin,
        "/quan-tri/don-vi",
        &[
            ("csrf_token", &admin.csrf),
            ("name", "Sở Du lịch"),
            ("code", "000.00.31.H48"),
            ("kind", "department"),
            ("parent_code", "000.00.00.H48"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(page.contains("Đã tạo đơn vị 000.00.31.H48.") && page.contains("Sở Du lịch"));
    // A forged form changes nothing.
    let (status, _) = post_form(
        &admin,
        "/quan-tri/don-vi",
        &[
            ("csrf_token", "forged"),
            ("name", "Giả mạo"),
            ("code", "000.00.32.H48"),
            ("kind", "department"),
            ("parent_code", "000.00.00.H48"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A new specialist for the new department, who can then sign in.
    let (status, page) = post_form(
        &admin,
        "/quan-tri/nguoi-dung",
        &[
            ("csrf_token", &admin.csrf),
            ("username", "chuyen vien"),
            ("display_name", "Lò Văn Mới"),
            ("password", "mat-khau-moi-1"),
            ("unit_code", "000.00.31.H48"),
            ("role", "specialist"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tên đăng nhập gồm 3–64"), "{page}");
    assert!(
        !page.contains("mat-khau-moi-1"),
        "the password is never sent back"
    );
    let (status, location) = post_form(
        &admin,
        "/quan-tri/nguoi-dung",
        &[
            ("csrf_token", &admin.csrf),
            ("username", "chuyenvien.dulich"),
            ("display_name", "Lò Văn Mới"),
            ("password", "mat-khau-moi-1"),
            ("unit_code", "000.00.31.H48"),
            ("role", "specialist"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(page.contains("Đã tạo tài khoản chuyenvien.dulich."));
    assert!(page.contains("Lò Văn Mới") && page.contains("Chuyên viên xử lý"));
    let newcomer = server
        .login_with("chuyenvien.dulich", "mat-khau-moi-1")
        .await
        .expect("the new account signs in");
    let me: serde_json::Value = newcomer.get("/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["grants"][0]["unit_code"], "000.00.31.H48");
}

async fn administrator_manages_the_catalogue(backend: Backend) {
    let server = spawn(backend).await;
    assert_eq!(
        server.anonymous().get("/quan-tri/thu-tuc").await.status(),
        StatusCode::SEE_OTHER
    );
    let counter = server.login("motcua.chiengle").await;
    assert_eq!(
        counter.get("/quan-tri/thu-tuc").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = server.login("quantri").await;
    // Found without diacritics.
    let page = admin
        .get("/quan-tri/thu-tuc?q=khai+sinh")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("1.001193"), "{page}");

    let form = |name: &'static str, fee: &'static str| {
        vec![
            ("csrf_token", admin.csrf.clone()),
            ("code", "2.999001".to_owned()),
            ("name", name.to_owned()),
            ("field_code", "HOTICH".to_owned()),
            ("level", "xa".to_owned()),
            ("time_value", "3".to_owned()),
            ("time_unit", "working_days".to_owned()),
            (
                "documents",
                "Tờ khai | 2\r\nBản sao giấy tờ tùy thân".to_owned(),
            ),
            ("fees", fee.to_owned()),
            ("legal_basis", "Luật Hộ tịch 2014".to_owned()),
            ("counter", "on".to_owned()),
            ("online", "full".to_owned()),
            ("result", "Giấy xác nhận".to_owned()),
        ]
    };
    // A fee that is not a number is explained in Vietnamese; nothing is created, what was
    // typed is kept.
    let bad = form("Thủ tục thử nghiệm", "Lệ phí | năm chục");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = post_form(&admin, "/quan-tri/thu-tuc", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Phí, lệ phí không hợp lệ"), "{page}");
    assert!(page.contains("Thủ tục thử nghiệm"));
    assert_eq!(
        admin.get("/api/v1/procedures/2.999001").await.status(),
        StatusCode::NOT_FOUND
    );

    let good = form("Thủ tục thử nghiệm", "Lệ phí | 50.000");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = post_form(&admin, "/quan-tri/thu-tuc", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(
        admin
            .get(&location)
            .await
            .text()
            .await
            .unwrap()
            .contains("Đã lưu thủ tục 2.999001.")
    );
    let p: serde_json::Value = admin
        .get("/api/v1/procedures/2.999001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["documents"][0]["name"], "Tờ khai");
    assert_eq!(p["documents"][0]["copies"], 2);
    assert_eq!(p["documents"][1]["copies"], 1);
    assert_eq!(p["fees"][0]["amount_vnd"], 50000);
    assert_eq!(p["channels"]["counter"], true);
    assert_eq!(p["channels"]["post"], false);
    assert_eq!(p["channels"]["online"], "full");
    assert_eq!(p["processing_time_label"], "03 ngày làm việc");
    let version = p["version"].as_i64().unwrap().to_string();

    // Editing shows what is stored; saving at the version seen changes it.
    let page = admin
        .get("/quan-tri/thu-tuc/2.999001")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Tờ khai | 2") && page.contains("Lệ phí | 50000"),
        "{page}"
    );
    let mut edit = form("Thủ tục thử nghiệm (sửa đổi)", "Lệ phí | 50.000");
    edit.push(("version", version.clone()));
    let edit: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = post_form(&admin, "/quan-tri/thu-tuc/2.999001", &edit).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let p: serde_json::Value = admin
        .get("/api/v1/procedures/2.999001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["name"], "Thủ tục thử nghiệm (sửa đổi)");
    // Saving again from the old page: someone changed it meanwhile.
    let (status, page) = post_form(&admin, "/quan-tri/thu-tuc/2.999001", &edit).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("Dữ liệu đã được người khác thay đổi"),
        "{page}"
    );
    // Without the form's CSRF token nothing changes.
    let forged: Vec<(&str, &str)> = edit
        .iter()
        .map(|(k, v)| {
            if *k == "csrf_token" {
                (*k, "sai")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let (status, _) = post_form(&admin, "/quan-tri/thu-tuc/2.999001", &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The rule versions, read-only: the one in force is marked, with its forms.
    let rules = admin.get("/quan-tri/quy-tac").await.text().await.unwrap();
    assert!(rules.contains("đang áp dụng"), "{rules}");
    assert!(rules.contains("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
    assert_eq!(
        counter.get("/quan-tri/quy-tac").await.status(),
        StatusCode::FORBIDDEN
    );
}

async fn administrator_sets_working_hours(backend: Backend) {
    const COMMUNE: &str = "000.21.20.H48"; // phường Chiềng Lề
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    assert_eq!(
        counter.get("/quan-tri/gio-lam-viec").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = server.login("quantri").await;
    // 8 working hours from Friday 27/11/2026 10:00 at the commune's counter.
    let due = async || -> String {
        let r: serde_json::Value = admin
            .post(
                "/api/v1/calendar/deadline",
                serde_json::json!({
                    "received_at": "2026-11-27T03:00:00Z",
                    "processing_time": { "value": 8, "unit": "working_hours" },
                    "channel": "counter",
                    "unit_code": COMMUNE,
                }),
            )
            .await
            .json()
            .await
            .unwrap();
        r["due"].as_str().unwrap_or_default().to_owned()
    };
    // Civil-service hours: Friday 10:00–17:00 gives 5 hours, the other 3 on Monday.
    assert_eq!(due().await, "2026-11-30T03:00:00Z");
    let page = admin
        .get(&format!("/quan-tri/gio-lam-viec?don-vi={COMMUNE}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("dùng giờ làm việc chung của tỉnh"), "{page}");
    assert!(page.contains("07:00-11:30, 13:30-17:00"));

    let week = |saturday: &'static str| {
        let mut f = vec![
            ("csrf_token", admin.csrf.clone()),
            ("unit", COMMUNE.to_owned()),
        ];
        for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
            f.push((day, "07:00-11:30, 13:30-17:00".to_owned()));
        }
        f.push(("saturday", saturday.to_owned()));
        f.push(("sunday", String::new()));
        f.push(("make_up_day", "07:00-11:30, 13:30-17:00".to_owned()));
        f
    };
    // Badly written hours are explained; nothing changes.
    let bad = week("7h đến 11h");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = post_form(&admin, "/quan-tri/gio-lam-viec", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Giờ làm việc không hợp lệ"), "{page}");
    assert!(page.contains("7h đến 11h"), "what was typed is kept");
    let overlapping = week("07:00-11:30, 11:00-12:00");
    let overlapping: Vec<(&str, &str)> =
        overlapping.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _) = post_form(&admin, "/quan-tri/gio-lam-viec", &overlapping).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(due().await, "2026-11-30T03:00:00Z");

    // Saturday morning at the commune: the last 3 hours fall on Saturday.
    let good = week("07:00-11:30");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = post_form(&admin, "/quan-tri/gio-lam-viec", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(page.contains("Đã lưu giờ làm việc.") && page.contains("giờ làm việc riêng"));
    assert_eq!(due().await, "2026-11-28T03:00:00Z");

    // Back to the province's hours.
    let mut back = good.clone();
    back.push(("follow_province", "on"));
    let (status, _) = post_form(&admin, "/quan-tri/gio-lam-viec", &back).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(due().await, "2026-11-30T03:00:00Z");
}

on_both_backends! {
    administrator_manages_units_and_staff => administrator_manages_units_and_staff,
    administrator_manages_the_catalogue => administrator_manages_the_catalogue,
    administrator_sets_working_hours => administrator_sets_working_hours,
}
