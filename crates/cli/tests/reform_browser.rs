//! The administrative-reform index in headless Chromium: a commune's leader scores the unit
//! and submits, the council appraises and finalises, publishes, and anyone reads the ranking
//! on the public portal. Needs `scripts/ensure-browser.sh`, like tests/browser.rs.

mod common;
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;

use common::spawn;
use fantoccini::key::Key;
use harness::Browser;
use motcua_domain::reform_index::{CriteriaSet, Method};
use motcua_testkit::{Backend, on_both_backends};
use serde_json::json;

const PASSWORD: &str = "motcua-demo";
const UNIT: &str = "000.21.20.H48";

async fn sign_in(b: &mut Browser, login: &str) {
    b.open("/dang-nhap").await;
    b.wait_text("h1", "Đăng nhập").await;
    b.tab_to("login").await;
    b.keys(login).await;
    b.keys(&char::from(Key::Tab).to_string()).await;
    b.keys(PASSWORD).await;
    b.keys(&char::from(Key::Enter).to_string()).await;
    b.wait_path("/tai-khoan").await;
}

async fn sign_out(b: &mut Browser) {
    b.find("header form[action='/dang-xuat'] button")
        .await
        .click()
        .await
        .expect("sign out");
    b.wait_path("/").await;
}

/// Clicks into the field with id `id` (ids hold dots: `p_1.1.1`), empties it and types. The
/// table's labels are for screen readers only, so the field itself is clicked.
async fn type_into(b: &mut Browser, id: &str, text: &str) {
    let field = b.find(&format!("[id='{id}']")).await;
    field.clear().await.expect("clear");
    b.js(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'center'}); return true",
        vec![json!(id)],
    )
    .await;
    b.find(&format!("[id='{id}']"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click into {id}: {e}"));
    assert_eq!(b.focused_id().await, id, "clicking focuses {id}");
    b.keys(text).await;
}

async fn press(b: &mut Browser, value: &str) {
    b.find(&format!("button[name=thao_tac][value={value}]"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("press {value}: {e}"));
}

async fn self_assessment_to_published_ranking(backend: Backend) {
    let server = spawn(backend).await;
    let test = format!("reform_index_journey-{backend:?}").to_lowercase();
    let council_api = server.login("cchc").await;
    let set = CriteriaSet::example(2026);
    let r = council_api
        .post(
            "/api/v1/reform-index/sets",
            json!({ "definition": set, "self_deadline": "2099-12-31" }),
        )
        .await;
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let manual: Vec<(String, f64)> = set
        .leaves()
        .iter()
        .filter(|c| c.method == Method::Manual)
        .map(|c| (c.code.clone(), c.max_points))
        .collect();
    let survey: Vec<String> = set
        .leaves()
        .iter()
        .filter(|c| matches!(c.method, Method::Survey { .. }))
        .map(|c| c.code.clone())
        .collect();

    let mut b = Browser::start(&test, &server.base).await;
    // The leader finds the set from the menu and scores the unit.
    sign_in(&mut b, "lanhdao.chiengle").await;
    b.find("header a[href='/chi-so-cchc']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_text("h1", "Chỉ số cải cách hành chính").await;
    b.find(&format!("a[href='/chi-so-cchc/{id}/don-vi/{UNIT}']"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_text("h1", "Chấm điểm Chỉ số CCHC năm 2026").await;
    // Too many points first: a Vietnamese message, nothing saved.
    let (first, max) = manual[0].clone();
    type_into(&mut b, &format!("p_{first}"), &format!("{}", max + 2.0)).await;
    press(&mut b, "luu").await;
    b.wait_text("[role=alert]", "vượt điểm tối đa").await;
    b.screenshot("too-many-points").await;
    for (code, max) in manual.iter().take(6) {
        type_into(
            &mut b,
            &format!("p_{code}"),
            &max.to_string().replace('.', ","),
        )
        .await;
    }
    type_into(
        &mut b,
        &format!("n_{first}"),
        "Kế hoạch ban hành ngày 20/12",
    )
    .await;
    press(&mut b, "luu").await;
    b.wait_text("[role=status]", "Đã lưu điểm tự chấm").await;
    press(&mut b, "nop").await;
    b.wait_text("#tinh-trang", "Đã nộp, chờ thẩm định").await;
    b.screenshot("submitted").await;
    sign_out(&mut b).await;

    // The council lowers one criterion, enters the survey and finalises.
    sign_in(&mut b, "cchc").await;
    b.open(&format!("/chi-so-cchc/{id}")).await;
    b.wait_text("#don-vi", "Đã nộp, chờ thẩm định").await;
    b.find(&format!(
        "#don-vi a[href='/chi-so-cchc/{id}/don-vi/{UNIT}']"
    ))
    .await
    .click()
    .await
    .unwrap();
    b.wait_text("#tinh-trang", "Đã nộp").await;
    type_into(&mut b, &format!("hp_{first}"), "0,5").await;
    type_into(&mut b, &format!("hn_{first}"), "Thiếu văn bản kiểm chứng").await;
    for code in &survey {
        type_into(&mut b, &format!("hp_{code}"), "92").await;
    }
    press(&mut b, "tham_dinh").await;
    b.wait_text("[role=status]", "Đã lưu kết quả thẩm định")
        .await;
    press(&mut b, "chot").await;
    b.wait_text("#tinh-trang", "Đã chốt kết quả").await;
    let total = b.text("#tong-diem").await;
    b.screenshot("finalised").await;
    b.open(&format!("/chi-so-cchc/{id}/ket-qua")).await;
    b.wait_text("#xep-hang", "Ủy ban nhân dân phường Chiềng Lề")
        .await;
    b.find("#cong-bo button").await.click().await.unwrap();
    b.wait_path(&format!("/cong-khai/chi-so-cchc/{id}")).await;
    sign_out(&mut b).await;

    // Anyone reads the published ranking.
    b.open("/cong-khai/chi-so-cchc").await;
    b.find(&format!("a[href='/cong-khai/chi-so-cchc/{id}']"))
        .await
        .click()
        .await
        .unwrap();
    let ranking = b
        .wait_text("#xep-hang", "Ủy ban nhân dân phường Chiềng Lề")
        .await;
    let points = total.split(" / ").next().unwrap().trim().to_owned();
    assert!(ranking.contains(&points), "{ranking} shows {points}");
    b.screenshot("published").await;
    b.close().await;
}

on_both_backends! {
    journey => self_assessment_to_published_ranking,
}
