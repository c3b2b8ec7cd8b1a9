//! End-to-end journeys in a real headless Chromium (Debian's `chromium` driven by
//! `chromedriver`): what a citizen or an officer sees and does on the pages, typed on the
//! keyboard and clicked as a person would. Each test has its own server, database and browser.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`scripts/ensure-browser.sh`); the
//! tests fail, never skip, without them. Screenshots of every step are saved under
//! `<target dir>/test-output/screenshots/<test>/`.

mod common;
#[path = "browser/harness.rs"]
mod harness;

use common::{Server, spawn};
use fantoccini::Locator;
use fantoccini::key::Key;
use harness::Browser;
use motcua_testkit::{Backend, on_both_backends};
use serde_json::{Value, json};

const OFFICER: &str = "motcua.chiengle";
const PASSWORD: &str = "motcua-demo";

fn key(k: Key) -> String {
    char::from(k).to_string()
}

async fn start(test: &str, backend: Backend) -> (Server, Browser) {
    let server = spawn(backend).await;
    let browser = Browser::start(test, &server.base).await;
    (server, browser)
}

/// Empties a field, focuses it the way a sighted user does (clicking its label) and types.
async fn fill(b: &mut Browser, id: &str, text: &str) {
    // WebDriver's clear also takes the focus away, so it comes first.
    b.find(&format!("#{id}"))
        .await
        .clear()
        .await
        .expect("clear the field");
    b.find(&format!("label[for='{id}']"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click the label of #{id}: {e}"));
    assert_eq!(b.focused_id().await, id, "clicking its label focuses #{id}");
    b.keys(text).await;
    assert_eq!(value_of(b, id).await, text, "typed into #{id}");
}

async fn value_of(b: &mut Browser, id: &str) -> String {
    b.find(&format!("#{id}"))
        .await
        .prop("value")
        .await
        .expect("read a field's value")
        .unwrap_or_default()
}

async fn click(b: &mut Browser, css: &str) {
    b.find(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
}

/// Signs in with the keyboard only: Tab to the user name, type, Tab, type, Enter.
async fn sign_in_with_keyboard(b: &mut Browser, login: &str, password: &str) {
    b.open("/dang-nhap").await;
    b.wait_text("h1", "Đăng nhập").await;
    b.tab_to("login").await;
    b.keys(login).await;
    b.keys(&key(Key::Tab)).await;
    assert_eq!(
        b.focused_id().await,
        "password",
        "Tab goes from the user name to the password"
    );
    b.keys(password).await;
}

// A citizen searches the catalogue without diacritics and opens a procedure.
async fn citizen_finds_a_procedure(backend: Backend) {
    let test = format!("citizen_finds_a_procedure-{backend:?}").to_lowercase();
    let (_server, mut b) = start(&test, backend).await;

    b.open("/").await;
    b.wait_text("h1", "Dịch vụ hành chính công").await;
    b.screenshot("home").await;

    fill(&mut b, "q", "dang ky khai sinh").await;
    b.screenshot("search-typed").await;
    click(&mut b, "form[role=search] button[type=submit]").await;
    b.wait_path("/thu-tuc?q=dang+ky+khai+sinh").await;
    b.wait_text("table.list", "Thủ tục đăng ký khai sinh").await;
    assert_eq!(
        value_of(&mut b, "q").await,
        "dang ky khai sinh",
        "the query stays"
    );
    b.screenshot("results").await;

    let link = b
        .client()
        .find(Locator::LinkText("Thủ tục đăng ký khai sinh"))
        .await
        .expect("a result links to the procedure");
    link.click().await.expect("open the procedure");
    b.wait_path("/thu-tuc/1.001193").await;
    assert_eq!(b.text("h1").await, "Thủ tục đăng ký khai sinh");
    b.wait_text("article h2", "Thành phần hồ sơ").await;
    let facts = b.text("dl.facts").await;
    assert!(
        facts.contains("Mã thủ tục") && facts.contains("1.001193"),
        "the procedure code is shown: {facts}"
    );
    b.screenshot("procedure").await;
    b.close().await;
}

on_both_backends! {
    citizen_finds_a_procedure => citizen_finds_a_procedure,
}

// The counter officer receives a file, the leader assigns it, and the applicant follows it
// on the public lookup page with the phone number given at the counter.
async fn file_from_counter_to_public_lookup(backend: Backend) {
    let test = format!("file_from_counter_to_lookup-{backend:?}").to_lowercase();
    let (_server, mut b) = start(&test, backend).await;

    sign_in_with_keyboard(&mut b, OFFICER, PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    click(&mut b, "header a[href='/ho-so']").await;
    b.wait_text("h1", "Hồ sơ cần xử lý").await;
    click(&mut b, "main a[href='/tiep-nhan']").await;
    b.wait_text("h1", "Tiếp nhận hồ sơ").await;
    fill(&mut b, "q", "khai sinh").await;
    click(&mut b, "main form.search button").await;
    b.wait_text("ul.picks", "Thủ tục đăng ký khai sinh").await;
    b.screenshot("procedure-search").await;
    b.client()
        .find(Locator::LinkText("Thủ tục đăng ký khai sinh"))
        .await
        .expect("a result to pick")
        .click()
        .await
        .expect("pick the procedure");
    b.wait_path("/tiep-nhan?thu-tuc=1.001193").await;
    fill(&mut b, "name", "Lò Văn Nộp").await;
    fill(&mut b, "phone", "0987654321").await;
    // Ticking a document by its label, as an officer does.
    click(&mut b, "label[for='doc-1']").await;
    click(&mut b, "label[for='doc-2']").await;
    let ticked: Value = b
        .js(
            "return [...document.querySelectorAll('input[name=documents]:checked')].length",
            vec![],
        )
        .await;
    assert_eq!(ticked, json!(2), "two documents ticked");
    b.screenshot("intake-filled").await;
    click(&mut b, "form.intake button[type=submit]").await;
    let status = b.wait_text("[role=status]", "đã được tiếp nhận").await;
    let code = b.text("#ma-ho-so").await;
    assert!(
        status.contains(&code) && code.starts_with("000.21.20.H48-"),
        "{status}"
    );
    b.screenshot("received").await;
    click(&mut b, "main a[href^='/ho-so/']").await;
    b.wait_text("#tinh-trang", "").await;
    let file_path = b.path().await;
    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;

    // The leader opens the file from the work list and assigns it.
    sign_in_with_keyboard(&mut b, "lanhdao.chiengle", PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    b.open("/ho-so").await;
    b.wait_text("table.files", &code).await;
    b.client()
        .find(Locator::LinkText(&code))
        .await
        .expect("the file is listed")
        .click()
        .await
        .expect("open the file");
    b.wait_path(&file_path).await;
    click(&mut b, "details:has(#thao-tac-assign) summary").await;
    b.js(
        "const s = document.querySelector('#assignee-assign'); s.value = 'chuyenvien.chiengle'; return s.value",
        vec![],
    )
    .await;
    b.screenshot("assign").await;
    click(&mut b, "#thao-tac-assign button[type=submit]").await;
    b.wait_text("[role=status]", "Đã thực hiện: Phân công xử lý.")
        .await;
    let facts = b.text("dl.facts").await;
    assert!(facts.contains("Hoàng Văn Xử"), "assigned: {facts}");
    assert!(
        b.text("#lich-su").await.contains("Phân công xử lý"),
        "the history shows the assignment"
    );
    b.screenshot("assigned").await;
    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;

    // The applicant, without an account, from the home page's lookup link.
    click(&mut b, "main a[href='/tra-cuu']").await;
    b.wait_text("h1", "Tra cứu tình trạng hồ sơ").await;
    fill(&mut b, "code", &code).await;
    fill(&mut b, "secret", "0900000000").await;
    click(&mut b, "main form button[type=submit]").await;
    b.wait_text("[role=alert]", "Không tìm thấy hồ sơ").await;
    b.screenshot("lookup-wrong-secret").await;
    b.open(&format!("/tra-cuu?ma={code}")).await;
    assert_eq!(
        value_of(&mut b, "code").await,
        code,
        "the QR address fills the code in"
    );
    fill(&mut b, "secret", "0987654321").await;
    click(&mut b, "main form button[type=submit]").await;
    let result = b.wait_text("section.result", "Quá trình giải quyết").await;
    assert!(result.contains("Thủ tục đăng ký khai sinh"), "{result}");
    assert!(
        result.contains("Phân công xử lý"),
        "the history is public: {result}"
    );
    assert!(!result.contains("Lò Văn Nộp"), "no personal data: {result}");
    b.screenshot("lookup-found").await;
    b.close().await;
}

on_both_backends! {
    file_from_counter_to_public_lookup => file_from_counter_to_public_lookup,
}

// A citizen submits online from the procedure's page; the commune's counter receives it and
// the citizen sees the file code on the account page.
async fn citizen_submits_online_and_the_counter_receives(backend: Backend) {
    let test = format!("online_submission-{backend:?}").to_lowercase();
    let (_server, mut b) = start(&test, backend).await;

    sign_in_with_keyboard(&mut b, "congdan@example.vn", PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    b.wait_text("main", "Bạn chưa nộp hồ sơ nào").await;
    b.open("/thu-tuc/1.001193").await;
    click(&mut b, "main a[href='/nop-truc-tuyen?thu-tuc=1.001193']").await;
    b.wait_text("h1", "Nộp hồ sơ trực tuyến").await;
    assert_eq!(
        value_of(&mut b, "name").await,
        "Nguyễn Thị Dân",
        "the account's name"
    );
    b.js(
        "const s = document.querySelector('#unit_code'); s.value = '000.21.20.H48'; return s.value",
        vec![],
    )
    .await;
    fill(&mut b, "phone", "0912345678").await;
    click(&mut b, "label[for='doc-1']").await;
    b.screenshot("form-filled").await;
    click(&mut b, "form.intake button[type=submit]").await;
    b.wait_path("/tai-khoan?da-nop=1").await;
    b.wait_text("[role=status]", "Đã nộp hồ sơ trực tuyến")
        .await;
    let mine = b.text("#ho-so-cua-toi").await;
    assert!(
        mine.contains("Chờ tiếp nhận") && mine.contains("Thủ tục đăng ký khai sinh"),
        "{mine}"
    );
    b.screenshot("submitted").await;
    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;

    sign_in_with_keyboard(&mut b, OFFICER, PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    b.open("/ho-so?loc=truc-tuyen").await;
    b.wait_text("table.files", "Nguyễn Thị Dân").await;
    b.screenshot("waiting-online").await;
    click(&mut b, "table.files a[href^='/ho-so/']").await;
    b.wait_text("#tinh-trang", "").await;
    click(&mut b, "details:has(#thao-tac-receive) summary").await;
    click(&mut b, "#thao-tac-receive button[type=submit]").await;
    b.wait_text("[role=status]", "Đã thực hiện").await;
    let code = b.text("#ma-ho-so").await;
    assert!(
        code.starts_with("000.21.20.H48-"),
        "received online files get a code: {code}"
    );
    b.screenshot("received").await;
    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;

    sign_in_with_keyboard(&mut b, "congdan@example.vn", PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    b.wait_text("#ho-so-cua-toi", &code).await;
    b.screenshot("citizen-sees-code").await;
    b.close().await;
}

on_both_backends! {
    citizen_submits_online_and_the_counter_receives => citizen_submits_online_and_the_counter_receives,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_signs_in_with_the_keyboard_and_signs_out() {
    let (_server, mut b) = start("officer_signs_in_and_out", Backend::Sqlite).await;

    sign_in_with_keyboard(&mut b, OFFICER, PASSWORD).await;
    b.screenshot("sign-in-typed").await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    b.wait_text("h1", "Xin chào").await;
    let grants = b.wait_text("table.list", "Cán bộ một cửa").await;
    assert!(grants.contains("Chiềng Lề"), "the officer's unit: {grants}");
    assert!(
        b.text("header").await.contains("Đăng xuất"),
        "the header offers to sign out"
    );
    b.screenshot("account").await;

    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;
    let header = b.text("header").await;
    assert!(
        header.contains("Đăng nhập") && !header.contains("Đăng xuất"),
        "signed out: {header}"
    );
    b.screenshot("signed-out").await;

    // The account page now asks to sign in again.
    b.open("/tai-khoan").await;
    b.wait_path("/dang-nhap?next=/tai-khoan").await;
    b.wait_text("h1", "Đăng nhập").await;
    b.screenshot("account-needs-sign-in").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_shows_a_vietnamese_error_and_keeps_the_user_name() {
    let (_server, mut b) = start("wrong_password", Backend::Sqlite).await;

    sign_in_with_keyboard(&mut b, OFFICER, "sai-mat-khau").await;
    b.keys(&key(Key::Enter)).await;
    b.wait_text("[role=alert]", "Tên đăng nhập hoặc mật khẩu không đúng.")
        .await;
    assert_eq!(b.path().await, "/dang-nhap");
    assert_eq!(value_of(&mut b, "login").await, OFFICER, "user name kept");
    assert_eq!(value_of(&mut b, "password").await, "", "password not kept");
    b.screenshot("wrong-password").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_registers_with_a_phone_number() {
    let (_server, mut b) = start("citizen_registers", Backend::Sqlite).await;

    b.open("/").await;
    click(&mut b, "header a[href='/dang-ky']").await;
    b.wait_path("/dang-ky").await;
    b.wait_text("h1", "Đăng ký tài khoản công dân").await;
    fill(&mut b, "full_name", "Lò Thị Mai").await;
    fill(&mut b, "phone", "0987 654 321").await;
    fill(&mut b, "password", "mat-khau-cua-mai").await;
    b.screenshot("form-filled").await;
    click(&mut b, "main form button[type=submit]").await;

    b.wait_path("/tai-khoan").await;
    b.wait_text("h1", "Xin chào, Lò Thị Mai").await;
    let main = b.text("main").await;
    assert!(
        main.contains("tài khoản công dân") && main.contains("0987654321"),
        "a citizen account named by the phone number: {main}"
    );
    assert!(b.text("header").await.contains("Lò Thị Mai"));
    b.screenshot("account").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_tool_explains_the_due_time() {
    let (_server, mut b) = start("deadline_tool", Backend::Sqlite).await;

    b.open("/thoi-han").await;
    b.wait_text("h1", "Tính thời hạn giải quyết").await;
    // The date and time field, typed in the order a Vietnamese browser shows it:
    // "16:10 20/11/2026".
    b.tab_to("received").await;
    b.keys("161020112026").await;
    assert_eq!(
        value_of(&mut b, "received").await,
        "2026-11-20T16:10",
        "the browser understood 20/11/2026 16:10"
    );
    fill(&mut b, "value", "3").await;
    b.find("#unit")
        .await
        .select_by_label("ngày làm việc")
        .await
        .expect("choose working days");
    b.find("#channel")
        .await
        .select_by_label("Trực tiếp")
        .await
        .expect("choose the counter");
    b.screenshot("form-filled").await;
    click(&mut b, "main form button[type=submit]").await;

    b.wait_text(".result h2", "Hạn trả kết quả").await;
    assert!(
        b.path()
            .await
            .starts_with("/thoi-han?received=2026-11-20T16%3A10")
    );
    let due = b.text("#due").await;
    assert!(!due.is_empty(), "a due time is shown");
    let explanation = b.text("ol.explanation").await;
    let lines: Vec<&str> = explanation.lines().collect();
    assert!(
        lines.iter().any(|l| l.contains("15:00")),
        "a line explains the 15:00 cut-off: {explanation}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Ngày Văn hóa Việt Nam")),
        "a line names Ngày Văn hóa Việt Nam: {explanation}"
    );
    b.screenshot("result").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_page_shows_the_vietnamese_404_page() {
    let (_server, mut b) = start("unknown_page", Backend::Sqlite).await;

    b.open("/khong-co-trang-nay").await;
    b.wait_text("h1", "Không tìm thấy trang").await;
    let shown = b.text("main").await;
    assert!(shown.contains("Mã lỗi 404"), "{shown}");
    let title = b.client().title().await.expect("title");
    assert!(title.starts_with("Không tìm thấy trang"), "title: {title}");
    b.screenshot("not-found").await;

    b.client()
        .find(Locator::LinkText("Về trang chủ"))
        .await
        .expect("a way back home")
        .click()
        .await
        .expect("go home");
    b.wait_path("/").await;
    b.wait_text("h1", "Dịch vụ hành chính công").await;
    b.close().await;
}

/// What a page offers assistive technology, read from the DOM.
const ACCESSIBILITY_PROBE: &str = r#"
const labelled = (el) => el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
const fields = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')];
return {
  lang: document.documentElement.getAttribute('lang') || '',
  h1: document.querySelectorAll('h1').length,
  unlabelled: fields.filter((el) => !labelled(el)).map((el) => el.outerHTML),
  unnamed_buttons: [...document.querySelectorAll('button')]
    .filter((el) => !el.textContent.trim() && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML),
};
"#;

async fn accessibility_problems(b: &mut Browser, path: &str) -> Vec<String> {
    b.open(path).await;
    let step = path
        .trim_start_matches('/')
        .split(['?', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or("home")
        .replace('.', "-");
    b.screenshot(&step).await;
    let found: Value = b.js(ACCESSIBILITY_PROBE, vec![]).await;
    let mut problems = Vec::new();
    if found["lang"] != json!("vi") {
        problems.push(format!(
            "{path}: <html lang> is {}, not \"vi\"",
            found["lang"]
        ));
    }
    if found["h1"] != json!(1) {
        problems.push(format!("{path}: {} h1 elements, not one", found["h1"]));
    }
    for field in found["unlabelled"].as_array().into_iter().flatten() {
        problems.push(format!("{path}: no <label for> for {field}"));
    }
    for button in found["unnamed_buttons"].as_array().into_iter().flatten() {
        problems.push(format!("{path}: a button without a name: {button}"));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_labels_one_h1_and_vietnamese_lang() {
    let (_server, mut b) = start("accessibility", Backend::Sqlite).await;

    let mut problems = Vec::new();
    for path in [
        "/",
        "/thu-tuc",
        "/thu-tuc?q=dang+ky+khai+sinh",
        "/thu-tuc/1.001193",
        "/dang-nhap",
        "/dang-ky",
        "/thoi-han",
        "/thoi-han?received=2026-11-20T16%3A10&value=3&unit=working_days&channel=counter",
        "/lich",
        "/tra-cuu",
        "/khong-co-trang-nay",
    ] {
        problems.extend(accessibility_problems(&mut b, path).await);
    }
    // Signed in as the administrator, who also sees the calendar's editing form.
    sign_in_with_keyboard(&mut b, "quantri", PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    for path in [
        "/tai-khoan",
        "/doi-mat-khau",
        "/lich",
        "/quan-tri/don-vi",
        "/quan-tri/nguoi-dung",
    ] {
        problems.extend(accessibility_problems(&mut b, path).await);
    }
    // And as the commune's counter officer: intake, work list and a file with its actions.
    click(&mut b, "header form[action='/dang-xuat'] button").await;
    b.wait_path("/").await;
    sign_in_with_keyboard(&mut b, OFFICER, PASSWORD).await;
    b.keys(&key(Key::Enter)).await;
    b.wait_path("/tai-khoan").await;
    for path in [
        "/ho-so",
        "/tiep-nhan?q=khai+sinh",
        "/tiep-nhan?thu-tuc=1.001193",
    ] {
        problems.extend(accessibility_problems(&mut b, path).await);
    }
    assert!(
        problems.is_empty(),
        "accessibility problems:\n{}",
        problems.join("\n")
    );
    b.close().await;
}

/// The page's width beyond the viewport, and whether `css` is shown inside the viewport.
async fn fits_the_screen(b: &mut Browser, css: &str) -> Value {
    b.find(css).await;
    b.js(
        r#"
const el = document.querySelector(arguments[0]);
const r = el.getBoundingClientRect();
const style = getComputedStyle(el);
return {
  viewport: window.innerWidth,
  page: document.documentElement.scrollWidth,
  shown: r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none',
  left: r.left,
  right: r.right,
  // What sticks out, to name the culprit when the page scrolls sideways.
  wider: [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 6)
    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className ? '.' + e.className : '') + ' right=' + Math.round(e.getBoundingClientRect().right)),
};
"#,
        vec![json!(css)],
    )
    .await
}

/// Opens `path` on a 390×844 phone screen and checks that the page does not scroll sideways
/// and that each of `shown` is visible inside the screen.
async fn check_phone_width(test: &str, path: &str, shown: &[&str]) {
    let (_server, mut b) = start(test, Backend::Sqlite).await;
    b.client()
        .set_window_size(390, 844)
        .await
        .expect("resize to a phone");
    b.open(path).await;
    b.screenshot("phone").await;
    let mut problems = Vec::new();
    for (i, css) in shown.iter().enumerate() {
        let m = fits_the_screen(&mut b, css).await;
        let viewport = m["viewport"].as_f64().unwrap_or(0.0);
        assert!(
            (300.0..=400.0).contains(&viewport),
            "the viewport is phone-sized: {m}"
        );
        if i == 0 && m["page"].as_f64().unwrap_or(f64::MAX) > viewport {
            problems.push(format!(
                "{path} scrolls sideways: the page is {} px wide; wider than the screen: {}",
                m["page"], m["wider"]
            ));
        }
        let inside = m["left"].as_f64().unwrap_or(-1.0) >= 0.0
            && m["right"].as_f64().unwrap_or(f64::MAX) <= viewport;
        if m["shown"] != json!(true) || !inside {
            problems.push(format!(
                "{path}: `{css}` is not shown inside the screen: {m}"
            ));
        }
    }
    assert!(problems.is_empty(), "at 390×844:\n{}", problems.join("\n"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_search_fits_a_phone_screen() {
    check_phone_width("phone_home", "/", &["form[role=search]"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_results_fit_a_phone_screen() {
    check_phone_width("phone_calendar", "/lich?nam=2026", &["table.list"]).await;
    check_phone_width("phone_api_docs", "/api/docs", &["table.list"]).await;
    check_phone_width(
        "phone_results",
        "/thu-tuc?q=dang+ky+khai+sinh",
        &["form[role=search]", "table.list"],
    )
    .await;
}
