//! Administration pages over HTTP: units and staff accounts, their validation in Vietnamese,
//! and who may use them.

mod common;

use common::{Session, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{StatusCode, header};

async fn post_form(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
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
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (status, location.unwrap_or(r.text().await.unwrap()))
}

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

on_both_backends! {
    administrator_manages_units_and_staff => administrator_manages_units_and_staff,
}
