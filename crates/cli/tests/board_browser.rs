//! The public transparency board in headless Chromium: a visitor follows the link from the
//! home page, narrows the board to one commune with the unit filter, and sees the SVG charts
//! and the commune's ranking line; the commune's leader
//! opens the dashboard with the service-quality index. Needs `scripts/ensure-browser.sh`, like tests/browser.rs.

mod common;
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;

use common::spawn;
use fantoccini::key::Key;
use harness::Browser;
use motcua_testkit::{Backend, on_both_backends};

const COMMUNE: &str = "000.21.20.H48";
const COMMUNE_NAME: &str = "Ủy ban nhân dân phường Chiềng Lề";

async fn sign_in(b: &mut Browser, login: &str) {
    b.open("/dang-nhap").await;
    b.wait_text("h1", "Đăng nhập").await;
    b.tab_to("login").await;
    b.keys(login).await;
    b.keys(&char::from(Key::Tab).to_string()).await;
    b.keys(motcua_app::demo::DEMO_PASSWORD).await;
    b.keys(&char::from(Key::Enter).to_string()).await;
    b.wait_path("/tai-khoan").await;
}

async fn visitor_filters_the_public_board(backend: Backend) {
    let server = spawn(backend).await;
    let tenant =
        motcua_app::tenancy::resolve(&server.app, None, Some(motcua_app::demo::TENANT_CODE))
            .await
            .unwrap();
    motcua_app::demo_files::seed_files(&server.app, tenant.id)
        .await
        .unwrap();
    let test = format!("board_journey-{backend:?}").to_lowercase();
    let mut b = Browser::start(&test, &server.base).await;
    b.open("/").await;
    b.find("a[href='/cong-khai']").await.click().await.unwrap();
    b.wait_text("h1", "Bảng công khai kết quả giải quyết").await;
    b.wait_text("#pham-vi", "Toàn tỉnh").await;
    b.screenshot("province").await;
    b.js(
        "document.getElementById('xu-huong').scrollIntoView({block: 'start'}); return true",
        vec![],
    )
    .await;
    b.screenshot("province-charts").await;

    // Narrow to the commune: the filter is a plain GET form, no script needed.
    b.find("#unit")
        .await
        .select_by_value(COMMUNE)
        .await
        .expect("choose the commune");
    b.find("#bo-loc button").await.click().await.unwrap();
    b.wait_text("#pham-vi", COMMUNE_NAME).await;
    assert!(b.path().await.contains(&format!("unit={COMMUNE}")));
    // The charts are SVG images with a title, drawn on the server.
    let title = b.text("svg#xu-huong title").await;
    assert_eq!(title, "Xu hướng theo tháng");
    let bars = b.text("svg#xep-hang").await;
    assert!(bars.contains(COMMUNE_NAME), "{bars}");
    let ranking = b.wait_text("#xep-hang-bang", COMMUNE_NAME).await;
    assert!(ranking.contains('%'), "an on-time rate: {ranking}");
    b.js(
        "document.getElementById('xep-hang').scrollIntoView({block: 'center'}); return true",
        vec![],
    )
    .await;
    b.screenshot("commune-ranking").await;

    // The commune's leader reaches the dashboard from the account page: their unit only,
    // with the service-quality index and its breakdown.
    sign_in(&mut b, "lanhdao.chiengle").await;
    b.find("a[href='/bao-cao']").await.click().await.unwrap();
    b.wait_text("h1", "Bảng điều hành").await;
    b.wait_text("#pham-vi", COMMUNE_NAME).await;
    b.wait_text("#chi-so", COMMUNE_NAME).await;
    b.find("details.index-detail summary")
        .await
        .click()
        .await
        .unwrap();
    b.wait_text(
        "details.index-detail",
        "2.1 Hồ sơ giải quyết trước hạn và đúng hạn",
    )
    .await;
    b.js(
        "document.getElementById('chi-so-766').scrollIntoView({block: 'start'}); return true",
        vec![],
    )
    .await;
    b.screenshot("leader-index").await;
    b.close().await;
}

on_both_backends! {
    journey => visitor_filters_the_public_board,
}
