//! A survey in a real headless Chromium (see browser.rs for the set-up): the reform office has
//! published a questionnaire; a citizen without an account answers it on the portal; the
//! office signs in and sees the answer counted, with the mean of the scale and the free text.

mod common;
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;

use common::spawn;
use fantoccini::Locator;
use fantoccini::key::Key;
use harness::Browser;
use motcua_testkit::{Backend, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "motcua-demo";

async fn fill(b: &mut Browser, id: &str, text: &str) {
    b.find(&format!("#{id}"))
        .await
        .clear()
        .await
        .expect("clear the field");
    click(b, &format!("label[for='{id}']")).await;
    assert_eq!(b.focused_id().await, id, "clicking its label focuses #{id}");
    b.keys(text).await;
}

async fn click(b: &mut Browser, css: &str) {
    b.find(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
}

fn today_plus(days: i64) -> String {
    use jiff::ToSpan;
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .checked_add(days.days())
        .unwrap()
        .to_string()
}

async fn citizen_answers_and_staff_see_it(backend: Backend) {
    let test = format!("survey_answered_and_counted-{backend:?}").to_lowercase();
    let server = spawn(backend).await;
    let office = server.login("cchc").await;
    let survey: Value = office
        .post(
            "/api/v1/surveys",
            json!({ "questionnaire": {
                "title": "Khảo sát về Bộ phận Một cửa phường",
                "purpose": "Lấy ý kiến để phục vụ tốt hơn.",
                "opens_on": today_plus(0), "closes_on": today_plus(30),
                "questions": [
                    { "text": "Bạn nộp hồ sơ qua kênh nào?", "kind": "single_choice",
                      "options": ["Trực tiếp", "Trực tuyến"], "required": true },
                    { "text": "Thái độ phục vụ của cán bộ", "kind": "scale", "required": true },
                    { "text": "Góp ý khác", "kind": "free_text" }
                ] } }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = survey["id"].as_i64().unwrap();
    office
        .post(&format!("/api/v1/surveys/{id}/publish"), json!({}))
        .await;

    let mut b = Browser::start(&test, &server.base).await;
    b.open(&format!("/khao-sat/{id}")).await;
    b.wait_text("h1", "Khảo sát về Bộ phận Một cửa phường")
        .await;
    click(&mut b, "label[for='q0-1']").await;
    click(&mut b, "label[for='q1-4']").await;
    fill(&mut b, "q2-text", "Nên có thêm ghế chờ").await;
    let question = b.text("label[for='challenge_answer']").await;
    let sum: u32 = question
        .trim_start_matches("Câu hỏi kiểm tra: ")
        .trim_end_matches("= ?")
        .split('+')
        .map(|n| n.trim().parse::<u32>().expect("a number"))
        .sum();
    fill(&mut b, "challenge_answer", &sum.to_string()).await;
    b.screenshot("filled").await;
    click(&mut b, "#phieu-khao-sat button[type=submit]").await;
    b.wait_text("#da-ghi-nhan", "Cảm ơn bạn đã tham gia khảo sát")
        .await;
    b.screenshot("answered").await;

    // The reform office sees it counted.
    b.open("/dang-nhap").await;
    fill(&mut b, "login", "cchc").await;
    fill(&mut b, "password", PASSWORD).await;
    b.keys(&char::from(Key::Enter).to_string()).await;
    b.wait_path("/tai-khoan").await;
    b.open("/quan-ly/khao-sat").await;
    b.client()
        .find(Locator::LinkText("Khảo sát về Bộ phận Một cửa phường"))
        .await
        .expect("the survey is listed")
        .click()
        .await
        .expect("open the survey");
    b.wait_text("#so-phieu", "1").await;
    let q1 = b.text("#ket-qua-cau-1").await;
    assert!(
        q1.contains("Trực tuyến") && q1.contains("1 (100,0%)"),
        "{q1}"
    );
    b.wait_text("#ket-qua-cau-2 .diem-tb", "4,00").await;
    b.wait_text("#ket-qua-cau-3", "Nên có thêm ghế chờ").await;
    b.screenshot("results").await;
    b.close().await;
}

on_both_backends! {
    survey_answered_and_counted => citizen_answers_and_staff_see_it,
}
