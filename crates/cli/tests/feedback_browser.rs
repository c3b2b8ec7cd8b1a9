//! The feedback journey in a real headless Chromium (see browser.rs for the set-up): a citizen
//! sends feedback without an account → the province's reform office forwards it to the commune
//! → the commune's specialist answers → the leader approves → the reform office publishes →
//! the answer appears on the public page without the sender's name or phone.

mod common;
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;

use common::spawn;
use fantoccini::Locator;
use fantoccini::key::Key;
use harness::Browser;
use motcua_testkit::{Backend, on_both_backends};

const PASSWORD: &str = "motcua-demo";
const NAME: &str = "Đinh Thị Góp Ý";
const PHONE: &str = "0977111222";

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

async fn sign_in(b: &mut Browser, login: &str) {
    b.open("/dang-nhap").await;
    b.wait_text("h1", "Đăng nhập").await;
    fill(b, "login", login).await;
    fill(b, "password", PASSWORD).await;
    b.keys(&char::from(Key::Enter).to_string()).await;
    b.wait_path("/tai-khoan").await;
}

async fn sign_out(b: &mut Browser) {
    click(b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;
}

/// Opens the item from the staff work list by its code.
async fn open_item(b: &mut Browser, code: &str) {
    click(b, "header a[href='/quan-ly/phan-anh']").await;
    b.wait_text("#danh-sach", code).await;
    b.client()
        .find(Locator::LinkText(code))
        .await
        .expect("the item is listed")
        .click()
        .await
        .expect("open the item");
    b.wait_text("#ma-phan-anh", code).await;
}

async fn feedback_to_published_answer(backend: Backend) {
    let test = format!("feedback_to_published_answer-{backend:?}").to_lowercase();
    let server = spawn(backend).await;
    let mut b = Browser::start(&test, &server.base).await;

    // A citizen without an account.
    b.open("/").await;
    click(&mut b, "header a[href='/phan-anh']").await;
    b.wait_text("h1", "Gửi phản ánh, kiến nghị").await;
    assert!(
        b.text("#muc-dich").await.contains("không được công khai"),
        "the purpose of the personal data is shown"
    );
    fill(&mut b, "title", "Niêm yết thủ tục chưa đầy đủ").await;
    fill(
        &mut b,
        "content",
        "Bảng niêm yết tại bộ phận một cửa thiếu mức lệ phí.",
    )
    .await;
    fill(&mut b, "name", NAME).await;
    fill(&mut b, "phone", PHONE).await;
    click(&mut b, "label[for='consent']").await;
    let question = b.text("label[for='challenge_answer']").await;
    let sum: u32 = question
        .trim_start_matches("Câu hỏi kiểm tra: ")
        .trim_end_matches("= ?")
        .split('+')
        .map(|n| n.trim().parse::<u32>().expect("a number"))
        .sum();
    fill(&mut b, "challenge_answer", &sum.to_string()).await;
    b.screenshot("filled").await;
    click(&mut b, "#gui-phan-anh button[type=submit]").await;
    b.wait_text("#da-gui", "Đã tiếp nhận").await;
    let code = b.text("#ma-phan-anh").await;
    let secret = b.text("#ma-bi-mat").await;
    assert!(code.starts_with("PAKN-") && secret.len() == 8, "{code}");
    b.screenshot("sent").await;

    // The reform office forwards it to the commune.
    sign_in(&mut b, "cchc").await;
    open_item(&mut b, &code).await;
    b.js(
        "const s = document.querySelector('#unit_code'); s.value = '000.21.20.H48'; return s.value",
        vec![],
    )
    .await;
    click(&mut b, "#chuyen button[type=submit]").await;
    b.wait_text("#co-quan-xu-ly", "Chiềng Lề").await;
    b.screenshot("forwarded").await;
    sign_out(&mut b).await;

    // The commune's specialist answers.
    sign_in(&mut b, "chuyenvien.chiengle").await;
    open_item(&mut b, &code).await;
    fill(
        &mut b,
        "answer-text",
        "Đã bổ sung mức lệ phí vào bảng niêm yết ngày 20/11.",
    )
    .await;
    click(&mut b, "#tra-loi-form button[type=submit]").await;
    b.wait_text("#tinh-trang", "chờ duyệt").await;
    sign_out(&mut b).await;

    // The leader approves.
    sign_in(&mut b, "lanhdao.chiengle").await;
    open_item(&mut b, &code).await;
    click(&mut b, "#duyet button[type=submit]").await;
    b.wait_text("#tinh-trang", "Đã trả lời").await;
    b.screenshot("approved").await;
    sign_out(&mut b).await;

    // The reform office publishes it.
    sign_in(&mut b, "cchc").await;
    open_item(&mut b, &code).await;
    click(&mut b, "#cong-khai button[type=submit]").await;
    b.wait_text("#tinh-trang", "Đã công khai").await;
    sign_out(&mut b).await;

    // Anyone reads the published answer, without the sender's name or phone.
    b.open("/phan-anh/cong-khai").await;
    let page = b.wait_text("main", "Đã bổ sung mức lệ phí").await;
    assert!(page.contains(&code) && page.contains("Niêm yết thủ tục chưa đầy đủ"));
    assert!(
        !page.contains(NAME) && !page.contains(PHONE),
        "no personal data published: {page}"
    );
    b.screenshot("published").await;

    // The sender follows it with the code and secret and says it satisfied them.
    b.open("/phan-anh/tra-cuu").await;
    fill(&mut b, "code", &code).await;
    fill(&mut b, "secret", &secret).await;
    click(&mut b, "main form[action='/phan-anh/tra-cuu'] button").await;
    b.wait_text("#tra-loi", "Đã bổ sung mức lệ phí").await;
    click(&mut b, "label[for='hl-1']").await;
    click(&mut b, "#danh-gia button[type=submit]").await;
    b.wait_text("#hai-long", "hài lòng").await;
    b.screenshot("rated").await;
    b.close().await;
}

on_both_backends! {
    feedback_to_published_answer => feedback_to_published_answer,
}
